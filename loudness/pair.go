package loudness

// WritePair meters block on a and on b: the same as a.Write(block) and
// then b.Write(block), bit for bit. When a and b each meter two weighted
// channels at the same rate on one worker, their K-weighting runs in one
// pass, the four recursions side by side in the lanes of one register
// (energy4), which costs about what one meter's does. Package render
// meters each output's tracks and its album stream, which see the same
// samples, this way.
func WritePair(a, b *Meter, block [][]float64) error {
	if !a.pairsWith(b) {
		if err := a.Write(block); err != nil {
			return err
		}
		return b.Write(block)
	}
	n, err := a.blockLen(block)
	if err != nil || n == 0 {
		return err
	}
	x, y := block[0], block[1]
	for _, m := range [2]*Meter{a, b} {
		if m.ch[0].tp != nil {
			m.ch[0].tp.feed(x)
			m.ch[1].tp.feed(y)
		}
		ca, cb := &m.ch[0], &m.ch[1]
		ca.done, cb.done = ca.done[:0], cb.done[:0]
		m.samplePeak(ca, x)
		m.samplePeak(cb, y)
	}
	s := [4]*kState{&a.ch[0].k, &a.ch[1].k, &b.ch[0].k, &b.ch[1].k}
	acc := [4]float64{a.ch[0].partial, a.ch[1].partial, b.ch[0].partial, b.ch[1].partial}
	fa, fb := a.fill, b.fill
	for i := 0; i < n; {
		step := min(a.sub-fa, b.sub-fb, n-i)
		energy4(&s, x[i:i+step], y[i:i+step], &acc, &a.f1, &a.f2)
		i += step
		if fa += step; fa == a.sub {
			acc[0], acc[1] = a.endSub(acc[0], acc[1])
			fa = 0
		}
		if fb += step; fb == b.sub {
			acc[2], acc[3] = b.endSub(acc[2], acc[3])
			fb = 0
		}
	}
	a.ch[0].partial, a.ch[1].partial, b.ch[0].partial, b.ch[1].partial = acc[0], acc[1], acc[2], acc[3]
	for _, m := range [2]*Meter{a, b} {
		m.frames += int64(n)
		m.fill = (m.fill + n) % m.sub
		m.combine()
	}
	return nil
}

// pairsWith reports whether WritePair may filter m's and o's channels in
// one pass: two distinct meters of two weighted channels each (the
// stereo path of Write), at the same rate (the same filters), each on one
// worker (a meter with more runs its channels' true peak on a goroutine
// of their own, which WritePair does not).
func (m *Meter) pairsWith(o *Meter) bool {
	stereo := func(m *Meter) bool {
		return len(m.ch) == 2 && m.weights[0] != 0 && m.weights[1] != 0 && m.workers == 1
	}
	return m != o && stereo(m) && stereo(o) && m.cfg.Rate == o.cfg.Rate
}

// energy4 is energy2 on the states s[0] and s[1], then on s[2] and s[3],
// all four fed channels xa and xb, adding to acc: in one pass where the
// kernel runs, else in two.
func energy4(s *[4]*kState, xa, xb []float64, acc *[4]float64, f1, f2 *biquad) {
	if energy4Vec(s, xa, xb, acc, f1, f2) {
		return
	}
	acc[0], acc[1] = energy2(s[0], s[1], xa, xb, acc[0], acc[1], f1, f2)
	acc[2], acc[3] = energy2(s[2], s[3], xa, xb, acc[2], acc[3], f1, f2)
}
