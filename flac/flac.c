// C side of the libFLAC binding: the stream encoder's I/O callbacks, which
// forward to the Go functions exported in encoder.go.

#include <stdint.h>
#include <FLAC/stream_encoder.h>
#include "_cgo_export.h"

static FLAC__StreamEncoderWriteStatus lathe_flac_write(const FLAC__StreamEncoder *enc,
		const FLAC__byte buffer[], size_t bytes, uint32_t samples, uint32_t frame, void *client) {
	(void)enc;
	(void)frame;
	if (latheFlacWrite((uintptr_t)client, (void *)buffer, bytes, samples) != 0) {
		return FLAC__STREAM_ENCODER_WRITE_STATUS_FATAL_ERROR;
	}
	return FLAC__STREAM_ENCODER_WRITE_STATUS_OK;
}

static FLAC__StreamEncoderSeekStatus lathe_flac_seek(const FLAC__StreamEncoder *enc,
		FLAC__uint64 offset, void *client) {
	(void)enc;
	if (latheFlacSeek((uintptr_t)client, offset) != 0) {
		return FLAC__STREAM_ENCODER_SEEK_STATUS_ERROR;
	}
	return FLAC__STREAM_ENCODER_SEEK_STATUS_OK;
}

static FLAC__StreamEncoderTellStatus lathe_flac_tell(const FLAC__StreamEncoder *enc,
		FLAC__uint64 *offset, void *client) {
	(void)enc;
	*offset = latheFlacTell((uintptr_t)client);
	return FLAC__STREAM_ENCODER_TELL_STATUS_OK;
}

FLAC__StreamEncoderInitStatus lathe_flac_init(FLAC__StreamEncoder *enc, uintptr_t client) {
	return FLAC__stream_encoder_init_stream(enc, lathe_flac_write, lathe_flac_seek,
		lathe_flac_tell, NULL, (void *)client);
}

const char *lathe_flac_init_status(FLAC__StreamEncoderInitStatus s) {
	return FLAC__StreamEncoderInitStatusString[s];
}
