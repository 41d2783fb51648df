// SPDX-License-Identifier: GPL-2.0
/*
 * Kernel addresses to names for user space, as kallsyms has them: one
 * lookup in the kernel's own table per address (user/record/bpf.c runs
 * this with BPF_PROG_RUN, ~1.5 µs), instead of reading and parsing all of
 * /proc/kallsyms (~180,000 lines, ~70 ms of CPU at every recording).  BPF
 * programs, whyslow's among them, are named as long as they are loaded.
 */
#include "common.bpf.h"

__u64 ksym_addr;		/* in */
char ksym_name[WS_KSYM_LEN];	/* out: "name+0xoff/0xsize [module]", or
				 * "0x..." for an address of no symbol */

SEC("syscall")
int ksym_lookup(void *ctx)
{
	/* %pB looks up the address before the one given (for return
	 * addresses): the one after, then */
	__u64 arg = ksym_addr + 1;

	bpf_snprintf(ksym_name, sizeof(ksym_name), "%pB", &arg, sizeof(arg));
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
