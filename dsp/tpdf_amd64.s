//go:build amd64

#include "textflag.h"

// tpdf2AVX2 is Quantizer.tpdfSpan for two channels at once (tpdf_amd64.go).
//
// The two channels' xoshiro256** generators run side by side, one in each
// 64-bit lane of X0–X3 (X0 = s0 of both, X1 = s1, X2 = s2, X3 = s3): the
// same shifts, additions and exclusive ors as xoshiro.next, modulo 2^64,
// with x·5 = (x<<2) + x and x·9 = (x<<3) + x. Four steps give the outputs
// of four frames (X8–X11), which are turned into one YMM register per
// channel (Y4: channel 0's four, Y5: channel 1's). Then, in every lane,
// the IEEE double operations of tpdfValue and tpdfSpan, in the same order:
// the sum of the output's two 32-bit halves (below 2^33) made a double
// exactly by placing it in the mantissa of 2^52 and subtracting 2^52, its
// product with 2^-32, minus 1; x·s plus that; rounded to the nearest
// integer, ties to even (VROUNDPD 0, as ROUNDSD 0 in math.RoundToEven). A
// group of four frames whose eight values all lie in [lo, hi] is
// converted and stored; otherwise the kernel stops before it, leaving in
// *st the generators' state at its start, so that the Go loop quantizes
// it, clips included.
//
// Registers: AX = st, SI/DI = x0/x1, R8/R9 = d0/d1, CX = frames done,
// R10 = n, Y12 = s, Y13 = lo, Y14 = hi, Y15 = 2^32 − 1.

DATA tpdfMagic<>+0(SB)/8, $0x4330000000000000 // 2^52
DATA tpdfMagic<>+8(SB)/8, $0x4330000000000000
DATA tpdfMagic<>+16(SB)/8, $0x4330000000000000
DATA tpdfMagic<>+24(SB)/8, $0x4330000000000000
GLOBL tpdfMagic<>(SB), RODATA|NOPTR, $32

DATA tpdfScale<>+0(SB)/8, $0x3df0000000000000 // 2^-32
DATA tpdfScale<>+8(SB)/8, $0x3df0000000000000
DATA tpdfScale<>+16(SB)/8, $0x3df0000000000000
DATA tpdfScale<>+24(SB)/8, $0x3df0000000000000
GLOBL tpdfScale<>(SB), RODATA|NOPTR, $32

DATA tpdfOne<>+0(SB)/8, $0x3ff0000000000000 // 1
DATA tpdfOne<>+8(SB)/8, $0x3ff0000000000000
DATA tpdfOne<>+16(SB)/8, $0x3ff0000000000000
DATA tpdfOne<>+24(SB)/8, $0x3ff0000000000000
GLOBL tpdfOne<>(SB), RODATA|NOPTR, $32

DATA tpdfLow<>+0(SB)/8, $0x00000000ffffffff
GLOBL tpdfLow<>(SB), RODATA|NOPTR, $8

// STEP advances both generators and puts their outputs, rotl(s1·5, 7)·9,
// in out. X4–X7 are clobbered.
#define STEP(out) \
	VPSLLQ $2, X1, X4; \
	VPADDQ X1, X4, X4; \
	VPSLLQ $7, X4, X5; \
	VPSRLQ $57, X4, X4; \
	VPOR   X5, X4, X4; \
	VPSLLQ $3, X4, out; \
	VPADDQ X4, out, out; \
	VPSLLQ $17, X1, X6; \
	VPXOR  X0, X2, X2; \
	VPXOR  X1, X3, X3; \
	VPXOR  X2, X1, X1; \
	VPXOR  X3, X0, X0; \
	VPXOR  X6, X2, X2; \
	VPSLLQ $45, X3, X7; \
	VPSRLQ $19, X3, X3; \
	VPOR   X7, X3, X3

// DITHER turns the four generator outputs in r into the rounded values
// of the four samples at src: out = round(x·s + (float(hi + lo)·2^-32 − 1)).
// r and tmp are clobbered.
#define DITHER(r, src, out, tmp) \
	VPSRLQ $32, r, tmp; \
	VPAND  Y15, r, r; \
	VPADDQ tmp, r, r; \
	VPOR   tpdfMagic<>(SB), r, r; \
	VSUBPD tpdfMagic<>(SB), r, r; \
	VMULPD tpdfScale<>(SB), r, r; \
	VSUBPD tpdfOne<>(SB), r, r; \
	VMULPD (src)(CX*8), Y12, out; \
	VADDPD r, out, out; \
	VROUNDPD $0, out, out

// INRANGE sets m to all ones in the lanes of y within [lo, hi] (false for
// NaN). tmp is clobbered.
#define INRANGE(y, m, tmp) \
	VCMPPD $0x1d, Y13, y, m; \
	VCMPPD $0x12, Y14, y, tmp; \
	VANDPD tmp, m, m

// func tpdf2AVX2(st *[8]uint64, k *[3]float64, x0, x1 *float64, d0, d1 *int32, n int) int
TEXT ·tpdf2AVX2(SB), NOSPLIT, $0-64
	MOVQ st+0(FP), AX
	MOVQ k+8(FP), BX
	MOVQ x0+16(FP), SI
	MOVQ x1+24(FP), DI
	MOVQ d0+32(FP), R8
	MOVQ d1+40(FP), R9
	MOVQ n+48(FP), R10
	XORQ CX, CX
	VMOVDQU 0(AX), X0
	VMOVDQU 16(AX), X1
	VMOVDQU 32(AX), X2
	VMOVDQU 48(AX), X3
	VBROADCASTSD 0(BX), Y12
	VBROADCASTSD 8(BX), Y13
	VBROADCASTSD 16(BX), Y14
	VPBROADCASTQ tpdfLow<>(SB), Y15

loop:
	LEAQ 4(CX), DX
	CMPQ DX, R10
	JGT  done
	// The state at the group's start, for a group that stops the kernel.
	VMOVDQU X0, 0(AX)
	VMOVDQU X1, 16(AX)
	VMOVDQU X2, 32(AX)
	VMOVDQU X3, 48(AX)
	STEP(X8)
	STEP(X9)
	STEP(X10)
	STEP(X11)
	VPUNPCKLQDQ X9, X8, X4   // frames 0, 1 of channel 0
	VPUNPCKHQDQ X9, X8, X5   // of channel 1
	VPUNPCKLQDQ X11, X10, X6 // frames 2, 3 of channel 0
	VPUNPCKHQDQ X11, X10, X7 // of channel 1
	VINSERTI128 $1, X6, Y4, Y4
	VINSERTI128 $1, X7, Y5, Y5
	DITHER(Y4, SI, Y6, Y8)
	DITHER(Y5, DI, Y7, Y9)
	INRANGE(Y6, Y10, Y8)
	INRANGE(Y7, Y11, Y9)
	VANDPD    Y11, Y10, Y10
	VMOVMSKPD Y10, DX
	CMPQ      DX, $15
	JNE       stop
	VCVTTPD2DQY Y6, X6
	VMOVDQU     X6, (R8)(CX*4)
	VCVTTPD2DQY Y7, X7
	VMOVDQU     X7, (R9)(CX*4)
	ADDQ        $4, CX
	JMP         loop

done:
	VMOVDQU X0, 0(AX)
	VMOVDQU X1, 16(AX)
	VMOVDQU X2, 32(AX)
	VMOVDQU X3, 48(AX)

stop:
	VZEROUPPER
	MOVQ CX, ret+56(FP)
	RET
