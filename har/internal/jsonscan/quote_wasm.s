#include "textflag.h"

// func indexQuoteOrEscapeWasm(b []byte) int
//
// The first '"' or '\\' in b, or -1: two 64-bit words a turn, each tested
// with the "has a zero byte" trick (see plainString), in one loop of
// plain WebAssembly instructions. Go's compiler turns the same loop into
// a branch through its dispatch table per turn, several times slower.
// Registers: R0 start, R1 cursor, R2 end, R3 mask, R4 word, R5 scratch.
TEXT ·indexQuoteOrEscapeWasm(SB), NOSPLIT, $0-32
	I64Load b_base+0(FP)
	Tee R0
	Set R1
	Get R0
	I64Load b_len+8(FP)
	I64Add
	Set R2

	Block // found: the mask in R3, its word at R1
		Block // fewer than 16 bytes left
			Loop
				Get R1
				I64Const $16
				I64Add
				Get R2
				I64GtU
				BrIf $1

				Get R1
				I32WrapI64
				I64Load $0
				Tee R4
				I64Const $0x2222222222222222
				I64Xor
				Tee R5
				I64Const $0x0101010101010101
				I64Sub
				Get R5
				I64Const $-1
				I64Xor
				I64And
				Get R4
				I64Const $0x5c5c5c5c5c5c5c5c
				I64Xor
				Tee R5
				I64Const $0x0101010101010101
				I64Sub
				Get R5
				I64Const $-1
				I64Xor
				I64And
				I64Or
				I64Const $-9187201950435737472 // 0x8080808080808080
				I64And
				Tee R3
				I64Eqz
				I32Eqz
				BrIf $2

				Get R1
				I32WrapI64
				I64Load $8
				Tee R4
				I64Const $0x2222222222222222
				I64Xor
				Tee R5
				I64Const $0x0101010101010101
				I64Sub
				Get R5
				I64Const $-1
				I64Xor
				I64And
				Get R4
				I64Const $0x5c5c5c5c5c5c5c5c
				I64Xor
				Tee R5
				I64Const $0x0101010101010101
				I64Sub
				Get R5
				I64Const $-1
				I64Xor
				I64And
				I64Or
				I64Const $-9187201950435737472
				I64And
				Set R3

				Get R1
				I64Const $8
				I64Add
				Set R1

				Get R3
				I64Eqz
				I32Eqz
				BrIf $2

				Get R1
				I64Const $8
				I64Add
				Set R1
				Br $0
			End
		End

		// The last bytes, one at a time.
		Block
			Loop
				Get R1
				Get R2
				I64GeU
				BrIf $1

				Get R1
				I32WrapI64
				I64Load8U $0
				Tee R4
				I64Const $34 // '"'
				I64Eq
				Get R4
				I64Const $92 // '\\'
				I64Eq
				I32Or
				If
					Get SP
					Get R1
					Get R0
					I64Sub
					I64Store ret+24(FP)
					RET
				End

				Get R1
				I64Const $1
				I64Add
				Set R1
				Br $0
			End
		End
		Get SP
		I64Const $-1
		I64Store ret+24(FP)
		RET
	End

	// The lowest bit of the mask is the first byte sought.
	Get SP
	Get R1
	Get R0
	I64Sub
	Get R3
	I64Ctz
	I64Const $3
	I64ShrU
	I64Add
	I64Store ret+24(FP)
	RET
