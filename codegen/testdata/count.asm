p0_tracepoint: TracePoint tracepoint:syscalls:sys_enter_openat
p0_tracepoint:
	  ; tracepoint:syscalls:sys_enter_openat
	 0: MovReg dst: r6 src: r1
	  ; args->flags & 1
	 1: LdXMemDW dst: r0 src: r6 off: 32 imm: 0
	 2: MovReg dst: r1 src: r0
	 3: AndImm dst: r1 imm: 1
	 4: MovReg dst: r0 src: r1
	 5: JEqImm dst: r0 off: -1 imm: 0 <L2>
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
	17: JEqImm dst: r0 off: -1 imm: 0 <L3>
L4:
	18: MovReg dst: r8 src: r0
	19: LdXMemDW dst: r1 src: r8 off: 0 imm: 0
	20: AddImm dst: r1 imm: 1
	21: StXMemDW dst: r8 src: r1 off: 0 imm: 0
L2:
	22: MovImm dst: r0 imm: 0
	23: Exit
L3:
	24: StMemDW dst: rfp src: r0 off: -32 imm: 0
	25: LoadMapPtr dst: r1 fd: 0 <zero>
	27: MovReg dst: r2 src: rfp
	28: AddImm dst: r2 imm: -32
	29: Call FnMapLookupElem
	30: JEqImm dst: r0 off: -1 imm: 0 <L5>
	31: MovReg dst: r3 src: r0
	32: LoadMapPtr dst: r1 fd: 0 <AT_>
	34: MovReg dst: r2 src: rfp
	35: AddImm dst: r2 imm: -24
	36: MovImm dst: r4 imm: 1
	37: Call FnMapUpdateElem
L5:
	38: LoadMapPtr dst: r1 fd: 0 <AT_>
	40: MovReg dst: r2 src: rfp
	41: AddImm dst: r2 imm: -24
	42: Call FnMapLookupElem
	43: JNEImm dst: r0 off: -1 imm: 0 <L4>
	44: StMemDW dst: rfp src: r0 off: -32 imm: 0
	45: LoadMapPtr dst: r1 fd: 0 <errors>
	47: MovReg dst: r2 src: rfp
	48: AddImm dst: r2 imm: -32
	49: Call FnMapLookupElem
	50: JEqImm dst: r0 off: -1 imm: 0 <L6>
	51: LdXMemDW dst: r1 src: r0 off: 0 imm: 0
	52: AddImm dst: r1 imm: 1
	53: StXMemDW dst: r0 src: r1 off: 0 imm: 0
L6:
	54: Ja off: -1 <L2>
map AT_: PerCPUHash key 16 value 8 max 4096
map errors: PerCPUArray key 4 value 8 max 2
map ringbuf: RingBuf key 0 value 0 max 1048576
map zero: Array key 4 value 8 max 1
