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
 * fd is always set.
 *
 * resolve_fd_target_whole(), for the I/O tables, walks a file's whole
 * path (up to WS_PATH_COMPS components, WS_FILE_PATH_LEN bytes): one that
 * fits stays in ws_target.path however deep; fdt_send_path() sends any
 * other (longer, cut) as a struct ws_path_event.  It also returns the
 * file's open flags (O_DSYNC: its writes wait for the disk), one read
 * more.
 *
 * Paths are seen from the root of the mount tree the file's mount belongs
 * to: for a task in a container (its own mount namespace), the
 * container's root ("/etc/hosts" as the container sees it, not the
 * host's path to its overlay); for a chroot'ed task in our namespace, the
 * real root ("/srv/jail/etc/hosts").  A file on a mount detached since
 * (umount -l) gets its path from that mount's root, as /proc/PID/fd/N
 * shows it.
 *
 * Everything is read with CO-RE probe reads (bpf_probe_read_kernel*), so
 * the helper works from any tracing program type, with or without BTF-typed
 * arguments (tested: tp_btf and raw_tp), and a racing close() or rename()
 * can only make a read fail (zeroes) or give stale data, never fault.
 *
 * Cost, in probe reads of ~30-70 ns each: 10 for a TCP or UDP socket,
 * 13-15 for a Unix one, 10 for a pipe or an anon inode, 10 + 1 per
 * component read (its parent, name and a short name's bytes at once; +1
 * for a name longer than the dentry's inline 40 bytes, +2 per mount
 * crossed) for a file: up to WS_FDT_DEPTH components for a wait, all of
 * them for the I/O tables, once per descriptor.  A whole path that does
 * not fit ws_target.path costs one event more.  BPF stack: about 200
 * bytes, the path being assembled in a per-CPU map.
 *
 * fdt_resolve() runs in fdt_resolve_global(), a global BPF function
 * (fdtarget.bpf.c): the verifier checks it once per program that calls
 * it, on its own, rather than once per call site and per path of the
 * caller that reaches it (it was most of the instructions verified for
 * io_exit and offcpu_switch, and so of whyslow's start-up).  It takes the
 * task as a number: every read of it is a probe read.
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

#define WS_FDT_DEPTH	4	/* components kept in ws_target.path */
/* Walk steps beyond one per component: one per mount crossed (/dev/pts/0
 * crosses two, three where devpts is mounted twice; a container's file
 * a few more), one to see the root. */
#define WS_FDT_MOUNTS	8
#define WS_FDT_NAME_MAX	255	/* NAME_MAX: a longer name ends the walk */
/* Where a path ends in ws_fdt_scratch.buf: its NUL. */
#define WS_FDT_END	(WS_FILE_PATH_LEN - 1)
#define WS_FDT_MASK	(WS_FILE_PATH_LEN - 1)

#define WS_FDT_INLINE	40	/* DNAME_INLINE_LEN (32 before 6.?) */

/*
 * A component of a path as one probe read gets it: struct dentry from
 * d_parent to the end of its inline name (d_shortname, d_iname before
 * 6.14), which holds the name when it is short, as most are.
 */
struct ws_fdt_comp {
	__u64 parent;		/* d_parent */
	__u32 hash;		/* d_name */
	__u32 len;
	__u64 name;
	__u64 inl_ok;		/* d_inode as read; then: the name is in
				 * inl (the walk sets it) */
	__u64 inl[WS_FDT_INLINE / 8];
};

/* The state of a path walk, between steps of its bpf_loop()s: kernel
 * pointers, read with probe reads only. */
struct ws_fdt_walk {
	__u64 dentry;
	__u64 mnt;		/* struct mount of dentry */
	__u64 root;		/* its root dentry */
	__u32 n;		/* components read, leaf first, in comps[] */
	__u32 bytes;		/* of the path they make, "/" before each */
	__u32 tail_n;		/* the last components ws_target.path keeps
				 * (at most WS_FDT_DEPTH and WS_PATH_LEN - 1
				 * bytes, but for a long leaf) */
	__u32 tail_bytes;
	__u32 max_comps;
	__u32 max_bytes;	/* but for the leaf */
	__u32 off;		/* fdt_join_step(): bytes written */
	__u8 complete;		/* reached the root of the mount tree */
	__u8 pseudo;		/* a pseudo file: the path is its bare name */
	__u8 failed;		/* a name could not be read */
	__u8 pad;
};

/* Where fdt_path() assembles a path, and the event that carries a whole
 * one out: too big for the 512-byte BPF stack.  The walk's state is here
 * too, so that the verifier checks the loop bodies once for any values
 * (bpf_loop) and what follows them once, not once per way out.
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
	/* The path, root first: "/a/b/c".  Twice its size: the verifier
	 * bounds a write at a variable offset by max(offset) + max(size);
	 * offsets are masked below WS_FILE_PATH_LEN and a name is at most
	 * WS_FDT_NAME_MAX bytes. */
	char buf[2 * WS_FILE_PATH_LEN];
	struct ws_fdt_comp comps[WS_PATH_COMPS];
	struct ws_fdt_walk walk;
	__u64 seq;			/* path ids made on this CPU */
	struct ws_path_event ev;	/* fdt_path(whole): the path */
};

