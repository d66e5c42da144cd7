//go:build amd64

#include "textflag.h"
#include "abs_amd64.h"

// AVX2 kernels of the sample peak and of the stereo K-weighting (see
// meter_amd64.go).

// ARGS sets SI = x, CX = n and every lane of Y14 to v for the functions
// (x *float64, n int, v float64), and Y15 to SIGNMASK.
#define ARGS \
	MOVQ x+0(FP), SI; \
	MOVQ n+8(FP), CX; \
	VBROADCASTSD v+16(FP), Y14; \
	SIGNMASK(AX, X15, Y15)

// func absMaxAVX2(x *float64, n int, v float64) float64
//
// absMaxAVX2 returns the largest of v and |x[i]| for i < n, where NaN
// values count for nothing: v must not be NaN. Every step is VMAXPD (or
// VMAXSD) with |x| as the first source and the running maximum as the
// second, which returns the second operand when the first is NaN (and
// when both are zero), so a NaN never enters the maximum, just as the Go
// loop's v > peak is false for a NaN v. The sign is cleared with VANDPD,
// so −0 counts as +0.
TEXT ·absMaxAVX2(SB), NOSPLIT, $0-32
	ARGS
	VMOVAPD Y14, Y0
	VMOVAPD Y14, Y1
	VMOVAPD Y14, Y2
	VMOVAPD Y14, Y3
	CMPQ CX, $16
	JLT  max4

max16:
	ABS16(Y15, Y4, Y5, Y6, Y7)
	VMAXPD Y0, Y4, Y0 // Y0 = Y4 > Y0 ? Y4 : Y0
	VMAXPD Y1, Y5, Y1
	VMAXPD Y2, Y6, Y2
	VMAXPD Y3, Y7, Y3
	ADDQ $128, SI
	SUBQ $16, CX
	CMPQ CX, $16
	JGE  max16

max4:
	CMPQ CX, $4
	JLT  fold
	VANDPD (SI), Y15, Y4
	VMAXPD Y0, Y4, Y0
	ADDQ $32, SI
	SUBQ $4, CX
	JMP  max4

fold:
	// No lane holds a NaN, so the order of the folds does not matter.
	VMAXPD Y1, Y0, Y0
	VMAXPD Y3, Y2, Y2
	VMAXPD Y2, Y0, Y0
	VEXTRACTF128 $1, Y0, X1
	VMAXPD X1, X0, X0
	VPERMILPD $1, X0, X1
	VMAXSD X1, X0, X0

max1:
	TESTQ CX, CX
	JZ    maxDone
	VMOVSD (SI), X4
	VANDPD X4, X15, X4
	VMAXSD X0, X4, X0 // X0 = X4 > X0 ? X4 : X0
	ADDQ $8, SI
	DECQ CX
	JMP  max1

maxDone:
	VMOVSD X0, ret+24(FP)
	VZEROUPPER
	RET

// func absIndexAVX2(x *float64, n int, v float64) int
//
// absIndexAVX2 returns the first i < n with |x[i]| = v, or n when there
// is none. v must be positive and not NaN: a NaN x[i] compares unequal
// (EQ_OQ), as in Go. SI walks x, DI stays at x, CX counts down.
TEXT ·absIndexAVX2(SB), NOSPLIT, $0-32
	ARGS
	MOVQ SI, DI

find16:
	CMPQ CX, $16
	JLT  find4
	ANY16($0x00, Y14, Y15, Y0, Y1, Y2, Y3, Y4, Y5) // EQ_OQ
	JNZ  found16
	ADDQ $128, SI
	SUBQ $16, CX
	JMP  find16

found16:
	// The first equal lane of the 16: the lowest set bit of the four
	// 4-bit masks side by side.
	VMOVMSKPD Y0, AX
	VMOVMSKPD Y1, R8
	VMOVMSKPD Y2, R9
	VMOVMSKPD Y3, R10
	SHLQ $4, R8
	SHLQ $8, R9
	SHLQ $12, R10
	ORQ  R8, AX
	ORQ  R10, R9
	ORQ  R9, AX
	JMP  found

find4:
	CMPQ CX, $4
	JLT  find1
	VANDPD (SI), Y15, Y0
	VCMPPD $0x00, Y14, Y0, Y0
	VMOVMSKPD Y0, AX
	TESTQ AX, AX
	JNZ  found
	ADDQ $32, SI
	SUBQ $4, CX
	JMP  find4

find1:
	TESTQ CX, CX
	JZ    findDone
	VMOVSD (SI), X0
	VANDPD X0, X15, X0
	VUCOMISD X14, X0
	JNE  next1
	JPC  findDone // equal and ordered
next1:
	ADDQ $8, SI
	DECQ CX
	JMP  find1

