// SPDX-License-Identifier: GPL-2.0
/* A descriptor of another process described from /proc: see fdproc.h. */
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "proc/procfs.h"
#include "record/fdproc.h"

/* "socket:[5222875]" into a TCP, UDP or unix socket's target. */
static void socket_target(const char *procfs, uint32_t pid, uint64_t ino,
			  struct ws_target *t)
{
	struct procfs_peer peer;

	t->kind = WS_TGT_SOCKET;
	t->ino = ino;
	if (procfs_socket_peer(procfs, pid, ino, &peer))
		return;
	if (peer.kind == PROCFS_SOCK_UNIX) {
		t->kind = WS_TGT_UNIX;
		return;
	}
	t->kind = peer.kind == PROCFS_SOCK_TCP ? WS_TGT_TCP : WS_TGT_UDP;
	t->family = peer.family;
	t->port = peer.port;
	memcpy(t->addr, peer.addr, sizeof(t->addr));
}

void fdproc_target(const char *procfs, uint32_t pid, int fd,
		   struct ws_target *t)
{
	char path[64], link[PATH_MAX];
	unsigned long long ino;
	struct stat st;
	ssize_t len;
	size_t skip;

	memset(t, 0, sizeof(*t));
	t->fd = fd;
	snprintf(path, sizeof(path), "%s/%u/fd/%d", procfs, pid, fd);
	len = readlink(path, link, sizeof(link) - 1);
	if (len <= 0)
		return;
	link[len] = '\0';
	if (sscanf(link, "socket:[%llu]", &ino) == 1) {
		socket_target(procfs, pid, ino, t);
		return;
	}
	if (sscanf(link, "pipe:[%llu]", &ino) == 1) {
		t->kind = WS_TGT_PIPE;
		t->ino = ino;
		return;
	}
	if (!strncmp(link, "anon_inode:", 11)) {
		t->kind = WS_TGT_ANON;
		memcpy(t->path, link + 11, strnlen(link + 11,
						   sizeof(t->path) - 1));
		return;
	}
	if (link[0] != '/')
		return;
	t->kind = !strncmp(link, "/dev/", 5) && !stat(path, &st) &&
		  S_ISCHR(st.st_mode) ? WS_TGT_CHAR : WS_TGT_FILE;
	skip = (size_t)len >= sizeof(t->path) ? len - sizeof(t->path) + 1 : 0;
	memcpy(t->path, link + skip, len - skip);
}
