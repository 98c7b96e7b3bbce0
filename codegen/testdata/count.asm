p0_tracepoint: TracePoint tracepoint:syscalls:sys_enter_openat
p0_tracepoint:
	   ; tracepoint:syscalls:sys_enter_openat
	  0: MovReg dst: r6 src: r1
	   ; args->flags & 1
	  1: LdXMemDW dst: r0 src: r6 off: 32 imm: 0
	  2: MovReg dst: r1 src: r0
	  3: AndImm dst: r1 imm: 1
	  4: MovReg dst: r0 src: r1
	  5: JEqImm dst: r0 off: -1 imm: 0 <L11>
	   ; @[comm] = count()
	  6: StMemDW dst: rfp src: r0 off: -24 imm: 0
	  7: StMemDW dst: rfp src: r0 off: -16 imm: 0
	  8: MovReg dst: r1 src: rfp
	  9: AddImm dst: r1 imm: -24
	 10: MovImm dst: r2 imm: 16
	 11: Call FnGetCurrentComm
	 12: StMemDW dst: rfp src: r0 off: -40 imm: 0
	 13: LoadMapPtr dst: r1 fd: 0 <cacheAT_>
	 15: MovReg dst: r2 src: rfp
	 16: AddImm dst: r2 imm: -40
	 17: Call FnMapLookupElem
	 18: JEqImm dst: r0 off: -1 imm: 0 <L2>
	 19: MovImm dst: r1 imm: 0
	 20: LdImmDW dst: r3 imm: -7046029254386353131
	 22: LdXMemDW dst: r2 src: rfp off: -24 imm: 0
	 23: XorReg dst: r1 src: r2
	 24: MulReg dst: r1 src: r3
	 25: LdXMemDW dst: r2 src: rfp off: -16 imm: 0
	 26: XorReg dst: r1 src: r2
	 27: MulReg dst: r1 src: r3
	 28: RShImm dst: r1 imm: 56
	 29: MulImm dst: r1 imm: 24
	 30: AddReg dst: r0 src: r1
	 31: StXMemDW dst: rfp src: r0 off: -32 imm: 0
	 32: LdXMemDW dst: r2 src: r0 off: 0 imm: 0
	 33: LdXMemDW dst: r3 src: rfp off: -24 imm: 0
	 34: JNEReg dst: r2 off: -1 src: r3 <L3>
	 35: LdXMemDW dst: r2 src: r0 off: 8 imm: 0
	 36: LdXMemDW dst: r3 src: rfp off: -16 imm: 0
	 37: JNEReg dst: r2 off: -1 src: r3 <L3>
	 38: LdXMemDW dst: r2 src: r0 off: 16 imm: 0
	 39: JEqImm dst: r2 off: -1 imm: 0 <L3>
	 40: AddImm dst: r2 imm: 1
	 41: StXMemDW dst: r0 src: r2 off: 16 imm: 0
	 42: Ja off: -1 <L11>
L3:
	 43: LoadMapPtr dst: r1 fd: 0 <AT_>
	 45: MovReg dst: r2 src: rfp
	 46: AddImm dst: r2 imm: -24
	 47: Call FnMapLookupElem
	 48: JEqImm dst: r0 off: -1 imm: 0 <L6>
L7:
	 49: LdXMemDW dst: r1 src: r0 off: 0 imm: 0
	 50: AddImm dst: r1 imm: 1
	 51: StXMemDW dst: r0 src: r1 off: 0 imm: 0
	 52: LdXMemDW dst: r2 src: rfp off: -32 imm: 0
	 53: LdXMemDW dst: r1 src: r2 off: 16 imm: 0
	 54: JLEImm dst: r1 off: -1 imm: 1 <L10>
	 55: LoadMapPtr dst: r1 fd: 0 <AT_>
	 57: Call FnMapLookupElem
	 58: JEqImm dst: r0 off: -1 imm: 0 <L10>
	 59: LdXMemDW dst: r2 src: rfp off: -32 imm: 0
	 60: LdXMemDW dst: r1 src: r2 off: 16 imm: 0
	 61: AddImm dst: r1 imm: -1
	 62: LdXMemDW dst: r3 src: r0 off: 0 imm: 0
	 63: AddReg dst: r3 src: r1
	 64: StXMemDW dst: r0 src: r3 off: 0 imm: 0
