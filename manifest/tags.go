package manifest

import (
	"cmp"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"slices"
	"strings"

	"github.com/bogem/id3v2/v2"
	"github.com/go-flac/flacpicture/v2"
	"github.com/go-flac/flacvorbis/v2"
	goflac "github.com/go-flac/go-flac/v2"

	"github.com/lathe-audio/lathe/pcm"
)

// readTags returns the tags of an audio file: a WAV's LIST/INFO entries
// and a FLAC's Vorbis comments in file order, an MP3's ID3v2 frames
// sorted by key and value (ID3v2 gives frames no order). A picture is a
// tag whose value describes it (pictureValue).
func readTags(p, format string) ([]Tag, error) {
	tags := []Tag{}
	switch format {
	case "wav":
		info, err := pcm.Probe(p)
		if err != nil {
			return nil, err
		}
		for _, t := range info.Tags {
			tags = append(tags, Tag{t.ID, t.Text})
		}
	case "flac":
		f, err := os.Open(p)
		if err != nil {
			return nil, err
		}
		defer f.Close()
		meta, err := goflac.ParseMetadata(f)
		if err != nil {
			return nil, fmt.Errorf("flac metadata: %w", err)
		}
		for _, b := range meta.Meta {
			switch b.Type {
			case goflac.VorbisComment:
				vc, err := flacvorbis.ParseFromMetaDataBlock(*b)
				if err != nil {
					return nil, fmt.Errorf("vorbis comment: %w", err)
				}
				for _, c := range vc.Comments {
					k, v, _ := strings.Cut(c, "=")
					tags = append(tags, Tag{k, v})
				}
			case goflac.Picture:
				pic, err := flacpicture.ParseFromMetaDataBlock(*b)
				if err != nil {
					return nil, fmt.Errorf("picture: %w", err)
				}
				tags = append(tags, Tag{"PICTURE", pictureValue(int(pic.PictureType), pic.MIME, pic.Description, pic.ImageData)})
			}
		}
	case "mp3":
		t, err := id3v2.Open(p, id3v2.Options{Parse: true})
		if err != nil {
			return nil, fmt.Errorf("id3v2: %w", err)
		}
		defer t.Close()
		for id, frames := range t.AllFrames() {
			for _, fr := range frames {
				tags = append(tags, id3Tag(id, fr))
			}
		}
		slices.SortFunc(tags, func(a, b Tag) int { return cmp.Or(cmp.Compare(a.Key, b.Key), cmp.Compare(a.Value, b.Value)) })
	}
	return tags, nil
}

// id3Tag describes an ID3v2 frame: a text frame by its ID, a TXXX frame
// as TXXX:description, a comment as COMM:language:description, a picture
// as APIC, anything else by the SHA-256 of its body.
func id3Tag(id string, fr id3v2.Framer) Tag {
	switch f := fr.(type) {
	case id3v2.TextFrame:
		return Tag{id, f.Text}
	case id3v2.UserDefinedTextFrame:
		return Tag{id + ":" + f.Description, f.Value}
	case id3v2.CommentFrame:
		return Tag{id + ":" + f.Language + ":" + f.Description, f.Text}
	case id3v2.PictureFrame:
		return Tag{id, pictureValue(int(f.PictureType), f.MimeType, f.Description, f.Picture)}
	case id3v2.UnknownFrame:
		return Tag{id, "sha256:" + sha(f.Body)}
	default:
		var b strings.Builder
		fr.WriteTo(&b)
		return Tag{id, "sha256:" + sha([]byte(b.String()))}
	}
}

// pictureValue describes an embedded picture: "type 3, image/jpeg,
// 1234 bytes, sha256:…", with its description when it has one.
func pictureValue(typ int, mime, desc string, data []byte) string {
	s := fmt.Sprintf("type %d, %s, %d bytes, sha256:%s", typ, mime, len(data), sha(data))
	if desc != "" {
		s += fmt.Sprintf(", %q", desc)
	}
	return s
}

func sha(b []byte) string {
	h := sha256.Sum256(b)
	return hex.EncodeToString(h[:])
}
