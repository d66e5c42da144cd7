// The client of lathe's libFLAC stream encoder callbacks (flac.c).

#ifndef LATHE_FLAC_H
#define LATHE_FLAC_H

#include <stddef.h>
#include <stdint.h>
#include <FLAC/stream_encoder.h>

typedef struct {
	uintptr_t handle;   // cgo.Handle of the Go sink
	unsigned char *buf; // audio frames not yet taken by Go
	size_t len, cap;
	int nomem;          // a frame could not be buffered
} lathe_flac_client;

FLAC__StreamEncoderInitStatus lathe_flac_init(FLAC__StreamEncoder *enc, lathe_flac_client *c);
const char *lathe_flac_init_status(FLAC__StreamEncoderInitStatus s);

#endif
