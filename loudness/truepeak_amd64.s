//go:build amd64

#include "textflag.h"
#include "abs_amd64.h"

// AVX2 kernels of the accurate true-peak meter (see truepeak_amd64.go).
//
// The half-band kernels compute eight consecutive output positions per
// loop, four per YMM register: group A is m … m+3, group B m+4 … m+7. In
// every lane they do exactly the IEEE double operations of runHalfband24
// and runHalfband7, in the same order: the pair sum b[m−i] + b[m+1+i]
// (left operand first), its product with c[i], the terms of each partial
// sum added left to right, and the partial sums combined as the Go source
// parenthesizes them. Only VADDPD and VMULPD round, each once, as ADDSD and
// MULSD do; there is no FMA.
//
// The left operand of group B's term i is that of group A's term i−4, and
// the right operand of group A's term i that of group B's term i−4, so
// each is loaded once and kept in a register for four terms: L(i) =
// b[m−i … m−i+3] rotates through Y10–Y14 (register 10 + i mod 5) and
// R(i) = b[m+5+i … m+8+i] through Y6–Y9 (register 6 + i mod 4). The pair
// sums are formed in place in the register whose operand is used for the
// last time. Registers: SI = &b[m], DI = &o[2(m−K+1)], DX = &c[0], CX =
// positions left (a multiple of 8), Y15 = c[i], Y0–Y2 partial sums of A,
// Y3–Y5 of B.

// FIRST starts a partial sum: acc = c[i]·t. NEXT adds to it: acc = acc +
// c[i]·t (t is clobbered).
#define FIRST(t, acc) VMULPD t, Y15, acc
#define NEXT(t, acc) VMULPD t, Y15, t; VADDPD t, acc, acc

// TERM0 is term i < 4 of both groups, whose A right and B left operands
// were not loaded before: l = L(i), r = R(i), t a free register.
#define TERM0(i, l, t, r, opA, accA, opB, accB) \
	VBROADCASTSD 8*i(DX), Y15; \
	VMOVUPD -8*i(SI), l; \
	VADDPD 8+8*i(SI), l, r; \
	opA(r, accA); \
	VMOVUPD 40+8*i(SI), r; \
	VMOVUPD 32-8*i(SI), t; \
	VADDPD r, t, t; \
	opB(t, accB)

// TERM is term i ≥ 4 of both groups: l = L(i) (loaded here), lold =
// L(i−4), r = R(i−4) on entry and R(i) on exit.
#define TERM(i, l, lold, r, opA, accA, opB, accB) \
	VBROADCASTSD 8*i(DX), Y15; \
	VMOVUPD -8*i(SI), l; \
	VADDPD r, l, r; \
	opA(r, accA); \
	VMOVUPD 40+8*i(SI), r; \
	VADDPD r, lold, lold; \
	opB(lold, accB)

// SUM3 and SUM4 set accA, accB to the partial sums of three or four
// terms, from term i0 on, whose left operands rotate through l0, l1, ...
// (register 10 + i mod 5) and right ones through Y6–Y9.
#define SUM3(i0, i1, i2, l0, l1, l2, l3, accA, accB) \
	TERM(i0, l0, l1, Y6, FIRST, accA, FIRST, accB); \
	TERM(i1, l1, l2, Y7, NEXT, accA, NEXT, accB); \
	TERM(i2, l2, l3, Y8, NEXT, accA, NEXT, accB)

#define SUM4(i0, i1, i2, i3, l0, l1, l2, l3, l4, accA, accB) \
	SUM3(i0, i1, i2, l0, l1, l2, l3, accA, accB); \
	TERM(i3, l3, l4, Y9, NEXT, accA, NEXT, accB)

// ADD2 sets ra = ra + sa and rb = rb + sb.
#define ADD2(sa, ra, sb, rb) \
	VADDPD sa, ra, ra; \
	VADDPD sb, rb, rb

// STORE interleaves the four inputs at off(SI) with the four midpoints in
// acc and stores o[j] = b[m], o[j+1] = midpoint for the four positions.
#define STORE(off, acc) \
	VMOVUPD off(SI), Y14; \
	VUNPCKLPD acc, Y14, Y12; \
	VUNPCKHPD acc, Y14, Y13; \
	VPERM2F128 $0x20, Y13, Y12, Y14; \
	VPERM2F128 $0x31, Y13, Y12, Y12; \
	VMOVUPD Y14, 2*off(DI); \
	VMOVUPD Y12, 2*off+32(DI)

