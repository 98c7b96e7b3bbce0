/* uaddr.c: globals of several sizes for uaddr(); f is the probed function.
 * Built by usersyms_test.go with gcc -no-pie (uaddr gives link-time
 * addresses, as in bpftrace 0.17). */
int gint = -5;
long glong = -7;
short gshort = -3;
char gchar = -2;

__attribute__((noinline)) int f(int a) { return a + gint; }

int main(void) { return f(1) == 100; }
