// SPDX-License-Identifier: GPL-2.0
/*
 * See sudo.h.  Switching only fsuid/fsgid would keep root's supplementary
 * groups (sudo leaves root's list in place), and a thread cannot hold other
 * credentials than its process under glibc, so the user's operations run
 * in a process of their own: forked once at start-up, while whyslow is
 * small and has no threads, it drops to the user for good and then only
 * serves open/link/rename/unlink requests, sending opened files back with
 * SCM_RIGHTS.  It holds no other file of whyslow and ends when whyslow
 * closes its socket, or dies.
 */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <pwd.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "lib/sudo.h"

#define MAX_GROUPS	65536	/* the kernel's NGROUPS_MAX */

enum sudo_op {
	OP_OPEN = 1,
	OP_LINK,
	OP_RENAME,
	OP_UNLINK,
};

#define REQ_DIRFD	1u	/* a directory fd is attached (else CWD) */
#define REQ_FD		2u	/* a file fd is attached (OP_LINK) */

/* The flags a request may open with. */
#define OPEN_FLAGS	(O_ACCMODE | O_CREAT | O_EXCL | O_NOCTTY | \
			 O_NONBLOCK | O_NOFOLLOW | O_CLOEXEC | O_DIRECTORY | \
			 O_PATH | O_TMPFILE | O_TRUNC)

struct sudo_req {
	uint32_t op;
	uint32_t fds;		/* REQ_* */
	int32_t flags;
	uint32_t mode;
	char name[PATH_MAX];
	char name2[PATH_MAX];
};

struct sudo_rep {
	int32_t err;		/* 0 or -errno; an opened fd comes attached */
};

static struct {
	bool inited;
	int init_err;
	bool active;		/* root under sudo */
	uid_t uid;
	gid_t gid;
	gid_t *groups;
	int n_groups;
	char *name, *home;	/* from passwd, NULL when it has no entry */
	pid_t helper;
	int sock;
} su = { .sock = -1 };

static bool atexit_done;

int sudo_parse_id(const char *s, unsigned long *out)
{
	char *end;

	if (!s || *s < '0' || *s > '9')
		return -EINVAL;
	errno = 0;
	*out = strtoul(s, &end, 10);
	if (errno || *end || *out > INT32_MAX)
		return -EINVAL;
	return 0;
}

int sudo_parse_env(const char *uid_s, const char *gid_s, uid_t *uid,
		   gid_t *gid)
{
	unsigned long u, g;

	if (!uid_s && !gid_s)
		return 0;
	if (sudo_parse_id(uid_s, &u) || sudo_parse_id(gid_s, &g))
		return -EINVAL;
	*uid = u;
	*gid = g;
	return 1;
}

/* The user's groups as login would set them (sudo's own choice too). */
static int load_groups(void)
{
	struct passwd *pw = getpwuid(su.uid);
	int n = 64, want;

	if (!pw)
		return 0;	/* no entry: no supplementary groups */
	su.name = strdup(pw->pw_name);
	su.home = strdup(pw->pw_dir);
	if (!su.name || !su.home)
		return -ENOMEM;
	for (;;) {
		free(su.groups);
		su.groups = calloc(n, sizeof(*su.groups));
		if (!su.groups)
			return -ENOMEM;
		want = n;
		if (getgrouplist(su.name, su.gid, su.groups, &want) >= 0) {
			su.n_groups = want;
			return 0;
		}
		if (want <= n || want > MAX_GROUPS)
			return -E2BIG;
		n = want;
	}
}

static int drop_to_user(void)
{
	if (setgroups(su.n_groups, su.groups) || setgid(su.gid) ||
	    setuid(su.uid))
		return -errno;
	/* A uid that could go back would make every check here moot. */
	if (su.uid && (setuid(0) == 0 || geteuid() != su.uid ||
		       getegid() != su.gid))
		return -EPERM;
	return 0;
}

int sudo_become_user(void)
{
	int err;

	if (!su.active)
		return 0;
	err = drop_to_user();
	if (err)
		return err;
	if (su.name) {
		setenv("HOME", su.home, 1);
		setenv("USER", su.name, 1);
		setenv("LOGNAME", su.name, 1);
	}
	return 0;
}

