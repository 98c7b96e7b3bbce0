/*
 * usdtmulti: one USDT probe, gtrace:site, written at three places of the
 * loop (three sites, arguments i, i+100 and i+200), and gtrace:other once.
 * argv[1] is the number of iterations. Built by usersyms_test.go with
 * gcc -O0. The note layout is the one sys/sdt.h writes (see
 * probes/testdata/uprobe/gtadd.c, whose macro this is).
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

int main(int argc, char **argv)
{
	int n = argc > 1 ? atoi(argv[1]) : 5;
	for (int i = 0; i < n; i++) {
		GT_USDT("gtrace", "site", i);
		GT_USDT("gtrace", "site", i + 100);
		GT_USDT("gtrace", "site", i + 200);
	}
	GT_USDT("gtrace", "other", n);
	return 0;
}
