p0_tracepoint: TracePoint tracepoint:syscalls:sys_exit_read
p0_tracepoint:
	   ; tracepoint:syscalls:sys_exit_read
	  0: MovReg dst: r6 src: r1
	   ; @ = hist(args->ret)
	  1: LdXMemDW dst: r0 src: r6 off: 16 imm: 0
	  2: StXMemDW dst: rfp src: r0 off: -16 imm: 0
	  3: StMemDW dst: rfp src: r0 off: -24 imm: 0
	  4: LoadMapPtr dst: r1 fd: 0 <AT_>
	  6: MovReg dst: r2 src: rfp
	  7: AddImm dst: r2 imm: -24
	  8: Call FnMapLookupElem
	  9: JNEImm dst: r0 off: -1 imm: 0 <L2>
	 10: Ja off: -1 <L12>
L2:
	 11: MovReg dst: r8 src: r0
	 12: LdXMemDW dst: r7 src: rfp off: -16 imm: 0
	 13: MovImm dst: r1 imm: 0
	 14: JSLTImm dst: r7 off: -1 imm: 0 <L11>
	 15: MovImm dst: r1 imm: 1
	 16: JEqImm dst: r7 off: -1 imm: 0 <L11>
	 17: MovReg dst: r3 src: r7
	 18: MovImm dst: r1 imm: 2
L5:
	 19: MovReg dst: r2 src: r3
	 20: RShImm dst: r2 imm: 32
	 21: JEqImm dst: r2 off: -1 imm: 0 <L6>
	 22: MovReg dst: r3 src: r2
	 23: AddImm dst: r1 imm: 32
L6:
	 24: MovReg dst: r2 src: r3
	 25: RShImm dst: r2 imm: 16
	 26: JEqImm dst: r2 off: -1 imm: 0 <L7>
	 27: MovReg dst: r3 src: r2
	 28: AddImm dst: r1 imm: 16
L7:
	 29: MovReg dst: r2 src: r3
	 30: RShImm dst: r2 imm: 8
	 31: JEqImm dst: r2 off: -1 imm: 0 <L8>
	 32: MovReg dst: r3 src: r2
	 33: AddImm dst: r1 imm: 8
L8:
	 34: MovReg dst: r2 src: r3
	 35: RShImm dst: r2 imm: 4
	 36: JEqImm dst: r2 off: -1 imm: 0 <L9>
	 37: MovReg dst: r3 src: r2
	 38: AddImm dst: r1 imm: 4
L9:
	 39: MovReg dst: r2 src: r3
	 40: RShImm dst: r2 imm: 2
	 41: JEqImm dst: r2 off: -1 imm: 0 <L10>
	 42: MovReg dst: r3 src: r2
	 43: AddImm dst: r1 imm: 2
L10:
	 44: MovReg dst: r2 src: r3
	 45: RShImm dst: r2 imm: 1
	 46: JEqImm dst: r2 off: -1 imm: 0 <L11>
	 47: MovReg dst: r3 src: r2
	 48: AddImm dst: r1 imm: 1
L11:
	 49: JGTImm dst: r1 off: -1 imm: 64 <L12>
	 50: LShImm dst: r1 imm: 3
	 51: MovReg dst: r2 src: r8
	 52: AddReg dst: r2 src: r1
	 53: LdXMemDW dst: r1 src: r2 off: 0 imm: 0
	 54: AddImm dst: r1 imm: 1
	 55: StXMemDW dst: r2 src: r1 off: 0 imm: 0
L12:
	 56: MovImm dst: r0 imm: 0
	 57: Exit
map AT_: PerCPUArray key 4 value 520 max 1
map errors: PerCPUArray key 4 value 8 max 2
map ringbuf: RingBuf key 0 value 0 max 1048576
map zero: Array key 4 value 520 max 1
