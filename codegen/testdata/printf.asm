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
	  ; exit()
	15: StMemDW dst: rfp src: r0 off: -16 imm: 1
	16: LoadMapPtr dst: r1 fd: 0 <ringbuf>
	18: MovReg dst: r2 src: rfp
	19: AddImm dst: r2 imm: -16
	20: MovImm dst: r3 imm: 8
	21: MovImm dst: r4 imm: 0
	22: Call FnRingbufOutput
L1:
	23: MovImm dst: r0 imm: 0
	24: Exit
map ringbuf: RingBuf key 0 value 0 max 1048576
