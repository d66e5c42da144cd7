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
