/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The x86-64 syscall numbers and fcntl commands whyslow looks at, by
 * name: the BPF programs (no uapi headers beside vmlinux.h, which has no
 * #defines) and user space (classify/, to name and classify the syscall a
 * wait was in) read the same list.  Values as in the kernel's
 * arch/x86/entry/syscalls/syscall_64.tbl; the build is x86-64 only.
 */
#ifndef WHYSLOW_SYSCALLS_H
#define WHYSLOW_SYSCALLS_H

#define WS_NR_read			0
#define WS_NR_write			1
#define WS_NR_open			2
#define WS_NR_close			3
#define WS_NR_stat			4
#define WS_NR_fstat			5
#define WS_NR_lstat			6
#define WS_NR_poll			7
#define WS_NR_mmap			9
#define WS_NR_ioctl			16
#define WS_NR_pread64			17
#define WS_NR_pwrite64			18
#define WS_NR_readv			19
#define WS_NR_writev			20
#define WS_NR_pipe			22
#define WS_NR_select			23
#define WS_NR_sched_yield		24
#define WS_NR_msync			26
#define WS_NR_dup			32
#define WS_NR_dup2			33
#define WS_NR_pause			34
#define WS_NR_nanosleep			35
#define WS_NR_sendfile			40
#define WS_NR_socket			41
#define WS_NR_connect			42
#define WS_NR_accept			43
#define WS_NR_sendto			44
#define WS_NR_recvfrom			45
#define WS_NR_sendmsg			46
#define WS_NR_recvmsg			47
#define WS_NR_clone			56
#define WS_NR_fork			57
#define WS_NR_vfork			58
#define WS_NR_execve			59
#define WS_NR_wait4			61
#define WS_NR_fcntl			72
#define WS_NR_flock			73
#define WS_NR_fsync			74
#define WS_NR_fdatasync			75
#define WS_NR_truncate			76
#define WS_NR_ftruncate			77
#define WS_NR_rename			82
#define WS_NR_creat			85
#define WS_NR_unlink			87
#define WS_NR_rt_sigtimedwait		128
#define WS_NR_rt_sigsuspend		130
#define WS_NR_sync			162
#define WS_NR_futex			202
#define WS_NR_io_getevents		208
#define WS_NR_epoll_create		213
#define WS_NR_getdents64		217
#define WS_NR_clock_nanosleep		230
#define WS_NR_epoll_wait		232
#define WS_NR_waitid			247
#define WS_NR_inotify_init		253
#define WS_NR_openat			257
#define WS_NR_newfstatat		262
#define WS_NR_pselect6			270
#define WS_NR_ppoll			271
#define WS_NR_splice			275
#define WS_NR_sync_file_range		277
#define WS_NR_epoll_pwait		281
#define WS_NR_signalfd			282
#define WS_NR_timerfd_create		283
#define WS_NR_eventfd			284
#define WS_NR_accept4			288
#define WS_NR_signalfd4			289
#define WS_NR_eventfd2			290
#define WS_NR_epoll_create1		291
#define WS_NR_dup3			292
#define WS_NR_pipe2			293
#define WS_NR_inotify_init1		294
#define WS_NR_preadv			295
#define WS_NR_pwritev			296
#define WS_NR_recvmmsg			299
#define WS_NR_open_by_handle_at		304
#define WS_NR_syncfs			306
#define WS_NR_sendmmsg			307
#define WS_NR_memfd_create		319
#define WS_NR_copy_file_range		326
#define WS_NR_preadv2			327
#define WS_NR_pwritev2			328
#define WS_NR_statx			332
#define WS_NR_io_uring_enter		426
#define WS_NR_pidfd_open		434
#define WS_NR_clone3			435
#define WS_NR_openat2			437
#define WS_NR_epoll_pwait2		441
#define WS_NR_futex_waitv		449

/* fcntl(2) commands that return a new descriptor */
#define WS_F_DUPFD		0
#define WS_F_DUPFD_CLOEXEC	1030

/* open(2)'s flag for writes that return once their data is on the disk
 * (x86-64; O_SYNC is it and __O_SYNC), as a file's f_flags keep it */
#define WS_O_DSYNC		010000

/* Waits until a descriptor's data is on the disk: counted as its syncs
 * (bpf/io.bpf.c), read by the syncs hint. */
static inline int ws_sync_syscall(long nr)
{
	return nr == WS_NR_fsync || nr == WS_NR_fdatasync ||
	       nr == WS_NR_sync_file_range;
}

/* Syscalls whose first argument is the file descriptor waited on. */
static inline int ws_fd_syscall(long nr)
{
	switch (nr) {
	case WS_NR_read: case WS_NR_write: case WS_NR_pread64:
	case WS_NR_pwrite64: case WS_NR_readv: case WS_NR_writev:
	case WS_NR_sendfile:
	case WS_NR_connect: case WS_NR_accept: case WS_NR_sendto:
	case WS_NR_recvfrom: case WS_NR_sendmsg: case WS_NR_recvmsg:
	case WS_NR_flock: case WS_NR_fsync: case WS_NR_fdatasync:
	case WS_NR_getdents64: case WS_NR_splice: case WS_NR_sync_file_range:
	case WS_NR_accept4: case WS_NR_preadv: case WS_NR_pwritev:
	case WS_NR_recvmmsg: case WS_NR_sendmmsg:
	case WS_NR_copy_file_range:
		return 1;
	}
	return 0;
}

#endif
