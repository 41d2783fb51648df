/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A descriptor of another process described from /proc as the BPF side
 * describes one (bpf/fdtarget.bpf.h), for waits it could not resolve: a
 * -p thread's blocked since before the recording, a wait still open when
 * the recording ends.
 */
#ifndef WHYSLOW_FDPROC_H
#define WHYSLOW_FDPROC_H

#include <stdint.h>
#include <linux/types.h>

#include "whyslow.h"

/* What descriptor fd of pid is, from procfs ("/proc"): a file by its
 * path's last components, a pipe, an anon inode, a socket's peer (from
 * /proc/PID/net); kind WS_TGT_NONE when it is not open.  t->fd is fd. */
void fdproc_target(const char *procfs, uint32_t pid, int fd,
		   struct ws_target *t);

#endif
