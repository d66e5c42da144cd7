package main

// writeOut writes a finished block of output to standard output.
func (e *env) writeOut(b []byte) {
	if len(b) > 0 {
		e.stdout.Write(b)
	}
}

// writeErr writes a finished block of messages to standard error.
func (e *env) writeErr(b []byte) {
	if len(b) > 0 {
		e.stderr.Write(b)
	}
}