/* ---- the operations, wherever they run ---- */

static int do_op(const struct sudo_req *req, int dirfd, int fd)
{
	char proc[32];
	int ret;

	switch (req->op) {
	case OP_OPEN:
		if (req->flags & ~OPEN_FLAGS)
			return -EINVAL;
		ret = openat(dirfd, req->name, req->flags | O_CLOEXEC,
			     (mode_t)req->mode & 07777);
		break;
	case OP_LINK:
		/* An O_TMPFILE file gets its first name through /proc:
		 * AT_EMPTY_PATH would need CAP_DAC_READ_SEARCH. */
		snprintf(proc, sizeof(proc), "/proc/self/fd/%d", fd);
		ret = linkat(AT_FDCWD, proc, dirfd, req->name,
			     AT_SYMLINK_FOLLOW);
		break;
	case OP_RENAME:
		ret = renameat(dirfd, req->name, dirfd, req->name2);
		break;
	case OP_UNLINK:
		ret = unlinkat(dirfd, req->name, 0);
		break;
	default:
		return -EINVAL;
	}
	return ret < 0 ? -errno : ret;
}

/* ---- the helper's side of the socket ---- */

static void close_fds(const int *fds, int n)
{
	int i;

	for (i = 0; i < n; i++)
		close(fds[i]);
}

static int send_rep(int sock, int err, int fd)
{
	struct sudo_rep rep = { .err = err };
	struct iovec iov = { .iov_base = &rep, .iov_len = sizeof(rep) };
	union {
		char buf[CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} u;
	struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1 };
	struct cmsghdr *c;
	ssize_t n;

	if (fd >= 0) {
		memset(&u, 0, sizeof(u));
		msg.msg_control = u.buf;
		msg.msg_controllen = sizeof(u.buf);
		c = CMSG_FIRSTHDR(&msg);
		c->cmsg_level = SOL_SOCKET;
		c->cmsg_type = SCM_RIGHTS;
		c->cmsg_len = CMSG_LEN(sizeof(int));
		memcpy(CMSG_DATA(c), &fd, sizeof(int));
	}
	do {
		n = sendmsg(sock, &msg, MSG_NOSIGNAL);
	} while (n < 0 && errno == EINTR);
	return n == sizeof(rep) ? 0 : -EPIPE;
}

/*
 * One message and the fds it carries (at most max): the byte count, 0 at
 * EOF, or -errno.  Fds of a truncated or malformed message are closed.
 */
static ssize_t recv_fds(int sock, void *buf, size_t len, int *fds, int max,
			int *n_fds)
{
	struct iovec iov = { .iov_base = buf, .iov_len = len };
	union {
		char buf[CMSG_SPACE(2 * sizeof(int))];
		struct cmsghdr align;
	} u;
	struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1,
			      .msg_control = u.buf,
			      .msg_controllen = sizeof(u.buf) };
	struct cmsghdr *c;
	ssize_t n;
	size_t i, k;
	bool bad = false;

	*n_fds = 0;
	do {
		n = recvmsg(sock, &msg, MSG_CMSG_CLOEXEC);
	} while (n < 0 && errno == EINTR);
	if (n < 0)
		return -errno;
	for (c = CMSG_FIRSTHDR(&msg); c; c = CMSG_NXTHDR(&msg, c)) {
		if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS)
			continue;
		k = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
		for (i = 0; i < k; i++) {
			int fd;

			memcpy(&fd, CMSG_DATA(c) + i * sizeof(int), sizeof(fd));
			if (*n_fds < max)
				fds[(*n_fds)++] = fd;
			else
				close(fd), bad = true;
		}
	}
	if (bad || (msg.msg_flags & (MSG_TRUNC | MSG_CTRUNC))) {
		close_fds(fds, *n_fds);
		*n_fds = 0;
		return -EPROTO;
	}
	return n;
}