found:
	// AX holds a mask of the equal values from SI on.
	BSFQ AX, AX
	LEAQ (SI)(AX*8), SI

findDone:
	// The index is (SI − x)/8; SI = x + 8n when nothing was found.
	SUBQ DI, SI
	SHRQ $3, SI
	MOVQ SI, ret+24(FP)
	VZEROUPPER
	RET

// func kweight4AVX(st *[7][4]float64, k *[7]float64, xa, xb *float64, n int)
//
// kweight4AVX runs energy2's loop over n frames for two pairs of filter
// states fed the same two channels: the four lanes of each YMM register
// hold pair A's channels a and b, then pair B's, and each pair's lanes get
// the frame (xa[i], xb[i]). Each lane does the IEEE double operations of
// energy2 in the same order, one rounding each, no FMA; the operands of
// every addition and multiplication stand in the order of the compiled Go
// loop (first source as there), so even the payload of a NaN comes out
// the same. st holds the quadruples x1, x2, y1, y2, z1, z2, acc and is
// updated; k holds b0, b1, b2, a1, a2 (shelf) and c1, c2 (high-pass a1,
// a2), which the kernel broadcasts to the four lanes.
//
// Registers: Y0 x1, Y1 x2, Y2 y1, Y3 y2, Y4 z1, Y5 z2, Y6 acc, Y7 the
// input, Y8-Y10 temporaries, Y11 b0, Y12 b1, Y13 b2, Y14 a1, Y15 a2; c1
// and c2 are broadcast from k as they are used.
TEXT ·kweight4AVX(SB), NOSPLIT, $0-40
	MOVQ st+0(FP), AX
	MOVQ k+8(FP), DX
	MOVQ xa+16(FP), SI
	MOVQ xb+24(FP), DI
	MOVQ n+32(FP), CX
	VMOVUPD 0(AX), Y0
	VMOVUPD 32(AX), Y1
	VMOVUPD 64(AX), Y2
	VMOVUPD 96(AX), Y3
	VMOVUPD 128(AX), Y4
	VMOVUPD 160(AX), Y5
	VMOVUPD 192(AX), Y6
	VBROADCASTSD 0(DX), Y11
	VBROADCASTSD 8(DX), Y12
	VBROADCASTSD 16(DX), Y13
	VBROADCASTSD 24(DX), Y14
	VBROADCASTSD 32(DX), Y15
	XORQ BX, BX
	TESTQ CX, CX
	JZ    kw4Done

kw4Loop:
	VMOVSD      (SI)(BX*8), X7
	VMOVHPD     (DI)(BX*8), X7, X7
	VINSERTF128 $1, X7, Y7, Y7

	// y = (b0·v + b1·x1 + b2·x2 − a2·y2) − a1·y1
	VMULPD Y11, Y7, Y8 // v·b0
	VMULPD Y12, Y0, Y9 // x1·b1
	VADDPD Y8, Y9, Y9  // x1·b1 + v·b0
	VMULPD Y13, Y1, Y8 // x2·b2
	VADDPD Y9, Y8, Y9  // x2·b2 + (…)
	VMULPD Y15, Y3, Y8 // y2·a2
	VSUBPD Y8, Y9, Y9
	VMULPD Y14, Y2, Y8 // y1·a1
	VSUBPD Y8, Y9, Y9  // y

	// z = (y − 2·y1 + y2 − c2·z2) − c1·z1
	VADDPD Y2, Y2, Y8      // 2·y1
	VSUBPD Y8, Y9, Y8      // y − 2·y1
	VADDPD Y8, Y3, Y8      // y2 + (y − 2·y1)
	VBROADCASTSD 48(DX), Y10
	VMULPD       Y10, Y5, Y10 // z2·c2
	VSUBPD       Y10, Y8, Y8
	VBROADCASTSD 40(DX), Y10
	VMULPD       Y10, Y4, Y10 // z1·c1
	VSUBPD Y10, Y8, Y8      // z

	VMOVAPD Y0, Y1 // x2, x1 = x1, v
	VMOVAPD Y7, Y0
	VMOVAPD Y2, Y3 // y2, y1 = y1, y
	VMOVAPD Y9, Y2
	VMOVAPD Y4, Y5 // z2, z1 = z1, z
	VMOVAPD Y8, Y4
	VMULPD  Y8, Y8, Y10
	VADDPD  Y10, Y6, Y6 // acc + z·z

	INCQ BX
	CMPQ BX, CX
	JLT  kw4Loop

kw4Done:
	VMOVUPD Y0, 0(AX)
	VMOVUPD Y1, 32(AX)
	VMOVUPD Y2, 64(AX)
	VMOVUPD Y3, 96(AX)
	VMOVUPD Y4, 128(AX)
	VMOVUPD Y5, 160(AX)
	VMOVUPD Y6, 192(AX)
	VZEROUPPER
	RET