// ARGS loads the arguments (b, o, c *float64, n int) and points SI at the
// first position, b[k−1]; it jumps to done when there is nothing to do.
#define ARGS(k, done) \
	MOVQ b+0(FP), SI; \
	MOVQ o+8(FP), DI; \
	MOVQ c+16(FP), DX; \
	MOVQ n+24(FP), CX; \
	ADDQ $(8*(k-1)), SI; \
	TESTQ CX, CX; \
	JZ   done

// ACC0 sets Y0 (group A) and Y3 (group B) to acc0, terms 0 to 3.
#define ACC0 \
	TERM0(0, Y10, Y11, Y6, FIRST, Y0, FIRST, Y3); \
	TERM0(1, Y11, Y12, Y7, NEXT, Y0, NEXT, Y3); \
	TERM0(2, Y12, Y13, Y8, NEXT, Y0, NEXT, Y3); \
	TERM0(3, Y13, Y14, Y9, NEXT, Y0, NEXT, Y3)

// STEP stores the eight results (Y0, Y3) and moves on by eight positions.
#define STEP(loop) \
	STORE(0, Y0); \
	STORE(32, Y3); \
	ADDQ $64, SI; \
	ADDQ $128, DI; \
	SUBQ $8, CX; \
	JNZ  loop

// ABOVE is the body of aboveAVX2 and notBelowAVX2: it returns the offset
// of the first run of 16 values v[i:i+16] (i a multiple of 16, i+16 ≤ n)
// that holds a value whose magnitude passes VCMPPD predicate pred against
// t, or n rounded down to a multiple of 16 when there is none.
#define ABOVE(pred, loop, done) \
	MOVQ v+0(FP), SI; \
	MOVQ n+8(FP), CX; \
	VBROADCASTSD t+16(FP), Y15; \
	SIGNMASK(AX, X14, Y14); \
	ANDQ $~15, CX; \
	XORQ BX, BX; \
	CMPQ BX, CX; \
	JGE  done; \
loop: \
	ANY16(pred, Y15, Y14, Y0, Y1, Y2, Y3, Y4, Y5); \
	JNZ  done; \
	ADDQ $128, SI; \
	ADDQ $16, BX; \
	CMPQ BX, CX; \
	JLT  loop; \
done: \
	MOVQ BX, ret+24(FP); \
	VZEROUPPER; \
	RET

// func halfband24AVX2(b, o, c *float64, n int)
TEXT ·halfband24AVX2(SB), NOSPLIT, $0-32
	ARGS(24, done24)

loop24:
	// acc0 + acc1 in Y0 (group A) and Y3 (group B)
	ACC0
	SUM4(4, 5, 6, 7, Y14, Y10, Y11, Y12, Y13, Y1, Y4)
	ADD2(Y1, Y0, Y4, Y3)

	// acc2 + acc3 in Y1, Y4; then (acc0 + acc1) + (acc2 + acc3)
	SUM4(8, 9, 10, 11, Y13, Y14, Y10, Y11, Y12, Y1, Y4)
	SUM4(12, 13, 14, 15, Y12, Y13, Y14, Y10, Y11, Y2, Y5)
	ADD2(Y2, Y1, Y5, Y4)
	ADD2(Y1, Y0, Y4, Y3)

	// acc4 + acc5 in Y1, Y4; then the whole sum
	SUM4(16, 17, 18, 19, Y11, Y12, Y13, Y14, Y10, Y1, Y4)
	SUM4(20, 21, 22, 23, Y10, Y11, Y12, Y13, Y14, Y2, Y5)
	ADD2(Y2, Y1, Y5, Y4)
	ADD2(Y1, Y0, Y4, Y3)
	STEP(loop24)

done24:
	VZEROUPPER
	RET

// func halfband7AVX2(b, o, c *float64, n int)
TEXT ·halfband7AVX2(SB), NOSPLIT, $0-32
	ARGS(7, done7)

loop7:
	// acc0 in Y0, Y3, acc1 in Y1, Y4, then acc0 + acc1
	ACC0
	SUM3(4, 5, 6, Y14, Y10, Y11, Y12, Y1, Y4)
	ADD2(Y1, Y0, Y4, Y3)
	STEP(loop7)

done7:
	VZEROUPPER
	RET

// func aboveAVX2(v *float64, n int, t float64) int
//
// aboveAVX2 looks for |v| ≥ t (predicate GE_OQ), which is false for NaN,
// as in Go.
TEXT ·aboveAVX2(SB), NOSPLIT, $0-32
	ABOVE($0x1d, aboveLoop, aboveDone)

// func notBelowAVX2(v *float64, n int, t float64) int
//
// notBelowAVX2 looks for !(|v| < t) (predicate NLT_UQ), which is true for
// NaN: it is aboveGo's test.
TEXT ·notBelowAVX2(SB), NOSPLIT, $0-32
	ABOVE($0x15, notBelowLoop, notBelowDone)
