/*
 * ctarget: the C program the uprobe tests trace (built by targets.C with
 * gcc -g -O0). It makes N calls (argv[1], default 5); call i is
 * c_add(i, 1000), c_item(&{.id = i, .name = names[i % 3]}, names[i % 3], i)
 * and c_many(i, 1, 2, 3, 4, 5, 6, 7), whose last two arguments are on
 * the stack.
 */
#include <stdlib.h>
#include <string.h>

struct item {
	int id;
	const char *name;
};

static const char *names[] = {"alpha", "beta", "gamma-delta"};

__attribute__((noinline)) long c_add(long a, long b)
{
	return a + b;
}

__attribute__((noinline)) int c_item(struct item *it, const char *s, int n)
{
	return it->id + n + (s[0] == 'a');
}

__attribute__((noinline)) long c_many(long a, long b, long c, long d, long e, long f, long g, long h)
{
	return a + b + c + d + e + f + g + h;
}

int main(int argc, char **argv)
{
	int n = argc > 1 ? atoi(argv[1]) : 5;
	long s = 0;
	/* Touch the names first: a probe cannot read a page not yet mapped in. */
	for (int i = 0; i < 3; i++)
		s += strlen(names[i]);
	for (int i = 0; i < n; i++) {
		struct item it = {.id = i, .name = names[i % 3]};
		s += c_add(i, 1000);
		s += c_item(&it, names[i % 3], i);
		s += c_many(i, 1, 2, 3, 4, 5, 6, 7);
	}
	return s < 0;
}
