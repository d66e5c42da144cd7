package loudness

// ShortTermHop is the step of the short-term series: one value every
// 100 ms, as EBU Tech 3342 asks for loudness range.
const ShortTermHop = subPerHop * 10 // milliseconds

// ShortTermSeries returns the short-term loudness (LUFS) of the measured
// stream every 100 ms: value i is the 3 s window from i·100 ms to
// i·100 ms + 3 s, counted from the stream's first frame, so the first
// value is that of the window ending at 3 s and a stream shorter than 3 s
// has none. Silent windows are −Inf. These are the values loudness range
// is computed from; the result is a fresh slice.
func (m *Measurement) ShortTermSeries() []float64 {
	s := make([]float64, len(m.short))
	for i, e := range m.short {
		s[i] = energyLUFS(e)
	}
	return s
}