L10:
	 65: LdXMemDW dst: r1 src: rfp off: -32 imm: 0
	 66: LdXMemDW dst: r2 src: rfp off: -24 imm: 0
	 67: StXMemDW dst: r1 src: r2 off: 0 imm: 0
	 68: LdXMemDW dst: r2 src: rfp off: -16 imm: 0
	 69: StXMemDW dst: r1 src: r2 off: 8 imm: 0
	 70: StMemDW dst: r1 src: r0 off: 16 imm: 1
L5:
	 71: Ja off: -1 <L11>
L2:
	 72: LoadMapPtr dst: r1 fd: 0 <AT_>
	 74: MovReg dst: r2 src: rfp
	 75: AddImm dst: r2 imm: -24
	 76: Call FnMapLookupElem
	 77: JEqImm dst: r0 off: -1 imm: 0 <L12>
L13:
	 78: LdXMemDW dst: r1 src: r0 off: 0 imm: 0
	 79: AddImm dst: r1 imm: 1
	 80: StXMemDW dst: r0 src: r1 off: 0 imm: 0
L11:
	 81: MovImm dst: r0 imm: 0
	 82: Exit
L6:
	 83: StMemDW dst: rfp src: r0 off: -40 imm: 0
	 84: LoadMapPtr dst: r1 fd: 0 <zero>
	 86: MovReg dst: r2 src: rfp
	 87: AddImm dst: r2 imm: -40
	 88: Call FnMapLookupElem
	 89: JEqImm dst: r0 off: -1 imm: 0 <L8>
	 90: MovReg dst: r3 src: r0
	 91: LoadMapPtr dst: r1 fd: 0 <AT_>
	 93: MovReg dst: r2 src: rfp
	 94: AddImm dst: r2 imm: -24
	 95: MovImm dst: r4 imm: 1
	 96: Call FnMapUpdateElem
L8:
	 97: LoadMapPtr dst: r1 fd: 0 <AT_>
	 99: MovReg dst: r2 src: rfp
	100: AddImm dst: r2 imm: -24
	101: Call FnMapLookupElem
	102: JNEImm dst: r0 off: -1 imm: 0 <L7>
	103: StMemDW dst: rfp src: r0 off: -40 imm: 0
	104: LoadMapPtr dst: r1 fd: 0 <errors>
	106: MovReg dst: r2 src: rfp
	107: AddImm dst: r2 imm: -40
	108: Call FnMapLookupElem
	109: JEqImm dst: r0 off: -1 imm: 0 <L9>
	110: LdXMemDW dst: r1 src: r0 off: 0 imm: 0
	111: AddImm dst: r1 imm: 1
	112: StXMemDW dst: r0 src: r1 off: 0 imm: 0
L9:
	113: Ja off: -1 <L5>
L12:
	114: StMemDW dst: rfp src: r0 off: -40 imm: 0
	115: LoadMapPtr dst: r1 fd: 0 <zero>
	117: MovReg dst: r2 src: rfp
	118: AddImm dst: r2 imm: -40
	119: Call FnMapLookupElem
	120: JEqImm dst: r0 off: -1 imm: 0 <L14>
	121: MovReg dst: r3 src: r0
	122: LoadMapPtr dst: r1 fd: 0 <AT_>
	124: MovReg dst: r2 src: rfp
	125: AddImm dst: r2 imm: -24
	126: MovImm dst: r4 imm: 1
	127: Call FnMapUpdateElem
L14:
	128: LoadMapPtr dst: r1 fd: 0 <AT_>
	130: MovReg dst: r2 src: rfp
	131: AddImm dst: r2 imm: -24
	132: Call FnMapLookupElem
	133: JNEImm dst: r0 off: -1 imm: 0 <L13>
	134: StMemDW dst: rfp src: r0 off: -40 imm: 0
	135: LoadMapPtr dst: r1 fd: 0 <errors>
	137: MovReg dst: r2 src: rfp
	138: AddImm dst: r2 imm: -40
	139: Call FnMapLookupElem
	140: JEqImm dst: r0 off: -1 imm: 0 <L15>
	141: LdXMemDW dst: r1 src: r0 off: 0 imm: 0
	142: AddImm dst: r1 imm: 1
	143: StXMemDW dst: r0 src: r1 off: 0 imm: 0
L15:
	144: Ja off: -1 <L11>
map AT_: PerCPUHash key 16 value 8 max 4096
map cacheAT_: PerCPUArray key 4 value 6144 max 1
map errors: PerCPUArray key 4 value 8 max 2
map ringbuf: RingBuf key 0 value 0 max 1048576
map zero: Array key 4 value 8 max 1