struct fdt_scratch_map {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct ws_fdt_scratch);
};
extern struct fdt_scratch_map fdt_scratch SEC(".maps");

/* struct dentry before 6.14, for CO-RE */
struct dentry___iname {
	unsigned char d_iname[32];
} __attribute__((preserve_access_index));

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

/* bpf_loop() context: on the caller's stack. */
struct fdt_loop_ctx {
	struct ws_fdt_scratch *sc;
};

/* Where struct dentry keeps a short name, and how much of it: constants
 * after CO-RE relocation. */
#define WS_FDT_SHORT_OFF(d)						\
	(bpf_core_field_exists((d)->d_shortname) ?			\
	 bpf_core_field_offset((d)->d_shortname) :			\
	 bpf_core_field_offset(((struct dentry___iname *)(d))->d_iname))
#define WS_FDT_SHORT_SIZE(d)						\
	(bpf_core_field_exists((d)->d_shortname) ?			\
	 bpf_core_field_size((d)->d_shortname) :			\
	 bpf_core_field_size(((struct dentry___iname *)(d))->d_iname))

/*
 * dentry's parent and name into *c, and the name's bytes too when they
 * are inline: in one probe read when the kernel lays out d_parent,
 * d_name, d_inode and the inline name as struct ws_fdt_comp does (every
 * kernel since 3.x), else two.  Nonzero when it could not be read.
 */
static __always_inline long fdt_read_comp(struct ws_fdt_comp *c,
					  struct dentry *dentry)
{
	__u64 parent_off = bpf_core_field_offset(dentry->d_parent);
	__u64 short_off = WS_FDT_SHORT_OFF(dentry);
	__u64 short_size = WS_FDT_SHORT_SIZE(dentry);
	long err;

	if (bpf_core_field_offset(dentry->d_name) - parent_off ==
	    __builtin_offsetof(struct ws_fdt_comp, hash) &&
	    bpf_core_field_offset(dentry->d_inode) - parent_off ==
	    __builtin_offsetof(struct ws_fdt_comp, inl_ok) &&
	    short_off - parent_off == __builtin_offsetof(struct ws_fdt_comp, inl) &&
	    short_size >= 16 && short_size <= WS_FDT_INLINE) {
		err = bpf_probe_read_kernel(c, __builtin_offsetof(struct ws_fdt_comp,
								  inl) +
					    short_size,
					    (void *)dentry + parent_off);
		/* inline names are shorter than the array, NUL after */
		c->inl_ok = !err && c->len < short_size &&
			    c->name == (__u64)dentry + short_off;
		return err;
	}
	c->inl_ok = 0;
	return bpf_core_read(&c->parent, sizeof(c->parent), &dentry->d_parent) ?:
	       bpf_core_read(&c->hash, 16, &dentry->d_name);
}

