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
	  9: JEqImm dst: r0 off: -1 imm: 0 <L2>
	 10: MovReg dst: r8 src: r0
	 11: LdXMemDW dst: r7 src: rfp off: -16 imm: 0
	 12: MovImm dst: r1 imm: 0
	 13: JSLTImm dst: r7 off: -1 imm: 0 <L10>
	 14: MovImm dst: r1 imm: 1
	 15: JEqImm dst: r7 off: -1 imm: 0 <L10>
	 16: MovReg dst: r3 src: r7
	 17: MovImm dst: r1 imm: 2
L4:
	 18: MovReg dst: r2 src: r3
	 19: RShImm dst: r2 imm: 32
	 20: JEqImm dst: r2 off: -1 imm: 0 <L5>
	 21: MovReg dst: r3 src: r2
	 22: AddImm dst: r1 imm: 32
L5:
	 23: MovReg dst: r2 src: r3
	 24: RShImm dst: r2 imm: 16
	 25: JEqImm dst: r2 off: -1 imm: 0 <L6>
	 26: MovReg dst: r3 src: r2
	 27: AddImm dst: r1 imm: 16
L6:
	 28: MovReg dst: r2 src: r3
	 29: RShImm dst: r2 imm: 8
	 30: JEqImm dst: r2 off: -1 imm: 0 <L7>
	 31: MovReg dst: r3 src: r2
	 32: AddImm dst: r1 imm: 8
L7:
	 33: MovReg dst: r2 src: r3
	 34: RShImm dst: r2 imm: 4
	 35: JEqImm dst: r2 off: -1 imm: 0 <L8>
	 36: MovReg dst: r3 src: r2
	 37: AddImm dst: r1 imm: 4
L8:
	 38: MovReg dst: r2 src: r3
	 39: RShImm dst: r2 imm: 2
	 40: JEqImm dst: r2 off: -1 imm: 0 <L9>
	 41: MovReg dst: r3 src: r2
	 42: AddImm dst: r1 imm: 2
L9:
	 43: MovReg dst: r2 src: r3
	 44: RShImm dst: r2 imm: 1
	 45: JEqImm dst: r2 off: -1 imm: 0 <L10>
	 46: MovReg dst: r3 src: r2
	 47: AddImm dst: r1 imm: 1
L10:
	 48: JGTImm dst: r1 off: -1 imm: 64 <L11>
	 49: LShImm dst: r1 imm: 3
	 50: MovReg dst: r2 src: r8
	 51: AddReg dst: r2 src: r1
	 52: LdXMemDW dst: r1 src: r2 off: 0 imm: 0
	 53: AddImm dst: r1 imm: 1
	 54: StXMemDW dst: r2 src: r1 off: 0 imm: 0
L11:
	 55: MovReg dst: r2 src: r8
	 56: AddImm dst: r2 imm: 520
	 57: LdXMemDW dst: r1 src: r2 off: 0 imm: 0
	 58: AddReg dst: r1 src: r7
	 59: StXMemDW dst: r2 src: r1 off: 0 imm: 0
L2:
	 60: MovImm dst: r0 imm: 0
	 61: Exit
map AT_: PerCPUArray key 4 value 528 max 1
map errors: PerCPUArray key 4 value 8 max 2
map ringbuf: RingBuf key 0 value 0 max 1048576
map zero: Array key 4 value 528 max 1
