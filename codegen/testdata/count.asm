p0_tracepoint: TracePoint tracepoint:syscalls:sys_enter_openat
p0_tracepoint:
	  ; tracepoint:syscalls:sys_enter_openat
	 0: MovReg dst: r6 src: r1
	  ; args->flags & 1
	 1: LdXMemDW dst: r0 src: r6 off: 32 imm: 0
	 2: MovReg dst: r1 src: r0
	 3: AndImm dst: r1 imm: 1
	 4: MovReg dst: r0 src: r1
	 5: JEqImm dst: r0 off: -1 imm: 0 <L3>
	  ; @[comm] = count()
	 6: StMemDW dst: rfp src: r0 off: -24 imm: 0
	 7: StMemDW dst: rfp src: r0 off: -16 imm: 0
	 8: MovReg dst: r1 src: rfp
	 9: AddImm dst: r1 imm: -24
	10: MovImm dst: r2 imm: 16
	11: Call FnGetCurrentComm
	12: LoadMapPtr dst: r1 fd: 0 <AT_>
	14: MovReg dst: r2 src: rfp
	15: AddImm dst: r2 imm: -24
	16: Call FnMapLookupElem
	17: JNEImm dst: r0 off: -1 imm: 0 <L2>
	18: StMemDW dst: rfp src: r0 off: -32 imm: 0
	19: LoadMapPtr dst: r1 fd: 0 <zero>
	21: MovReg dst: r2 src: rfp
	22: AddImm dst: r2 imm: -32
	23: Call FnMapLookupElem
	24: JEqImm dst: r0 off: -1 imm: 0 <L4>
	25: MovReg dst: r3 src: r0
	26: LoadMapPtr dst: r1 fd: 0 <AT_>
	28: MovReg dst: r2 src: rfp
	29: AddImm dst: r2 imm: -24
	30: MovImm dst: r4 imm: 1
	31: Call FnMapUpdateElem
L4:
	32: LoadMapPtr dst: r1 fd: 0 <AT_>
	34: MovReg dst: r2 src: rfp
	35: AddImm dst: r2 imm: -24
	36: Call FnMapLookupElem
	37: JNEImm dst: r0 off: -1 imm: 0 <L2>
	38: StMemDW dst: rfp src: r0 off: -32 imm: 0
	39: LoadMapPtr dst: r1 fd: 0 <errors>
	41: MovReg dst: r2 src: rfp
	42: AddImm dst: r2 imm: -32
	43: Call FnMapLookupElem
	44: JEqImm dst: r0 off: -1 imm: 0 <L5>
	45: LdXMemDW dst: r1 src: r0 off: 0 imm: 0
	46: AddImm dst: r1 imm: 1
	47: StXMemDW dst: r0 src: r1 off: 0 imm: 0
L5:
	48: Ja off: -1 <L3>
L2:
	49: MovReg dst: r8 src: r0
	50: LdXMemDW dst: r1 src: r8 off: 0 imm: 0
	51: AddImm dst: r1 imm: 1
	52: StXMemDW dst: r8 src: r1 off: 0 imm: 0
L3:
	53: MovImm dst: r0 imm: 0
	54: Exit
map AT_: PerCPUHash key 16 value 8 max 4096
map errors: PerCPUArray key 4 value 8 max 2
map ringbuf: RingBuf key 0 value 0 max 1048576
map zero: Array key 4 value 8 max 1
