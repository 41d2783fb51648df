/* SPDX-License-Identifier: GPL-2.0 */
/* Reads standard input to the end, one small read at a time: fed by a
 * slow writer, it spends its time waiting on the pipe. */
#include <unistd.h>

static __attribute__((noinline)) long drain_input(void)
{
	char buf[64];
	long total = 0;
	ssize_t n;

	while ((n = read(0, buf, sizeof(buf))) > 0)
		total += n;
	return total;
}

int main(void)
{
	return drain_input() > 0 ? 0 : 1;
}