/*
 * One step of the walk of a path, leaf first, each component read into
 * sc->comps[]: at most max_comps of them and, but for the leaf, only
 * while the path stays within max_bytes.  The walk is prepend_path()'s in
 * fs/d_path.c: at the root of a mount, go on from its mountpoint in the
 * parent mount, up to the root of the mount tree (the task's mount
 * namespace).  A dentry that is its own parent without being a mount root
 * is a pseudo file (from alloc_file_pseudo(): pipes, sockets, anon inodes,
 * memfd) when it is the leaf, else one disconnected from its mount
 * (opened by handle): the walk stops there, not complete.  0: go on.
 */
static long fdt_walk_step(__u64 i, void *arg)
{
	struct ws_fdt_scratch *sc = ((struct fdt_loop_ctx *)arg)->sc;
	struct ws_fdt_walk *w = &sc->walk;
	struct mount *mnt = (void *)w->mnt;
	struct ws_fdt_comp *c;
	struct {
		struct mount *mnt_parent;
		struct dentry *mnt_mountpoint;
	} mp;
	__u32 bytes;

	if (w->dentry == w->root) {
		if (WS_FDT_READ_PAIR(&mp, mnt, mnt_parent, mnt_mountpoint))
			return 1;
		if (mp.mnt_parent == mnt || !mp.mnt_parent) {
			w->complete = 1;	/* the root mount */
			return 1;
		}
		/* not BPF_CORE_READ(mp.mnt_parent...): CO-RE would relocate
		 * mp, a local type, too */
		mnt = mp.mnt_parent;
		w->dentry = (__u64)mp.mnt_mountpoint;
		w->mnt = (__u64)mnt;
		w->root = (__u64)BPF_CORE_READ(mnt, mnt.mnt_root);
		return 0;
	}
	if (w->n >= w->max_comps)
		return 1;
	c = &sc->comps[w->n & (WS_PATH_COMPS - 1)];
	if (fdt_read_comp(c, (struct dentry *)w->dentry))
		return 1;
	if (c->parent == w->dentry || !c->parent) {
		if (w->n > 0)
			return 1;
		w->pseudo = 1;
	}
	bytes = w->bytes + c->len + 1;
	if (c->len > WS_FDT_NAME_MAX || bytes > WS_FDT_END ||
	    (w->n > 0 && bytes > w->max_bytes))
		return 1;
	w->bytes = bytes;
	w->n++;
	if (w->n == 1 || (w->n <= WS_FDT_DEPTH && bytes <= WS_PATH_LEN)) {
		w->tail_n = w->n;
		w->tail_bytes = bytes;
	}
	if (w->pseudo)
		return 1;
	w->dentry = c->parent;
	return 0;
}

/* One component into sc->buf, root first: a '/', then its name. */
static long fdt_join_step(__u64 k, void *arg)
{
	struct ws_fdt_scratch *sc = ((struct fdt_loop_ctx *)arg)->sc;
	struct ws_fdt_walk *w = &sc->walk;
	struct ws_fdt_comp *c;
	__u64 off = w->off, len;
	char *dst;
	int j;

	if (k >= w->n)
		return 1;
	c = &sc->comps[(w->n - 1 - k) & (WS_PATH_COMPS - 1)];
	len = c->len;
	if (len > WS_FDT_NAME_MAX)
		len = WS_FDT_NAME_MAX;	/* walked: never */
	/* The masks are for the verifier: offsets stay below the path's
	 * end (WS_FDT_END) anyway. */
	sc->buf[off & WS_FDT_MASK] = '/';
	dst = &sc->buf[(off + 1) & WS_FDT_MASK];
	if (c->inl_ok) {
		/* whole words: the bytes past the name are overwritten by
		 * the next component, or by the NUL */
		for (j = 0; j < WS_FDT_INLINE / 8; j++)
			((__u64 *)dst)[j] = c->inl[j];
	} else if (bpf_probe_read_kernel(dst, len, (void *)c->name)) {
		w->failed = 1;
		return 1;
	}
	w->off = off + 1 + len;
	return 0;
}

