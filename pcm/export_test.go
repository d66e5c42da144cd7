package pcm

import "io"

// OpenReaderAt opens the WAV held in r (size bytes, named name in errors),
// so that tests and the fuzzer need no files.
func OpenReaderAt(name string, r io.ReaderAt, size int64) (Source, error) {
	h, err := parseWAVHeader(name, r, size)
	if err != nil {
		return nil, err
	}
	return newWAVSource(name, r, nil, h), nil
}

// ProbeReaderAt is Probe for a WAV held in r.
func ProbeReaderAt(name string, r io.ReaderAt, size int64) (Info, error) {
	h, err := parseWAVHeader(name, r, size)
	if err != nil {
		return Info{}, err
	}
	return h.info, nil
}
