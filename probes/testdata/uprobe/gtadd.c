/*
 * gtadd: the target of the uprobe and USDT tests. It calls gt_add N times
 * (argv[1], default 5) and, when a tracer has raised the semaphore
 * gt_sem, fires the USDT probe gtrace:add__done after each call. With a
 * second argument it then waits for a signal (for tests of -p).
 *
 * Built into gtadd with: gcc -g -O0 -o gtadd gtadd.c
 * (TestUprobeAttach rebuilds it; the checked-in copy serves the tier-0
 * tests.) The USDT note is written by hand, in the layout sys/sdt.h uses,
 * so the build needs no systemtap headers.
 */
#include <stdlib.h>
#include <unistd.h>

unsigned short gt_sem __attribute__((section(".probes"), used));

#define GT_USDT(provider, name, arg)                                      \
	__asm__ __volatile__(                                             \
		"990: nop\n"                                              \
		".pushsection .note.stapsdt,\"\",\"note\"\n"              \
		".balign 4\n"                                             \
		".4byte 992f-991f, 994f-993f, 3\n"                        \
		"991: .asciz \"stapsdt\"\n"                               \
		"992: .balign 4\n"                                        \
		"993: .8byte 990b\n"                                      \
		".8byte _.stapsdt.base\n"                                 \
		".8byte gt_sem\n"                                         \
		".asciz \"" provider "\"\n"                               \
		".asciz \"" name "\"\n"                                   \
		".asciz \"-4@%0\"\n"                                      \
		"994: .balign 4\n"                                        \
		".popsection\n"                                           \
		".ifndef _.stapsdt.base\n"                                \
		".pushsection .stapsdt.base,\"aG\",\"progbits\",.stapsdt.base,comdat\n" \
		".weak _.stapsdt.base\n"                                  \
		".hidden _.stapsdt.base\n"                                \
		"_.stapsdt.base: .space 1\n"                              \
		".size _.stapsdt.base, 1\n"                               \
		".popsection\n"                                           \
		".endif\n"                                                \
		:                                                         \
		: "r"(arg))

__attribute__((noinline)) int gt_add(int a, int b)
{
	return a + b;
}

int main(int argc, char **argv)
{
	int n = argc > 1 ? atoi(argv[1]) : 5;
	int s = 0;
	for (int i = 0; i < n; i++) {
		s = gt_add(s, i);
		if (gt_sem)
			GT_USDT("gtrace", "add__done", s);
	}
	if (argc > 2)
		pause();
	return s < 0;
}
