// C side of the libFLAC binding: the stream encoder's I/O callbacks.
//
// The audio frames libFLAC writes while it encodes are collected in the
// client's buffer, in C, and Go takes them after each call into libFLAC
// (Encoder.take in encoder.go): a call from C back into Go has to find
// the goroutine a scheduler slot, and with every slot busy the encoding
// thread would wait for one once per frame. Everything else (the header,
// the STREAMINFO update at the end, seeks and tells) goes to the Go
// functions exported in encoder.go, after the collected frames, so the
// stream's order is kept.

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <FLAC/stream_encoder.h>
#include "_cgo_export.h"
#include "flac.h"

// flush hands the collected frames to Go.
static int flush(lathe_flac_client *c) {
	if (c->len == 0) {
		return 0;
	}
	size_t n = c->len;
	c->len = 0;
	return latheFlacWrite(c->handle, c->buf, n, 1);
}

static FLAC__StreamEncoderWriteStatus lathe_flac_write(const FLAC__StreamEncoder *enc,
		const FLAC__byte buffer[], size_t bytes, uint32_t samples, uint32_t frame, void *client) {
	(void)enc;
	(void)frame;
	lathe_flac_client *c = client;
	if (samples > 0) {
		if (c->cap - c->len < bytes) {
			size_t cap = c->cap ? c->cap : 1 << 16;
			while (cap - c->len < bytes) {
				cap *= 2;
			}
			unsigned char *buf = realloc(c->buf, cap);
			if (buf == NULL) {
				c->nomem = 1;
				return FLAC__STREAM_ENCODER_WRITE_STATUS_FATAL_ERROR;
			}
			c->buf = buf;
			c->cap = cap;
		}
		memcpy(c->buf + c->len, buffer, bytes);
		c->len += bytes;
		return FLAC__STREAM_ENCODER_WRITE_STATUS_OK;
	}
	if (flush(c) != 0 || latheFlacWrite(c->handle, (void *)buffer, bytes, samples) != 0) {
		return FLAC__STREAM_ENCODER_WRITE_STATUS_FATAL_ERROR;
	}
	return FLAC__STREAM_ENCODER_WRITE_STATUS_OK;
}

static FLAC__StreamEncoderSeekStatus lathe_flac_seek(const FLAC__StreamEncoder *enc,
		FLAC__uint64 offset, void *client) {
	(void)enc;
	lathe_flac_client *c = client;
	if (flush(c) != 0 || latheFlacSeek(c->handle, offset) != 0) {
		return FLAC__STREAM_ENCODER_SEEK_STATUS_ERROR;
	}
	return FLAC__STREAM_ENCODER_SEEK_STATUS_OK;
}

static FLAC__StreamEncoderTellStatus lathe_flac_tell(const FLAC__StreamEncoder *enc,
		FLAC__uint64 *offset, void *client) {
	(void)enc;
	lathe_flac_client *c = client;
	if (flush(c) != 0) {
		return FLAC__STREAM_ENCODER_TELL_STATUS_ERROR;
	}
	*offset = latheFlacTell(c->handle);
	return FLAC__STREAM_ENCODER_TELL_STATUS_OK;
}

FLAC__StreamEncoderInitStatus lathe_flac_init(FLAC__StreamEncoder *enc, lathe_flac_client *c) {
	return FLAC__stream_encoder_init_stream(enc, lathe_flac_write, lathe_flac_seek,
		lathe_flac_tell, NULL, c);
}

const char *lathe_flac_init_status(FLAC__StreamEncoderInitStatus s) {
	return FLAC__StreamEncoderInitStatusString[s];
}
