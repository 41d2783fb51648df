/* SPDX-License-Identifier: GPL-2.0 */
/* What a file descriptor of a task refers to, resolved in BPF when the task
 * blocks, so that an off-CPU wait can be named ("recvfrom on TCP
 * 10.0.0.5:5432", "fsync of wal/000012.log") even if the fd is closed or
 * the process gone by the time user space reads the event.
 *
 * What resolve_fd_target() leaves in struct ws_target, by kind:
 *   TCP, UDP  family, peer addr and port; all zero when not connected
 *             (listening, unconnected UDP).  A v4-mapped peer of an AF_INET6
 *             socket stays AF_INET6 (::ffff:a.b.c.d).
 *   UNIX      path: the peer's bound name, else the socket's own (a server
 *             side), "@name" when abstract, "" for socketpair() and unbound.
 *   SOCKET    family only (netlink, packet, raw, ...).
 *   FILE, CHAR, PIPE
 *             ino and path: "/dev/pts/0" when the whole path from the root
 *             of the mount tree fits, "x/y/data.bin" (no leading '/') when
 *             leading components were left out (at most WS_FDT_DEPTH are
 *             kept), "" for a pipe from pipe(2).
 *   ANON      path "[eventfd]", "[eventpoll]", "[timerfd]", ...; ino 0.
 *   NONE      fd < 0, not open, or a task past exit_files().
 * fd is always set.  Paths are seen from the root of the mount tree, not
 * from the task's chroot.
 *
 * Everything is read with CO-RE probe reads (bpf_probe_read_kernel*), so
 * the helper works from any tracing program type, with or without BTF-typed
 * arguments (tested: tp_btf and raw_tp), and a racing close() or rename()
 * can only make a read fail (zeroes) or give stale data, never fault.
 *
 * Cost, in probe reads of ~30 ns each: 10 for a TCP or UDP socket, 13-15
 * for a Unix one, 11 for a pipe or an anon inode, 10 + 2 per component
 * kept (+2 per mount crossed) for a file.  BPF stack: about 200 bytes, the
 * path being assembled in a per-CPU map.
 */
#ifndef WHYSLOW_FDTARGET_BPF_H
#define WHYSLOW_FDTARGET_BPF_H

#include "common.bpf.h"
#include <bpf/bpf_endian.h>

/* uapi macros: BTF, hence vmlinux.h, has no #defines. */
#define WS_S_IFMT	00170000
#define WS_S_IFSOCK	0140000
#define WS_S_IFLNK	0120000
#define WS_S_IFREG	0100000
#define WS_S_IFBLK	0060000
#define WS_S_IFDIR	0040000
#define WS_S_IFCHR	0020000
#define WS_S_IFIFO	0010000

#define WS_AF_UNIX	1
#define WS_AF_INET	2
#define WS_AF_INET6	10

#define WS_IPPROTO_TCP		6
#define WS_IPPROTO_UDP		17
#define WS_IPPROTO_UDPLITE	136
#define WS_IPPROTO_MPTCP	262

#define WS_ANON_INODE_FS_MAGIC	0x09041934	/* uapi/linux/magic.h */

#define WS_FDT_DEPTH	4	/* path components kept */
/* Walk steps: one per component, one per mount crossed (/dev/pts/0 crosses
 * two, three where devpts is mounted twice), one to see the root. */
#define WS_FDT_STEPS	(WS_FDT_DEPTH + 4)

/* Where fdt_path() assembles a path.  Twice the path size: the verifier
 * bounds a write at a variable offset by max(offset) + max(size), not by
 * their sum; offsets stay below WS_PATH_LEN and each name read is at most
 * WS_PATH_LEN bytes.  In a map rather than on the stack, where it would
 * take 192 of the 512 bytes that the calling program also needs.
 *
 * One per CPU: tracepoint programs (tp_btf, raw_tp, tracepoint) run with
 * preemption off and do not nest.  Were a preemptible program (fentry,
 * sleepable) or one of IRQ or NMI context (perf_event) to call this too,
 * two calls could interleave on a CPU and mix their path bytes: a wrong
 * path, never an unsafe access.
 *
 * Defined once, in proc.bpf.c: the .bpf.c files that include this header
 * share the one map in the linked object. */
struct ws_fdt_scratch {
	/* Names found leaf first are shifted in at [0], so [0..n) ends up
	 * root first, always at constant indices: clang turns a variable
	 * index into pointer arithmetic the verifier may refuse. */
	const unsigned char *name[WS_FDT_DEPTH];
	char buf[2 * WS_PATH_LEN] __attribute__((aligned(8)));	/* copied
								 * by words */
};

