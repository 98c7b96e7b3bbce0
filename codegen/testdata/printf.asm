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
	15: JEqImm dst: r0 off: -1 imm: 0 <L3>
	16: StMemDW dst: rfp src: r0 off: -40 imm: 0
	17: LoadMapPtr dst: r1 fd: 0 <errors>
	19: MovReg dst: r2 src: rfp
	20: AddImm dst: r2 imm: -40
	21: Call FnMapLookupElem
	22: JEqImm dst: r0 off: -1 imm: 0 <L3>
	23: LdXMemDW dst: r1 src: r0 off: 0 imm: 0
	24: AddImm dst: r1 imm: 1
	25: StXMemDW dst: r0 src: r1 off: 0 imm: 0
L3:
	  ; exit()
	26: StMemDW dst: rfp src: r0 off: -16 imm: 1
	27: LoadMapPtr dst: r1 fd: 0 <ringbuf>
	29: MovReg dst: r2 src: rfp
	30: AddImm dst: r2 imm: -16
	31: MovImm dst: r3 imm: 8
	32: MovImm dst: r4 imm: 0
	33: Call FnRingbufOutput
	34: JEqImm dst: r0 off: -1 imm: 0 <L5>
	35: StMemDW dst: rfp src: r0 off: -24 imm: 0
	36: LoadMapPtr dst: r1 fd: 0 <errors>
	38: MovReg dst: r2 src: rfp
	39: AddImm dst: r2 imm: -24
	40: Call FnMapLookupElem
	41: JEqImm dst: r0 off: -1 imm: 0 <L5>
	42: LdXMemDW dst: r1 src: r0 off: 0 imm: 0
	43: AddImm dst: r1 imm: 1
	44: StXMemDW dst: r0 src: r1 off: 0 imm: 0
L5:
	45: Ja off: -1 <L1>
L1:
	46: MovImm dst: r0 imm: 0
	47: Exit
map errors: PerCPUArray key 4 value 8 max 1
map ringbuf: RingBuf key 0 value 0 max 1048576
