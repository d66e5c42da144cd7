package ddp

import (
	"crypto/md5"
	"encoding/hex"
	"io"
)

// md5Reader returns the lower-case hex MD5 of everything r yields.
func md5Reader(r io.Reader) (string, error) {
	h := md5.New()
	if _, err := io.Copy(h, r); err != nil {
		return "", err
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}