struct fdt_scratch_map {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct ws_fdt_scratch);
};
extern struct fdt_scratch_map fdt_scratch SEC(".maps");

/* Reads fields fa and fb of *src into the same-named members of the local
 * struct *dst: in one probe read when the running kernel lays the two out
 * as *dst does (the pairs used here are neighbours in 6.18, and all but
 * struct file's in older kernels too), else in two.  The test is constant
 * after CO-RE relocation: the verifier sees one branch only. */
/* offset of field f in the running kernel's *p, and in our *d */
#define WS_FDT_KOFF(p, f)	bpf_core_field_offset((p)->f)
#define WS_FDT_LOFF(d, f)	__builtin_offsetof(typeof(*(d)), f)
#define WS_FDT_READ_PAIR(dst, src, fa, fb)				\
	((WS_FDT_KOFF(src, fb) - WS_FDT_KOFF(src, fa) ==		\
	  WS_FDT_LOFF(dst, fb) - WS_FDT_LOFF(dst, fa) &&		\
	  bpf_core_field_size((src)->fa) == sizeof((dst)->fa) &&	\
	  bpf_core_field_size((src)->fb) == sizeof((dst)->fb)) ?	\
	 bpf_probe_read_kernel(&(dst)->fa, WS_FDT_LOFF(dst, fb) -	\
			       WS_FDT_LOFF(dst, fa) + sizeof((dst)->fb), \
			       (void *)(src) + WS_FDT_KOFF(src, fa)) :	\
	 (bpf_core_read(&(dst)->fa, sizeof((dst)->fa), &(src)->fa) ?:	\
	  bpf_core_read(&(dst)->fb, sizeof((dst)->fb), &(src)->fb)))

/* Up to WS_FDT_DEPTH trailing components of the path of (vfsmnt, dentry),
 * root first, into t->path: "/a/b/c" when that is the whole path from the
 * root of the mount tree, "a/b/c" when leading components were left out,
 * and the bare name of a pseudo file (a dentry that is its own parent
 * without being a mount root: pipes, sockets, anon inodes, memfd; the
 * return value is then true).  The walk is prepend_path()'s in
 * fs/d_path.c: at the root of a mount, go on from its mountpoint in the
 * parent mount. */
static __always_inline bool fdt_path(struct ws_target *t,
				     struct vfsmount *vfsmnt,
				     struct dentry *dentry)
{
	struct ws_fdt_scratch *sc;
	struct {
		struct dentry *d_parent;
		struct qstr d_name;
	} dn;
	struct {
		struct mount *mnt_parent;
		struct dentry *mnt_mountpoint;
	} mp;
	struct dentry *root;
	struct mount *mnt;
	__u32 n = 0, total = 0, comps = 0, zero = 0;
	bool complete = false, pseudo = false, ok = true;
	__u64 off = 0;
	long ret;
	int i, j;

	sc = bpf_map_lookup_elem(&fdt_scratch, &zero);
	if (!dentry || !sc)
		return false;
	/* struct mount embeds the vfsmount a file points to (real_mount()). */
	mnt = (void *)vfsmnt - bpf_core_field_offset(struct mount, mnt);
	root = BPF_CORE_READ(vfsmnt, mnt_root);

	for (i = 0; i < WS_FDT_STEPS; i++) {
		if (dentry == root) {
			if (WS_FDT_READ_PAIR(&mp, mnt, mnt_parent,
					     mnt_mountpoint))
				break;
			if (mp.mnt_parent == mnt || !mp.mnt_parent) {
				complete = true;	/* the root mount */
				break;
			}
			dentry = mp.mnt_mountpoint;
			mnt = mp.mnt_parent;
			root = BPF_CORE_READ(mnt, mnt.mnt_root);
			continue;
		}
		if (n >= WS_FDT_DEPTH ||
		    WS_FDT_READ_PAIR(&dn, dentry, d_parent, d_name))
			break;
		/* Its own parent but no mount root: a pseudo file (from
		 * alloc_file_pseudo()) when it is the leaf, else a dentry
		 * disconnected from its mount (opened by handle): stop. */
		if (dn.d_parent == dentry || !dn.d_parent) {
			if (n > 0)
				break;
			pseudo = true;
		}
		/* The leaf is kept even if too long (it is cut), an ancestor
		 * only if it fits whole with its '/'. */
		if (n > 0 && total + 1 + dn.d_name.len > WS_PATH_LEN - 1)
			break;
		total += dn.d_name.len + (n > 0);
		for (j = WS_FDT_DEPTH - 1; j > 0; j--)
			sc->name[j] = sc->name[j - 1];
		sc->name[0] = dn.d_name.name;
		n++;
		if (pseudo)
			break;
		dentry = dn.d_parent;
	}

