/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Event loops wait on the network in epoll, poll or select over many
 * descriptors, none of which the wait names (node's, Go's netpoller,
 * asyncio's).  A wait of that kind that one of its process's requests was
 * in flight for most of, and that none of its own threads ended, waits
 * for the answer: it is moved to a stack of its own, waiting on the
 * network (a Unix socket's peer: a pipe wait), "epoll_pwait for a
 * response from 127.0.0.1:8765"; one that a connection slow to make was
 * in the making for most of, "epoll_wait for a connection to
 * 127.0.0.1:8765 to be made".
 */
#ifndef WHYSLOW_NETWAIT_H
#define WHYSLOW_NETWAIT_H

#include "profile/profile.h"
#include "record/critpath.h"
#include "record/io.h"

/* Before critpath_build: tl's waits and p's stacks.  0 or -ENOMEM. */
int netwait_split(struct profile *p, struct cp_timeline *tl,
		  struct io_trace *io);

#endif
