// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target for the /proc lines whyslow reads of a thread it did
 * not see (`make fuzz`, see README.md): /proc/PID/task/TID/syscall, a
 * /proc/PID/net/{tcp,tcp6,udp,udp6} line, /proc/stat's cpu line; and a
 * /proc/PID/cmdline, which the workload writes, joined and told briefly
 * (analyze/runs.c).  The kernel writes the others, but the parsers are
 * bounded as if it did not: each input, as a string, goes through all of
 * them; what they accept must be in range.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "analyze/runs.h"
#include "proc/procfs.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct procfs_syscall sc;
	struct procfs_peer peer;
	char *text = malloc(size + 1);
	char args[PROCFS_ARGS_MAX], brief[RUNS_BRIEF_MAX];
	uint64_t ino, ns;
	size_t i;

	if (!text)
		abort();
	memcpy(text, data, size);
	text[size] = '\0';
	if (!procfs_parse_syscall(text, &sc) && (sc.nr < -1 || sc.nr > 1024))
		abort();
	if (procfs_parse_inet_line(text, AF_INET, &peer, &ino) &&
	    peer.family != AF_INET)
		abort();
	if (procfs_parse_inet_line(text, AF_INET6, &peer, &ino) &&
	    peer.family != AF_INET6)
		abort();
	procfs_stat_steal_ns(text, 100, &ns);
	procfs_cmdline_join((const char *)data, size, args, sizeof(args));
	for (i = 0; args[i]; i++)
		if (args[i] < 0x20 || args[i] > 0x7e)
			abort();
	runs_brief(args, brief, sizeof(brief));
	if (strlen(brief) >= sizeof(brief))
		abort();
	runs_brief(text, brief, 1 + size % sizeof(brief));
	free(text);
	return 0;
}