	/* What is copied out: no bytes of an earlier path after the NUL. */
	__builtin_memset(sc->buf, 0, WS_PATH_LEN);
	if (complete && total < WS_PATH_LEN - 1)
		sc->buf[off++] = '/';
	for (i = 0; i < WS_FDT_DEPTH; i++) {
		if (i >= (int)n || !ok || off > WS_PATH_LEN - 1)
			continue;
		/* Hide off's known low bits from clang, which would OR them
		 * into an aligned address: the verifier allows only add and
		 * sub on pointers. */
		barrier_var(off);
		ret = bpf_probe_read_kernel_str(&sc->buf[off], WS_PATH_LEN,
						sc->name[i]);
		if (ret <= 0 || ret > WS_PATH_LEN) {
			ok = false;
			continue;
		}
		off += ret;
		sc->buf[off - 1] = '/';	/* replaces the NUL */
		comps++;
	}
	if (comps && off > 0)	/* the last '/' ends the string */
		sc->buf[off - 1] = '\0';
	/* Whole words (a bytewise copy is 4x the code); re-terminate. */
	__builtin_memcpy(t->path, sc->buf, WS_PATH_LEN);
	t->path[WS_PATH_LEN - 1] = '\0';
	return pseudo;
}

/* Fills t for a socket: peer address of TCP/UDP, a path for AF_UNIX. */
static __always_inline void fdt_socket(struct ws_target *t, struct socket *sock)
{
	/* skc_daddr, skc_dport and skc_family lie within 18 bytes at the
	 * start of sock_common in every kernel: read them at once. */
	struct {
		__be32 skc_daddr;
		__u32 pad[2];
		__be16 skc_dport;
		__u16 pad2;
		unsigned short skc_family;
	} skc;
	struct sock *sk, *peer;
	struct unix_address *ua;
	__u16 proto;
	__u64 alen;
	int len;

	t->kind = WS_TGT_SOCKET;
	/* An O_PATH fd of a socket file has no struct socket. */
	if (!sock)
		return;
	sk = BPF_CORE_READ(sock, sk);
	if (!sk)
		return;
	if (bpf_core_field_offset(sk->__sk_common.skc_daddr) == 0 &&
	    bpf_core_field_offset(sk->__sk_common.skc_dport) ==
	    __builtin_offsetof(typeof(skc), skc_dport) &&
	    bpf_core_field_offset(sk->__sk_common.skc_family) ==
	    __builtin_offsetof(typeof(skc), skc_family)) {
		if (bpf_probe_read_kernel(&skc, sizeof(skc), sk))
			return;
	} else {
		skc.skc_family = BPF_CORE_READ(sk, __sk_common.skc_family);
		skc.skc_dport = BPF_CORE_READ(sk, __sk_common.skc_dport);
		skc.skc_daddr = BPF_CORE_READ(sk, __sk_common.skc_daddr);
	}
	t->family = skc.skc_family;

	if (skc.skc_family == WS_AF_UNIX) {
		t->kind = WS_TGT_UNIX;
		/* The peer's address names the server for a client; a server's
		 * peer is usually unbound, then its own (listening) name. */
		peer = BPF_CORE_READ((struct unix_sock *)sk, peer);
		ua = NULL;
		if (peer)
			ua = BPF_CORE_READ((struct unix_sock *)peer, addr);
		if (!ua)
			ua = BPF_CORE_READ((struct unix_sock *)sk, addr);
		if (!ua)
			return;		/* socketpair(), unbound */
		/* len counts the 2-byte sun_family, then sun_path */
		len = BPF_CORE_READ(ua, len) - 2;
		if (len <= 0)
			return;
		/* A filesystem name is NUL-terminated by unix_bind(). */
		if (bpf_probe_read_kernel_str(t->path, WS_PATH_LEN,
					      &ua->name[0].sun_path[0]) != 1)
			return;
		/* Empty: abstract, a NUL then len - 1 bytes that need not end
		 * in one; shown as "@name" like ss(8) does. */
		t->path[0] = '@';
		alen = len - 1;
		barrier_var(alen);	/* clamp alen itself, not len */
		if (alen > WS_PATH_LEN - 2)
			alen = WS_PATH_LEN - 2;
		bpf_probe_read_kernel(&t->path[1], alen,
				      &ua->name[0].sun_path[1]);
		return;
	}
	if (skc.skc_family != WS_AF_INET && skc.skc_family != WS_AF_INET6)
		return;

	/* sk_protocol was a bitfield before 5.6: the probed bitfield read
	 * handles both layouts. */
	proto = BPF_CORE_READ_BITFIELD_PROBED(sk, sk_protocol);
	if (proto == WS_IPPROTO_TCP || proto == WS_IPPROTO_MPTCP)
		t->kind = WS_TGT_TCP;
	else if (proto == WS_IPPROTO_UDP || proto == WS_IPPROTO_UDPLITE)
		t->kind = WS_TGT_UDP;
	else
		return;		/* raw, ICMP echo, SCTP: family only */

	/* All zero until connected: a listening socket has no peer. */
	t->port = bpf_ntohs(skc.skc_dport);
	if (skc.skc_family == WS_AF_INET)
		__builtin_memcpy(t->addr, &skc.skc_daddr, 4);
	else if (bpf_core_field_exists(sk->__sk_common.skc_v6_daddr))
		/* absent without CONFIG_IPV6 */
		bpf_core_read(t->addr, 16, &sk->__sk_common.skc_v6_daddr);
}

