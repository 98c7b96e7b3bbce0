/* stackargs.c: f takes eight arguments; on x86-64 the last two (70, 80)
 * are passed on the stack, where sarg0 and sarg1 read them. Built by
 * usersyms_test.go with gcc -O0. */
__attribute__((noinline)) long f(long a, long b, long c, long d, long e, long f6, long g, long h)
{
	return a + b + c + d + e + f6 + g + h;
}

int main(void) { return f(1, 2, 3, 4, 5, 6, 70, 80) == 0; }
