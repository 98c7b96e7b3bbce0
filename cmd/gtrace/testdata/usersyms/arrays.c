/* arrays.c: f gets a struct of three int arrays, a and b equal, c not.
 * Built by usersyms_test.go with gcc -O0. */
struct S {
	int a[3];
	int b[3];
	int c[3];
};

__attribute__((noinline)) int f(struct S *s) { return s->a[0]; }

int main(void)
{
	struct S s = {{1, 2, 3}, {1, 2, 3}, {1, 2, 4}};
	return f(&s) == 100;
}
