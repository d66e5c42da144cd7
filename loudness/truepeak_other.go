//go:build !amd64

package loudness

// hasAVX2 is false off amd64: the Go loops run.
const hasAVX2 = false

func halfbandVec(b, o, c []float64) int { return 0 }

// above is aboveGo.
func above(v []float64, t float64) int { return aboveGo(v, t) }

// notBelow is aboveGo.
func notBelow(v []float64, t float64) int { return aboveGo(v, t) }
