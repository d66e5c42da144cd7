// Macros for the AVX2 kernels that work on magnitudes |v|.

// SIGNMASK sets every lane of y to 0x7fff…ff, which clears the sign bit
// under VANDPD; r is a scratch register and x the low half of y.
#define SIGNMASK(r, x, y) \
	MOVQ $0x7fffffffffffffff, r; \
	MOVQ r, x; \
	VPBROADCASTQ x, y

// ABS16 sets a, b, c and d to the magnitudes of the 16 values at SI,
// four to a register; mask is from SIGNMASK.
#define ABS16(mask, a, b, c, d) \
	VANDPD (SI), mask, a; \
	VANDPD 32(SI), mask, b; \
	VANDPD 64(SI), mask, c; \
	VANDPD 96(SI), mask, d

// ANY16 compares the magnitudes of the 16 values at SI with every lane of
// t by VCMPPD predicate pred, leaves the four lane masks in a, b, c and d
// and clears ZF when any lane holds; s and u are scratch.
#define ANY16(pred, t, mask, a, b, c, d, s, u) \
	ABS16(mask, a, b, c, d); \
	VCMPPD pred, t, a, a; \
	VCMPPD pred, t, b, b; \
	VCMPPD pred, t, c, c; \
	VCMPPD pred, t, d, d; \
	VORPD b, a, s; \
	VORPD d, c, u; \
	VORPD u, s, s; \
	VPTEST s, s
