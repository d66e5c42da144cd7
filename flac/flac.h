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

// residual.c
extern unsigned long long lathe_flac_residual_calls;
int lathe_flac_residual(int lib, const int32_t *data, uint32_t data_len, const int32_t *qlp_coeff,
	uint32_t order, int lp_quantization, int32_t *residual);

#endif