/* Checks a request as the helper received it: -errno when malformed. */
static int req_check(const struct sudo_req *req, ssize_t len, int n_fds)
{
	int want = !!(req->fds & REQ_DIRFD) + !!(req->fds & REQ_FD);

	if (len != sizeof(*req) || (req->fds & ~(REQ_DIRFD | REQ_FD)) ||
	    n_fds != want || (req->op == OP_LINK) != !!(req->fds & REQ_FD))
		return -EPROTO;
	if (!memchr(req->name, 0, sizeof(req->name)) ||
	    !memchr(req->name2, 0, sizeof(req->name2)))
		return -ENAMETOOLONG;
	return 0;
}

static void serve(int sock)
{
	static struct sudo_req req;
	int fds[2], n_fds, dirfd, fd, ret;
	ssize_t len;

	for (;;) {
		len = recv_fds(sock, &req, sizeof(req), fds, 2, &n_fds);
		if (len == 0)
			_exit(0);	/* whyslow is done */
		ret = len < 0 ? (int)len : req_check(&req, len, n_fds);
		if (!ret) {
			dirfd = req.fds & REQ_DIRFD ? fds[0] : AT_FDCWD;
			fd = req.fds & REQ_FD ? fds[n_fds - 1] : -1;
			ret = do_op(&req, dirfd, fd);
		}
		close_fds(fds, n_fds);
		if (send_rep(sock, ret < 0 ? ret : 0,
			     req.op == OP_OPEN && ret >= 0 ? ret : -1))
			_exit(1);
		if (req.op == OP_OPEN && ret >= 0)
			close(ret);
	}
}

static void helper_main(int sock, pid_t parent)
{
	int err;

	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (getppid() != parent)
		_exit(0);
	prctl(PR_SET_NAME, "whyslow-sudo");
	/* Ctrl-C is for whyslow, which still has files to write. */
	signal(SIGINT, SIG_IGN);
	signal(SIGTERM, SIG_IGN);
	signal(SIGHUP, SIG_IGN);
	signal(SIGPIPE, SIG_IGN);
	/* Nothing of whyslow's but the socket: BPF objects, the command's
	 * pipes, the output. */
	if ((sock > 0 && close_range(0, sock - 1, 0)) ||
	    close_range(sock + 1, ~0U, 0))
		_exit(1);
	err = drop_to_user();
	if (send_rep(sock, err, -1) || err)
		_exit(1);
	serve(sock);
}

static int start_helper(void)
{
	int sv[2], n_fds, fds[1];
	struct sudo_rep rep;
	pid_t parent = getpid();
	ssize_t n;

	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv))
		return -errno;
	su.helper = fork();
	if (su.helper < 0) {
		close(sv[0]);
		close(sv[1]);
		return -errno;
	}
	if (su.helper == 0) {
		close(sv[0]);
		helper_main(sv[1], parent);
	}
	close(sv[1]);
	su.sock = sv[0];
	n = recv_fds(su.sock, &rep, sizeof(rep), fds, 1, &n_fds);
	close_fds(fds, n_fds);
	if (n != sizeof(rep) || rep.err) {
		sudo_exit();
		return n != sizeof(rep) ? -EPROTO : rep.err;
	}
	if (!atexit_done)
		atexit(sudo_exit);
	atexit_done = true;
	return 0;
}

int sudo_init_with(const char *uid_s, const char *gid_s)
{
	int ret;

	sudo_exit();
	free(su.groups);
	free(su.name);
	free(su.home);
	memset(&su, 0, sizeof(su));
	su.sock = -1;
	su.inited = true;
	ret = sudo_parse_env(uid_s, gid_s, &su.uid, &su.gid);
	/* Not root: whatever sudo said, there is nothing to give up. */
	if (ret <= 0 || geteuid() != 0)
		return su.init_err = ret < 0 && geteuid() == 0 ? ret : 0;
	su.active = true;
	ret = load_groups();
	if (!ret)
		ret = start_helper();
	return su.init_err = ret;
}

int sudo_init(void)
{
	if (su.inited)
		return su.init_err;
	return sudo_init_with(getenv("SUDO_UID"), getenv("SUDO_GID"));
}

bool sudo_active(void)
{
	return su.active;
}

void sudo_exit(void)
{
	if (su.sock < 0)
		return;
	close(su.sock);
	su.sock = -1;
	if (su.helper > 0)
		waitpid(su.helper, NULL, 0);
	su.helper = 0;
}

/* ---- whyslow's side ---- */

