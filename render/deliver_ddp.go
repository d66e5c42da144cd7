package render

import (
	"bytes"
	"crypto/sha256"
	"fmt"
	"os"
	"path"
	"path/filepath"
	"sort"

	"github.com/lathe-audio/lathe/album"
	"github.com/lathe-audio/lathe/cdda"
	"github.com/lathe-audio/lathe/ddp"
)

func init() { Register(album.KindDDP, newDDPDelivery) }

// Names inside a ddp delivery folder: the DDP fileset in its own
// subfolder, exactly as a plant receives it, and the PQ sheet beside it
// (docs/decisions.md, "CD formats").
const (
	DDPFolder   = "DDP"
	PQSheetName = "PQ sheet.txt"
)

// cdStream checks that a CD delivery receives 16-bit 44.1 kHz samples.
func cdStream(s *Stream) error {
	if s.Rate != 44100 || s.Bits != 16 {
		return fmt.Errorf("a %s delivery is 16-bit 44.1 kHz, this stream is %d-bit %d Hz", s.Delivery.Kind, s.Bits, s.Rate)
	}
	return nil
}

// checkPregap fails when a frame of b before track 1's index 01 (stream
// frame pregapEnd) is not digital silence. The chain writes the pregap as
// zeros whatever was resampled or dithered (silenceSpans); CD writers
// check it, since the Red Book asks for it and DDP readers warn.
func checkPregap(b *Block, pregapEnd int64) error {
	if b.Start >= pregapEnd {
		return nil
	}
	n := int(min(int64(b.Frames()), pregapEnd-b.Start))
	for c := range b.Int {
		for i, v := range b.Int[c][:n] {
			if v != 0 {
				return fmt.Errorf("frame %d of track 1's pregap is not digital silence", b.Start+int64(i))
			}
		}
	}
	return nil
}

// cdPacker turns 16-bit blocks into the little-endian interleaved bytes
// of CD audio (docs/cd-formats.md §2.7).
type cdPacker struct {
	pregapEnd int64 // stream frame of track 1's index 01
}

func newCDPacker(l *album.Layout) cdPacker {
	return cdPacker{pregapEnd: l.Tracks[0].Index[0] * cdda.SectorFrames}
}

// pack returns the bytes of b (Block.packed), valid while b is.
func (p *cdPacker) pack(b *Block) ([]byte, error) {
	if err := checkPregap(b, p.pregapEnd); err != nil {
		return nil, err
	}
	return b.packed(16, 0, b.Frames()), nil
}

// ddpDelivery writes a ddp delivery: DDP/ with the DDP 2.00 fileset of
// package ddp (IMAGE.DAT from A-time 0 to the lead-out, the PQ descriptor,
// CD-Text, CHECKSUM.MD5) and the plain-text PQ sheet.
type ddpDelivery struct {
	s    *Stream
	disc *cdda.Disc
	w    *ddp.Writer
	hw   *hashWriter // IMAGE.DAT's bytes, on their way to w (SHA-256: w computes the MD5)
	pk   cdPacker
	sum  []FileSum
	pcm  string // IMAGE.DAT's PCM MD5 (hex), after Close
}

func newDDPDelivery(s *Stream) (DeliveryWriter, error) {
	if err := cdStream(s); err != nil {
		return nil, err
	}
	disc, err := Disc(s.Album, s.Layout)
	if err != nil {
		return nil, err
	}
	opt := &ddp.Options{ISRC: ddp.ISRCIndex0And1}
	if s.Delivery.ISRCPackets == album.ISRCFirst {
		opt.ISRC = ddp.ISRCFirstPacket
	}
	dir := filepath.Join(s.Dir, DDPFolder)
	if err := os.Mkdir(dir, 0o755); err != nil {
		return nil, err
	}
	w, err := ddp.NewWriter(dir, disc, opt)
	if err != nil {
		return nil, err
	}
	hw := &hashWriter{w: w, sha: sha256.New()}
	return &ddpDelivery{s: s, disc: disc, w: w, hw: hw, pk: newCDPacker(s.Layout)}, nil
}

func (d *ddpDelivery) Write(b *Block) error {
	p, err := d.pk.pack(b)
	if err != nil {
		return err
	}
	_, err = d.hw.Write(p)
	return err
}

func (d *ddpDelivery) Close() ([]string, error) {
	w := d.w
	d.w = nil
	if err := w.Close(); err != nil {
		return nil, err
	}
	// IMAGE.DAT holds the bytes written: the stream runs to the lead-out,
	// a sector boundary, so the writer pads nothing. They are the stream's
	// PCM as the hasher packs it (16-bit little-endian, interleaved), so
	// the file's MD5 is also the PCM MD5 of the whole image, and the
	// stream's bytes need not be hashed a second time.
	image := path.Join(DDPFolder, "IMAGE.DAT")
	fi, err := os.Stat(filepath.Join(d.s.Dir, filepath.FromSlash(image)))
	if err != nil {
		return nil, err
	}
	if n := d.s.Frames * 4; fi.Size() != n || d.hw.n != n {
		return nil, fmt.Errorf("%s holds %d bytes, the stream's %d frames are %d", image, fi.Size(), d.s.Frames, n)
	}
	d.sum = []FileSum{d.hw.sum(image, w.ImageMD5())}
	d.pcm = w.ImageMD5()
	var sheet bytes.Buffer
	if err := ddp.WritePQSheet(&sheet, d.disc); err != nil {
		return nil, err
	}
	if err := os.WriteFile(filepath.Join(d.s.Dir, PQSheetName), sheet.Bytes(), 0o644); err != nil {
		return nil, fmt.Errorf("%s: %w", PQSheetName, err)
	}
	entries, err := os.ReadDir(filepath.Join(d.s.Dir, DDPFolder))
	if err != nil {
		return nil, err
	}
	var files []string
	for _, e := range entries {
		files = append(files, path.Join(DDPFolder, e.Name()))
	}
	sort.Strings(files)
	return append(files, PQSheetName), nil
}

func (d *ddpDelivery) pcmFiles() []pcmFile {
	return []pcmFile{{name: path.Join(DDPFolder, "IMAGE.DAT"), span: FrameSpan{0, d.s.Frames}, own: true}}
}

// ownPCM returns, after Close, the PCM MD5 of the whole of IMAGE.DAT
// (its tracks' come from the output's hasher).
func (d *ddpDelivery) ownPCM() []PCMSum {
	return []PCMSum{{File: path.Join(DDPFolder, "IMAGE.DAT"), Start: 0, End: d.s.Frames, MD5: d.pcm}}
}

// decodedFiles returns none: IMAGE.DAT is PCM.
func (d *ddpDelivery) decodedFiles() []*DecodedFile { return nil }

func (d *ddpDelivery) fileSums() []FileSum { return d.sum }

// Abort closes IMAGE.DAT: closing an unfinished Writer fails and removes
// what it wrote.
func (d *ddpDelivery) Abort() {
	if d.w != nil {
		d.w.Close()
		d.w = nil
	}
}
