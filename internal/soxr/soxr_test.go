package soxr

import (
	"errors"
	"testing"
)

func TestProcessAndClose(t *testing.T) {
	r, err := New(96000, 44100, 2, 1000, 1000)
	if err != nil {
		t.Fatal(err)
	}
	if len(r.In()) != 2 || len(r.In()[0]) != 1000 || len(r.Out()[1]) != 1000 {
		t.Fatalf("buffers: %d channels of %d in, %d out", len(r.In()), len(r.In()[0]), len(r.Out()[1]))
	}
	for c := range r.In() {
		for i := range r.In()[c] {
			r.In()[c][i] = 0.25
		}
	}
	total := 0
	used, n, err := r.Process(1000, false)
	if err != nil || used != 1000 {
		t.Fatalf("Process(1000) used %d, err %v", used, err)
	}
	total += n
	for {
		_, n, err := r.Process(0, true)
		if err != nil {
			t.Fatal(err)
		}
		if n == 0 {
			break
		}
		total += n
	}
	if total != 459 { // 1000·44100/96000 = 459.4
		t.Errorf("%d output frames for 1000 input frames, want 459", total)
	}
	if _, _, err := r.Process(1001, false); err == nil {
		t.Error("Process accepted more frames than the buffer holds")
	}
	r.Close()
	r.Close()
	if _, _, err := r.Process(1, false); !errors.Is(err, ErrClosed) {
		t.Errorf("Process after Close: %v, want ErrClosed", err)
	}
	if _, err := New(44100, 48000, 0, 10, 10); err == nil {
		t.Error("New accepted 0 channels")
	}
}
