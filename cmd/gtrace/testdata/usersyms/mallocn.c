/* mallocn.c: calls malloc exactly N times (argv[1]), for counting with
 * uprobe:libc:malloc /pid == cpid/. Built by usersyms_test.go. */
#include <stdlib.h>

int main(int argc, char **argv)
{
	int n = argc > 1 ? atoi(argv[1]) : 0;
	for (int i = 0; i < n; i++) {
		void *volatile p = malloc(16 + i);
		free(p);
	}
	return 0;
}
