package album_test

import (
	"os"
	"testing"

	"github.com/lathe-audio/lathe/album"
)

// The example file documents every key; it must stay valid.
func TestExampleFile(t *testing.T) {
	data, err := os.ReadFile("../album.example.toml")
	if err != nil {
		t.Fatal(err)
	}
	a, probs := album.Decode("album.example.toml", data)
	for _, p := range probs {
		t.Errorf("problem: %v", p)
	}
	if a == nil {
		t.Fatal("Decode returned no album")
	}
	if got, want := len(a.Tracks), 3; got != want {
		t.Errorf("tracks = %d, want %d", got, want)
	}
	if got, want := len(a.Deliveries), 6; got != want {
		t.Errorf("deliveries = %d, want %d", got, want)
	}
	if got, want := a.Tracks[0].ISRC, album.ISRC("GBEXM2600001"); got != want {
		t.Errorf("track 1 ISRC = %q, want %q", got, want)
	}
	if got, want := a.Tracks[1].Artist, "The Example Band"; got != want {
		t.Errorf("track 2 artist = %q, want the album artist %q", got, want)
	}
	if !a.Tracks[1].Gap.IsZero() {
		t.Errorf("track 2 gap = %s, want 0", a.Tracks[1].Gap)
	}
	if !a.Tracks[2].Gap.IsZero() {
		t.Errorf("track 3 (crossfaded) gap = %s, want 0", a.Tracks[2].Gap)
	}
	l := a.LoudnessFor(&a.Deliveries[5])
	if l.Target == nil || *l.Target != -14 {
		t.Errorf("streaming delivery target = %v, want -14", l.Target)
	}
	if a.Loudness.Target != nil {
		t.Errorf("album target = %v, want unset", *a.Loudness.Target)
	}
}
