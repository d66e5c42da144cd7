// Package render is lathe's render engine: the streaming pipeline of
// docs/design.md §4 over the album timeline of §3 (album.Layout).
//
// The album program is assembled once as a continuous stream at the
// program rate, from A-time 00:00:00 to the lead-out: every track's source
// is decoded, trimmed, resampled to the program rate when its rate differs,
// multiplied by its gain, faded with its curves, and overlapped with its
// neighbour where the project asks for a crossfade; pregaps, gaps and the
// padding of the last sector are digital silence. The stream moves in
// fixed-size planar float64 blocks, so memory does not grow with the
// album's length.
//
// Analyze renders the program at unity gain and meters it. Build runs it
// first only when some delivery's gains depend on it (loudness matching to
// a target or to the album's loudness, the reduce policy); otherwise the
// gains are the tracks' offsets and the deliveries are rendered in one
// pass. Build renders the program with the planned gains and fans each
// block out to the delivery chains, one goroutine each. A chain resamples
// to its rate, runs the true-peak safety limiter on the tracks over the
// ceiling and writes inserted silence beyond the resampler's reach as
// digital zeros; each of its outputs dithers and quantizes to a word
// length and hands the stream with its track boundaries to the
// DeliveryWriter of every delivery that takes it, while a goroutine of its
// own meters what was written, track by track. Deliveries share a chain
// when their streams are the same before quantization (gains, rate,
// limited tracks, ceiling), and an output when they also have the same
// word length: the three 16-bit 44.1 kHz CD deliveries are one stream,
// rendered and metered once. The measurement decides the ceiling policy:
// a delivery with a touched track over the ceiling is rendered again with
// the limiter on it, together with every delivery that measured the same,
// or, under the error policy, the build fails.
//
// A flac or mp3 delivery encodes its tracks beside the render: its writer
// hands each track's samples to the track's spool, whose task starts with
// the track and encodes the samples as they come. A spool keeps its
// samples in memory, within a bound the process shares, and puts them in
// a spill file outside the build's folder only when that memory is used
// up while an encode slot is free or its task waits for one; when its
// task is encoding and every slot is busy, the writer waits instead. The
// tasks of every delivery share one limit of GOMAXPROCS slots; a task
// holds one only while it has samples to encode, and a writer waits while
// more than 2·GOMAXPROCS+1 of its tracks are spooled and not yet encoded.
// A task spends its slot in C, and the runtime gets one P more for each
// task holding one, so that Go code keeps GOMAXPROCS of them.
// libFLAC and LAME encode a file on one thread: in the chain's goroutine
// they ran at the pace of the lockstep pipeline and then alone at its
// end; as tasks they run beside the render and each other
// (encode_tasks.go). A delivery's progress counts only what is encoded.
//
// Rules the engine keeps (docs/decisions.md, "Render"):
//
//   - Untouched samples stay untouched. The assembler marks, frame by frame,
//     which samples are exact copies of an integer source (gain 0 dB,
//     outside every fade and crossfade, no resampling) and which are
//     inserted silence. A delivery at the program rate quantizes those
//     without dither (dsp.Quantizer.QuantizeUntouched) when its word length
//     is at least the source's, so a 16-bit 44.1 kHz source at 0 dB comes
//     out bit-identical. Everything else is dithered once, at the end.
//   - The ceiling applies to what lathe changes: the limiter never runs on
//     a track that lathe leaves untouched, whose peaks are the master's own.
//   - Dither is reseeded at every track's index 01, from the project seed
//     and the track number, whatever the delivery's gap mode, so output
//     never depends on block sizes, scheduling or which deliveries are
//     built together.
//   - Output is atomic: a build writes into a temporary folder beside the
//     destination and renames it into place only when every delivery
//     succeeded.
package render