static int call_helper(const struct sudo_req *req, int dirfd, int fd)
{
	union {
		char buf[CMSG_SPACE(2 * sizeof(int))];
		struct cmsghdr align;
	} u;
	struct iovec iov = { .iov_base = (void *)req, .iov_len = sizeof(*req) };
	struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1 };
	struct sudo_rep rep;
	struct cmsghdr *c;
	int fds[2], n_fds = 0;
	ssize_t n;

	if (dirfd != AT_FDCWD)
		fds[n_fds++] = dirfd;
	if (fd >= 0)
		fds[n_fds++] = fd;
	if (n_fds) {
		memset(&u, 0, sizeof(u));
		msg.msg_control = u.buf;
		msg.msg_controllen = CMSG_SPACE(n_fds * sizeof(int));
		c = CMSG_FIRSTHDR(&msg);
		c->cmsg_level = SOL_SOCKET;
		c->cmsg_type = SCM_RIGHTS;
		c->cmsg_len = CMSG_LEN(n_fds * sizeof(int));
		memcpy(CMSG_DATA(c), fds, n_fds * sizeof(int));
	}
	do {
		n = sendmsg(su.sock, &msg, MSG_NOSIGNAL);
	} while (n < 0 && errno == EINTR);
	if (n != sizeof(*req))
		return -EPIPE;
	n = recv_fds(su.sock, &rep, sizeof(rep), fds, 1, &n_fds);
	if (n != sizeof(rep) || n_fds != (req->op == OP_OPEN && !rep.err) ||
	    rep.err > 0) {
		close_fds(fds, n_fds);
		return n < 0 ? (int)n : -EPROTO;
	}
	return n_fds ? fds[0] : rep.err;
}

static int run_op(struct sudo_req *req, int dirfd, int fd)
{
	if (!su.inited)
		sudo_init();
	if (su.init_err)
		return su.init_err;
	if (!su.active)
		return do_op(req, dirfd, fd);
	if (su.sock < 0)
		return -EPIPE;
	req->fds = (dirfd != AT_FDCWD ? REQ_DIRFD : 0) |
		   (fd >= 0 ? REQ_FD : 0);
	return call_helper(req, dirfd, fd);
}

/* The request for name (and name2): -ENAMETOOLONG when one does not fit. */
static int fill_names(struct sudo_req *req, const char *name,
		      const char *name2)
{
	size_t n = strlen(name), n2 = name2 ? strlen(name2) : 0;

	if (n >= sizeof(req->name) || n2 >= sizeof(req->name2))
		return -ENAMETOOLONG;
	memcpy(req->name, name, n + 1);
	if (name2)
		memcpy(req->name2, name2, n2 + 1);
	return 0;
}

int sudo_openat(int dirfd, const char *name, int flags, mode_t mode)
{
	static struct sudo_req req;

	memset(&req, 0, sizeof(req));
	req.op = OP_OPEN;
	req.flags = flags | O_CLOEXEC;
	req.mode = mode;
	if (fill_names(&req, name, NULL))
		return -ENAMETOOLONG;
	return run_op(&req, dirfd, -1);
}

int sudo_open_input(const char *path)
{
	return sudo_openat(AT_FDCWD, path,
			   O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC, 0);
}

int sudo_link_fd(int fd, int dirfd, const char *name)
{
	static struct sudo_req req;

	if (fd < 0)
		return -EBADF;
	memset(&req, 0, sizeof(req));
	req.op = OP_LINK;
	if (fill_names(&req, name, NULL))
		return -ENAMETOOLONG;
	return run_op(&req, dirfd, fd);
}

int sudo_rename(int dirfd, const char *from, const char *to)
{
	static struct sudo_req req;

	memset(&req, 0, sizeof(req));
	req.op = OP_RENAME;
	if (fill_names(&req, from, to))
		return -ENAMETOOLONG;
	return run_op(&req, dirfd, -1);
}

int sudo_unlink(int dirfd, const char *name)
{
	static struct sudo_req req;

	memset(&req, 0, sizeof(req));
	req.op = OP_UNLINK;
	if (fill_names(&req, name, NULL))
		return -ENAMETOOLONG;
	return run_op(&req, dirfd, -1);
}