/*
 * The path of (vfsmnt, dentry) into sc->buf, "/a/b/c", and what the walk
 * found into sc->walk: false when nothing could be read.
 */
static __always_inline bool fdt_walk(struct ws_fdt_scratch *sc,
				     struct vfsmount *vfsmnt,
				     struct dentry *dentry, __u32 max_comps,
				     __u32 max_bytes)
{
	struct ws_fdt_walk *w = &sc->walk;
	struct fdt_loop_ctx c = { .sc = sc };

	__builtin_memset(w, 0, sizeof(*w));
	w->dentry = (__u64)dentry;
	/* struct mount embeds the vfsmount a file points to (real_mount()). */
	w->mnt = (__u64)vfsmnt - bpf_core_field_offset(struct mount, mnt);
	w->root = (__u64)BPF_CORE_READ(vfsmnt, mnt_root);
	w->max_comps = max_comps;
	w->max_bytes = max_bytes;
	bpf_loop(max_comps + WS_FDT_MOUNTS, fdt_walk_step, &c, 0);
	if (w->complete && w->n == 0) {	/* the root directory itself */
		sc->buf[0] = '/';
		w->bytes = 1;
	}
	bpf_loop(max_comps, fdt_join_step, &c, 0);
	sc->buf[w->bytes & WS_FDT_MASK] = '\0';
	return !w->failed && (w->n || w->complete);
}

/*
 * The path of (vfsmnt, dentry) into t->path: "/a/b/c" when that is the
 * whole path from the root of the mount tree and fits, "b/c" (no leading
 * '/') when leading components were left out (at most WS_FDT_DEPTH are
 * kept), the bare name of a pseudo file (the return value is then true).
 * whole: the walk goes on up to WS_PATH_COMPS components and
 * WS_FILE_PATH_LEN bytes; a whole path that fits t->path is kept there
 * however deep, any other (longer, cut, a pseudo file's name) goes into
 * sc->ev for a WS_EV_PATH event (len 0: none needed).
 */
static __always_inline bool fdt_path(struct ws_target *t,
				     struct vfsmount *vfsmnt,
				     struct dentry *dentry, bool whole)
{
	struct ws_fdt_scratch *sc;
	struct ws_fdt_walk *w;
	__u64 from, len, bytes;	/* 64-bit: a clamp on a 32-bit copy is lost */
	__u32 zero = 0;
	bool fits;

	sc = bpf_map_lookup_elem(&fdt_scratch, &zero);
	if (!dentry || !sc)
		return false;
	if (!fdt_walk(sc, vfsmnt, dentry, whole ? WS_PATH_COMPS : WS_FDT_DEPTH,
		      whole ? WS_FDT_END : WS_PATH_LEN))
		return false;
	w = &sc->walk;
	bytes = w->bytes;
	/* A whole path that fits: in t->path, for waits only when it has
	 * at most WS_FDT_DEPTH components (as the walk stops there), for
	 * the I/O tables whatever its depth; then no event is needed. */
	fits = w->complete && !w->pseudo && bytes <= WS_PATH_LEN - 1;
	if (w->pseudo)
		from = 1;
	else if (fits && (whole || w->n <= WS_FDT_DEPTH))
		from = 0;
	else
		from = bytes - w->tail_bytes + 1;
	len = bytes - from;
	if (len > WS_PATH_LEN - 1)
		len = WS_PATH_LEN - 1;	/* a long leaf: its head */
	/* t was zeroed: the NUL is there */
	bpf_probe_read_kernel(t->path, len, &sc->buf[from & WS_FDT_MASK]);

