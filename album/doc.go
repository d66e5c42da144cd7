// Package album is lathe's domain model: the album, its tracks and
// deliveries as a project file (album.toml) describes them, the checks of
// the Red Book rules that can be made before any audio is read, and Plan,
// which lays the album out as one continuous program with every index point
// in samples and CD sectors.
//
// The package is pure: it imports no file or audio I/O. Decode takes the
// project file's bytes and name; Plan takes what the caller learned from the
// sources' headers (SourceInfo).
//
// References: docs/design.md §2-§3 (project file, timeline) and
// docs/cd-formats.md §1 and §3 (Red Book constraints, MSF arithmetic,
// boundary placement), which follow IEC 60908 (Red Book) as summarized there.
package album
