/*
 * cstacks: the C program of the stack key tests (built by targets.C with
 * gcc -g -O0, so every function keeps its frame pointer). It calls leaf()
 * 1024 times, each time through a different user stack: call i goes
 * through step() ten times, and step() goes on through a() or b() as bit
 * k of i is 1 or 0. So the stacks at leaf() are 1024 distinct ones, and
 * their innermost frames take only a few values.
 */
static volatile int sink;

__attribute__((noinline)) void leaf(void)
{
	sink++;
}

void a(int n, int bits);
void b(int n, int bits);

__attribute__((noinline)) void step(int n, int bits)
{
	if (n == 0) {
		leaf();
		return;
	}
	if (bits & 1)
		a(n - 1, bits >> 1);
	else
		b(n - 1, bits >> 1);
	sink++;
}

__attribute__((noinline)) void a(int n, int bits)
{
	step(n, bits);
	sink++;
}

__attribute__((noinline)) void b(int n, int bits)
{
	step(n, bits);
	sink++;
}

int main(void)
{
	for (int i = 0; i < 1024; i++)
		step(10, i);
	return 0;
}
