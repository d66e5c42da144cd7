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

// func kweight2AVX(st, k *[7][2]float64, xa, xb *float64, n int)
//
// kweight2AVX runs energy2's loop over n frames with channel a in the low
// lane and channel b in the high lane of each XMM register. st holds the
// pairs x1, x2, y1, y2, z1, z2, acc and is updated; k holds the pairs b0,
// b1, b2, a1, a2 (shelf) and c1, c2 (high-pass a1, a2). Each lane does
// the IEEE double operations of energy2 in the same order, one rounding
// each, no FMA; the operands of every addition and multiplication stand
// in the order of the compiled Go loop (first source as there), so even
// the payload of a NaN comes out the same.
//
// Registers: X0 x1, X1 x2, X2 y1, X3 y2, X4 z1, X5 z2, X6 acc, X7 the
// input pair, X8-X10 temporaries, X11 b0, X12 b1, X13 b2, X14 a1, X15 a2;
// c1 and c2 are read from k.
TEXT ·kweight2AVX(SB), NOSPLIT, $0-40
	MOVQ st+0(FP), AX
	MOVQ k+8(FP), DX
	MOVQ xa+16(FP), SI
	MOVQ xb+24(FP), DI
	MOVQ n+32(FP), CX
	VMOVUPD 0(AX), X0
	VMOVUPD 16(AX), X1
	VMOVUPD 32(AX), X2
	VMOVUPD 48(AX), X3
	VMOVUPD 64(AX), X4
	VMOVUPD 80(AX), X5
	VMOVUPD 96(AX), X6
	VMOVUPD 0(DX), X11
	VMOVUPD 16(DX), X12
	VMOVUPD 32(DX), X13
	VMOVUPD 48(DX), X14
	VMOVUPD 64(DX), X15
	XORQ BX, BX
	TESTQ CX, CX
	JZ    kwDone

kwLoop:
	VMOVSD (SI)(BX*8), X7
	VMOVHPD (DI)(BX*8), X7, X7

	// y = (b0·v + b1·x1 + b2·x2 − a2·y2) − a1·y1
	VMULPD X11, X7, X8 // v·b0
	VMULPD X12, X0, X9 // x1·b1
	VADDPD X8, X9, X9  // x1·b1 + v·b0
	VMULPD X13, X1, X8 // x2·b2
	VADDPD X9, X8, X9  // x2·b2 + (…)
	VMULPD X15, X3, X8 // y2·a2
	VSUBPD X8, X9, X9
	VMULPD X14, X2, X8 // y1·a1
	VSUBPD X8, X9, X9  // y

	// z = (y − 2·y1 + y2 − c2·z2) − c1·z1
	VADDPD X2, X2, X8     // 2·y1
	VSUBPD X8, X9, X8     // y − 2·y1
	VADDPD X8, X3, X8     // y2 + (y − 2·y1)
	VMULPD 96(DX), X5, X10 // z2·c2
	VSUBPD X10, X8, X8
	VMULPD 80(DX), X4, X10 // z1·c1
	VSUBPD X10, X8, X8     // z

	VMOVAPD X0, X1 // x2, x1 = x1, v
	VMOVAPD X7, X0
	VMOVAPD X2, X3 // y2, y1 = y1, y
	VMOVAPD X9, X2
	VMOVAPD X4, X5 // z2, z1 = z1, z
	VMOVAPD X8, X4
	VMULPD  X8, X8, X10
	VADDPD  X10, X6, X6 // acc + z·z

	INCQ BX
	CMPQ BX, CX
	JLT  kwLoop

kwDone:
	VMOVUPD X0, 0(AX)
	VMOVUPD X1, 16(AX)
	VMOVUPD X2, 32(AX)
	VMOVUPD X3, 48(AX)
	VMOVUPD X4, 64(AX)
	VMOVUPD X5, 80(AX)
	VMOVUPD X6, 96(AX)
	RET
