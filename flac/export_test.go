package flac

// ResidualCalls is residualCalls, for the external tests.
var ResidualCalls = residualCalls
