p0_BEGIN: RawTracepoint BEGIN
p0_BEGIN:
	   ; BEGIN
	  0: MovReg dst: r6 src: r1
	   ; printf("%s %d\n", "pid", pid)
	  1: StMemDW dst: rfp src: r0 off: -32 imm: 0
	  2: StMemDW dst: rfp src: r0 off: -24 imm: 0
	  3: StMemDW dst: rfp src: r0 off: -16 imm: 0
	  4: StMemW dst: rfp src: r0 off: -24 imm: 6580592
	  5: Call FnGetCurrentPidTgid
	  6: RShImm dst: r0 imm: 32
	  7: StXMemDW dst: rfp src: r0 off: -16 imm: 0
	  8: LoadMapPtr dst: r1 fd: 0 <ringbuf>
	 10: MovReg dst: r2 src: rfp
	 11: AddImm dst: r2 imm: -32
	 12: MovImm dst: r3 imm: 24
	 13: MovImm dst: r4 imm: 0
	 14: Call FnRingbufOutput
	 15: JNEImm dst: r0 off: -1 imm: 0 <L2>
L3:
	   ; exit()
	 16: StMemDW dst: rfp src: r0 off: -16 imm: 0
	 17: LoadMapPtr dst: r1 fd: 0 <globals>
	 19: MovReg dst: r2 src: rfp
	 20: AddImm dst: r2 imm: -16
	 21: Call FnMapLookupElem
	 22: JEqImm dst: r0 off: -1 imm: 0 <L5>
	 23: StMemDW dst: r0 src: r0 off: 56 imm: 1
L5:
	 24: StMemDW dst: rfp src: r0 off: -16 imm: 1
	 25: LoadMapPtr dst: r1 fd: 0 <ringbuf>
	 27: MovReg dst: r2 src: rfp
	 28: AddImm dst: r2 imm: -16
	 29: MovImm dst: r3 imm: 8
	 30: MovImm dst: r4 imm: 0
	 31: Call FnRingbufOutput
	 32: JNEImm dst: r0 off: -1 imm: 0 <L6>
L7:
	 33: Ja off: -1 <L1>
L1:
	 34: MovImm dst: r0 imm: 0
	 35: Exit
L2:
	 36: StMemDW dst: rfp src: r0 off: -40 imm: 0
	 37: LoadMapPtr dst: r1 fd: 0 <errors>
	 39: MovReg dst: r2 src: rfp
	 40: AddImm dst: r2 imm: -40
	 41: Call FnMapLookupElem
	 42: JEqImm dst: r0 off: -1 imm: 0 <L4>
	 43: LdXMemDW dst: r1 src: r0 off: 0 imm: 0
	 44: AddImm dst: r1 imm: 1
	 45: StXMemDW dst: r0 src: r1 off: 0 imm: 0
L4:
	 46: Ja off: -1 <L3>
L6:
	 47: StMemDW dst: rfp src: r0 off: -24 imm: 0
	 48: LoadMapPtr dst: r1 fd: 0 <errors>
	 50: MovReg dst: r2 src: rfp
	 51: AddImm dst: r2 imm: -24
	 52: Call FnMapLookupElem
	 53: JEqImm dst: r0 off: -1 imm: 0 <L8>
	 54: LdXMemDW dst: r1 src: r0 off: 0 imm: 0
	 55: AddImm dst: r1 imm: 1
	 56: StXMemDW dst: r0 src: r1 off: 0 imm: 0
L8:
	 57: Ja off: -1 <L7>
map errors: PerCPUArray key 4 value 8 max 1
map globals: Array key 4 value 64 max 1
map ringbuf: RingBuf key 0 value 0 max 1048576
