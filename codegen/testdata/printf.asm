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
	16: StMemDW dst: rfp src: r0 off: -16 imm: 1
	17: LoadMapPtr dst: r1 fd: 0 <ringbuf>
	19: MovReg dst: r2 src: rfp
	20: AddImm dst: r2 imm: -16
	21: MovImm dst: r3 imm: 8
	22: MovImm dst: r4 imm: 0
	23: Call FnRingbufOutput
	24: JNEImm dst: r0 off: -1 imm: 0 <L5>
L6:
	25: Ja off: -1 <L1>
L1:
	26: MovImm dst: r0 imm: 0
	27: Exit
L2:
	28: StMemDW dst: rfp src: r0 off: -40 imm: 0
	29: LoadMapPtr dst: r1 fd: 0 <errors>
	31: MovReg dst: r2 src: rfp
	32: AddImm dst: r2 imm: -40
	33: Call FnMapLookupElem
	34: JEqImm dst: r0 off: -1 imm: 0 <L4>
	35: LdXMemDW dst: r1 src: r0 off: 0 imm: 0
	36: AddImm dst: r1 imm: 1
	37: StXMemDW dst: r0 src: r1 off: 0 imm: 0
L4:
	38: Ja off: -1 <L3>
L5:
	39: StMemDW dst: rfp src: r0 off: -24 imm: 0
	40: LoadMapPtr dst: r1 fd: 0 <errors>
	42: MovReg dst: r2 src: rfp
	43: AddImm dst: r2 imm: -24
	44: Call FnMapLookupElem
	45: JEqImm dst: r0 off: -1 imm: 0 <L7>
	46: LdXMemDW dst: r1 src: r0 off: 0 imm: 0
	47: AddImm dst: r1 imm: 1
	48: StXMemDW dst: r0 src: r1 off: 0 imm: 0
L7:
	49: Ja off: -1 <L6>
map errors: PerCPUArray key 4 value 8 max 1
map ringbuf: RingBuf key 0 value 0 max 1048576
