/* leaf.c: a -c target that lives about a millisecond. main calls mid,
 * which calls leaf, three times; leaf is the probed function. Built by
 * usersyms_test.go with gcc -O1 -fno-omit-frame-pointer. */
#include <unistd.h>

__attribute__((noinline)) int leaf(int x) { return x * 2 + getpid() % 2; }
__attribute__((noinline)) int mid(int x) { return leaf(x) + 1; }

int main(void)
{
	int s = 0;
	for (int i = 0; i < 3; i++)
		s += mid(i);
	return s > 1000;
}