/* Fills *t with what fd of task is (see struct ws_target in whyslow.h). */
static __always_inline void resolve_fd_target(struct task_struct *task, int fd,
					      struct ws_target *t)
{
	struct {
		unsigned int max_fds;
		struct file **fd;
	} ft;
	struct {
		void *private_data;
		struct inode *f_inode;
	} fi;
	struct fdtable *fdt;
	struct inode *inode;
	struct file *file;
	struct path path;
	__u16 mode;

	__builtin_memset(t, 0, sizeof(*t));
	t->fd = fd;
	if (fd < 0)
		return;

	/* A task past exit_files() has files == NULL: the reads then fail
	 * or give zeroes, and the checks below make that NONE. */
	fdt = BPF_CORE_READ(task, files, fdt);
	if (!fdt || WS_FDT_READ_PAIR(&ft, fdt, max_fds, fd) ||
	    (__u32)fd >= ft.max_fds || !ft.fd)
		return;
	if (bpf_probe_read_kernel(&file, sizeof(file), &ft.fd[fd]) || !file ||
	    WS_FDT_READ_PAIR(&fi, file, private_data, f_inode) || !fi.f_inode)
		return;
	inode = fi.f_inode;	/* not fi.: CO-RE would relocate fi too */
	mode = BPF_CORE_READ(inode, i_mode);
	t->ino = BPF_CORE_READ(inode, i_ino);

	switch (mode & WS_S_IFMT) {
	case WS_S_IFSOCK:
		fdt_socket(t, fi.private_data);
		return;
	case WS_S_IFIFO:
		t->kind = WS_TGT_PIPE;
		break;
	case WS_S_IFCHR:
		t->kind = WS_TGT_CHAR;
		break;
	case 0:
		/* Anon inodes have no type bits (checked on 6.18).  In case
		 * a kernel gives them S_IFREG, as was proposed in 2025, a
		 * pseudo S_IFREG file of anon_inodefs is anon too: below. */
		t->kind = WS_TGT_ANON;
		break;
	case WS_S_IFREG:
	case WS_S_IFDIR:
	case WS_S_IFBLK:
	case WS_S_IFLNK:	/* O_PATH only: does not block, has a path */
		t->kind = WS_TGT_FILE;
		break;
	default:
		return;
	}

	if (bpf_core_read(&path, sizeof(path), &file->f_path))
		return;
	/* Anon files share one inode, so its number says nothing; they
	 * differ by the name of their pseudo dentry: "[eventfd]",
	 * "[eventpoll]", "[timerfd]", "[signalfd]", "[io_uring]"... */
	if (fdt_path(t, path.mnt, path.dentry) &&
	    (t->kind == WS_TGT_ANON ||
	     BPF_CORE_READ(inode, i_sb, s_magic) == WS_ANON_INODE_FS_MAGIC)) {
		t->kind = WS_TGT_ANON;
		t->ino = 0;
	}
}

#endif
