// Package version holds lathe's version, which outputs record (the
// manifest, BWF chunks) and `lathe version` prints.
package version

// Version is the release version; builds from a tag override it with
// -ldflags "-X github.com/lathe-audio/lathe/internal/version.Version=vX.Y.Z".
var Version = "0.1.0-dev"
