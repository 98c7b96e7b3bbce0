/*
 * cmalloc: the C program of the malloc examples (built by targets.C with
 * gcc -g -O0). It makes N rounds (argv[1], default 10); each allocates
 * 100 bytes through small() and, every other round, 5000 bytes through
 * big(), and frees them.
 */
#include <stdlib.h>

__attribute__((noinline)) void *small(void)
{
	return malloc(100);
}

__attribute__((noinline)) void *big(void)
{
	return malloc(5000);
}

int main(int argc, char **argv)
{
	int n = argc > 1 ? atoi(argv[1]) : 10;
	for (int i = 0; i < n; i++) {
		free(small());
		if (i % 2 == 0)
			free(big());
	}
	return 0;
}
