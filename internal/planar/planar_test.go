package planar

import (
	"reflect"
	"strings"
	"testing"
)

func TestFrames(t *testing.T) {
	if n, err := Frames([][]int32{{1, 2, 3}, {4, 5, 6}}, 2); n != 3 || err != nil {
		t.Errorf("Frames = %d, %v; want 3, nil", n, err)
	}
	for _, tt := range []struct {
		in   [][]int32
		want string
	}{
		{[][]int32{{1}}, "1 channels, want 2"},
		{[][]int32{{1}, {1, 2}}, "channel 1 has 2 frames, channel 0 has 1"},
	} {
		if _, err := Frames(tt.in, 2); err == nil || err.Error() != tt.want {
			t.Errorf("Frames(%v) error = %v, want %q", tt.in, err, tt.want)
		}
	}
}

func TestPut(t *testing.T) {
	src := [][]int32{{-32768, 0, 32767, 5}, {1, -1, 2, -2}}
	dst := [][]int32{make([]int32, 4), make([]int32, 4)}
	if err := Put(dst, src, 1, 2, 16, 16, 100); err != nil {
		t.Fatal(err)
	}
	want := [][]int32{{0, 32767 << 16, 0, 0}, {-1 << 16, 2 << 16, 0, 0}}
	if !reflect.DeepEqual(dst, want) {
		t.Errorf("Put = %v, want %v", dst, want)
	}
	src[1][2] = 1 << 23
	err := Put(dst, src, 0, 4, 24, 0, 100)
	if err == nil || !strings.Contains(err.Error(), "sample 8388608 at frame 102 of channel 1 is out of the 24-bit range") {
		t.Errorf("Put out of range: %v", err)
	}
}