	if (whole && !fits) {
		from = w->pseudo ? 1 : 0;
		len = (bytes - from) & WS_FDT_MASK;
		sc->ev.flags = w->complete || w->pseudo ? 0 : WS_PATH_CUT;
		if (!bpf_probe_read_kernel(sc->ev.path, len + 1,
					   &sc->buf[from]))
			sc->ev.len = len;
	}
	return w->pseudo;
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

/* Fills *t with what fd of task is (see struct ws_target in whyslow.h);
 * whole: a file's whole path too, in the per-CPU scratch's ev. */
/* What fdt_file() reads of a struct file. */
struct fdt_file_info {
	void *private_data;	/* a socket's struct socket */
	struct inode *f_inode;
};

/* Descriptor fd of task: its file's socket and inode into *fi; 0, or -1
 * when fd is not open (or the task is past exit_files(), whose files ==
 * NULL makes the reads fail or give zeroes). */
static __always_inline int fdt_file(struct task_struct *task, int fd,
				    struct fdt_file_info *fi,
				    struct file **filep)
{
	struct {
		unsigned int max_fds;
		struct file **fd;
	} ft;
	struct fdtable *fdt;
	struct file *file;

	if (fd < 0)
		return -1;
	fdt = BPF_CORE_READ(task, files, fdt);
	if (!fdt || WS_FDT_READ_PAIR(&ft, fdt, max_fds, fd) ||
	    (__u32)fd >= ft.max_fds || !ft.fd)
		return -1;
	if (bpf_probe_read_kernel(&file, sizeof(file), &ft.fd[fd]) || !file ||
	    WS_FDT_READ_PAIR(fi, file, private_data, f_inode) || !fi->f_inode)
		return -1;
	*filep = file;
	return 0;
}

/* Returns, for a file resolved whole, the flags it was opened with (as
 * fcntl(F_GETFL) gives them: O_DSYNC...); else 0. */
static __always_inline unsigned int fdt_resolve(struct task_struct *task,
						int fd, struct ws_target *t,
						bool whole)
{
	struct fdt_file_info fi;
	struct inode *inode;
	struct file *file;
	struct path path;
	__u16 mode;

	__builtin_memset(t, 0, sizeof(*t));
	t->fd = fd;
	if (fdt_file(task, fd, &fi, &file))
		return 0;
	inode = fi.f_inode;	/* not fi.: CO-RE would relocate fi too */
	mode = BPF_CORE_READ(inode, i_mode);
	t->ino = BPF_CORE_READ(inode, i_ino);

	switch (mode & WS_S_IFMT) {
	case WS_S_IFSOCK:
		fdt_socket(t, fi.private_data);
		return 0;
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
		return 0;
	}

	if (bpf_core_read(&path, sizeof(path), &file->f_path))
		return 0;
	/* Anon files share one inode, so its number says nothing; they
	 * differ by the name of their pseudo dentry: "[eventfd]",
	 * "[eventpoll]", "[timerfd]", "[signalfd]", "[io_uring]"... */
	if (fdt_path(t, path.mnt, path.dentry, whole) &&
	    (t->kind == WS_TGT_ANON ||
	     BPF_CORE_READ(inode, i_sb, s_magic) == WS_ANON_INODE_FS_MAGIC)) {
		t->kind = WS_TGT_ANON;
		t->ino = 0;
	}
	return whole && t->kind == WS_TGT_FILE ? BPF_CORE_READ(file, f_flags) :
						 0;
}

/* ws_poll_rank() of descriptor fd of task, its kind told apart only as
 * far as the ranks need: 5-6 probe reads, not fdt_resolve's 10 and more;
 * -1 when not open. */
static __always_inline int fdt_poll_rank(struct task_struct *task, int fd)
{
	struct fdt_file_info fi;
	struct socket *sock;
	struct inode *inode;
	struct file *file;
	__u16 mode, family;

	if (fdt_file(task, fd, &fi, &file))
		return -1;
	/* not fi.: CO-RE would relocate fi too */
	sock = fi.private_data;
	inode = fi.f_inode;
	mode = BPF_CORE_READ(inode, i_mode) & WS_S_IFMT;
	if (mode == WS_S_IFSOCK) {
		family = sock ? BPF_CORE_READ(sock, sk, __sk_common.skc_family) :
			 0;
		return ws_poll_rank(family == WS_AF_INET ||
				    family == WS_AF_INET6 ? WS_TGT_TCP :
				    WS_TGT_SOCKET);
	}
	return ws_poll_rank(mode ? WS_TGT_FILE : WS_TGT_ANON);
}

/* Of the n (at most WS_POLL_FDS) struct pollfd at user address ufds of
 * the current task, the descriptor ranked highest (ws_poll_rank), the
 * first of equals; -1 none.  In fdtarget.bpf.c. */
int fdt_poll_fd_global(__u64 ufds, __u32 n);
/* Descriptors to rank, the first n of fd. */
struct ws_poll_fds {
	int fd[WS_POLL_FDS];
	__u32 n;
};
int fdt_best_fd_global(struct ws_poll_fds *f);
/* The same for a select() of nfds descriptors whose read set is at user
 * address readfds: of those under 64 (a server's listening sockets), set
 * in it, as a poll() of them; -1 for more than WS_POLL_FDS. */
int fdt_select_fd_global(__u64 readfds, __u32 nfds);

/* fdt_resolve() in a global BPF function, fdtarget.bpf.c's: see there.
 * t NULL: nothing, 0. */
unsigned int fdt_resolve_global(__u64 task, int fd, struct ws_target *t,
				int whole);

static __always_inline unsigned int fdt_call(struct task_struct *task, int fd,
					     struct ws_target *t, int whole)
{
	return fdt_resolve_global(task_addr(task), fd, t, whole);
}

static __always_inline void resolve_fd_target(struct task_struct *task, int fd,
					      struct ws_target *t)
{
	fdt_call(task, fd, t, false);
}

/*
 * resolve_fd_target(), and for a file (WS_TGT_FILE, WS_TGT_CHAR) its
 * whole path in the per-CPU scratch: take it with fdt_take_path() before
 * another call.  Returns a regular file's open flags, else 0.
 */
static __always_inline unsigned int
resolve_fd_target_whole(struct task_struct *task, int fd, struct ws_target *t)
{
	struct ws_fdt_scratch *sc;
	unsigned int flags;
	__u32 zero = 0;

	sc = bpf_map_lookup_elem(&fdt_scratch, &zero);
	if (sc)
		sc->ev.len = 0;
	flags = fdt_call(task, fd, t, true);
	if (sc && t->kind != WS_TGT_FILE && t->kind != WS_TGT_CHAR)
		sc->ev.len = 0;
	return flags;
}

/*
 * The path the last resolve_fd_target_whole() left, or name (a string in
 * user memory) when given, as a WS_EV_PATH event of pid: its id, 0 when
 * there is none or it could not be sent.
 */
static __always_inline __u64 fdt_send_path(__u32 pid, const char *name)
{
	struct ws_fdt_scratch *sc;
	__u32 zero = 0, len;
	long ret;

	sc = bpf_map_lookup_elem(&fdt_scratch, &zero);
	if (!sc)
		return 0;
	if (name) {
		ret = bpf_probe_read_user_str(sc->ev.path, sizeof(sc->ev.path),
					      name);
		if (ret <= 1)
			return 0;
		if (ret <= WS_PATH_LEN)
			return 0;	/* the site's target holds it */
		sc->ev.len = ret - 1;
		sc->ev.flags = WS_PATH_GIVEN;
	}
	len = sc->ev.len;
	if (!len || len > WS_FDT_END)
		return 0;
	sc->ev.type = WS_EV_PATH;
	sc->ev.pid = pid;
	/* Unique: this CPU's count, then the CPU. */
	sc->ev.id = ++sc->seq << 16 | (bpf_get_smp_processor_id() & 0xffff);
	if (bpf_ringbuf_output(&events, &sc->ev,
			       __builtin_offsetof(struct ws_path_event, path) +
			       len + 1, submit_flags())) {
		count_event(WS_CNT_IO_DROPPED);
		return 0;
	}
	return sc->ev.id;
}

#endif
