// SPDX-License-Identifier: GPL-2.0
/* perf side-band records; see sideband.h. */
#include <errno.h>
#include <linux/perf_event.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <time.h>
#include <unistd.h>

#include "lib/util.h"
#include "proc/sideband.h"

#define SB_DATA_PAGES	128	/* 512 KiB per CPU, power of two */
#define SB_MAX_PENDING	(1 << 20)

struct sb_cpu {
	int fd;
	struct perf_event_mmap_page *meta;
	uint8_t *data;
	uint64_t data_size;
};

/* A record copied out of its ring, so all CPUs can be merged by time. */
struct sb_record {
	uint64_t time;
	uint64_t seq;		/* keeps equal times in ring order */
	struct perf_event_header *hdr;
};

struct sideband {
	struct sb_cpu *cpus;
	int n_cpus;
	int epoll_fd;		/* readable when any CPU's ring has records */
	uint64_t lost;
	struct sb_record *pending;
	size_t n_pending, cap_pending;
};

/* Layout of the sample_id trailer for sample_type TID | TIME. */
struct sb_sample_id {
	uint32_t pid, tid;
	uint64_t time;
};

struct sb_mmap2 {
	struct perf_event_header hdr;
	uint32_t pid, tid;
	uint64_t addr, len, pgoff;
	uint32_t maj, min;
	uint64_t ino, ino_generation;
	uint32_t prot, flags;
	char filename[];
};

struct sb_comm {
	struct perf_event_header hdr;
	uint32_t pid, tid;
	char comm[];
};

struct sb_task {	/* FORK and EXIT */
	struct perf_event_header hdr;
	uint32_t pid, ppid, tid, ptid;
	uint64_t time;
};

struct sb_lost {
	struct perf_event_header hdr;
	uint64_t id, lost;
};

static int open_cpu(struct sb_cpu *c, int cpu)
{
	struct perf_event_attr attr = {
		.type = PERF_TYPE_SOFTWARE,
		.config = PERF_COUNT_SW_DUMMY,
		.size = sizeof(attr),
		.sample_type = PERF_SAMPLE_TID | PERF_SAMPLE_TIME,
		.sample_id_all = 1,
		/* Code mappings only: stacks resolve against nothing else, and
		 * CPython's _PyRuntime is found through its code's mapping
		 * (python/detect.c).  Data mappings were 85% of the records of
		 * a spawn-heavy run (malloc arenas, thread stacks, ld.so's
		 * segments), each one an irq_work IPI to wake this reader. */
		.mmap = 1,
		.mmap2 = 1,
		.comm = 1,		/* execs: a process's new image */
		.comm_exec = 1,
		.task = 1,		/* forks (mappings inherited), exits */
		.use_clockid = 1,
		.clockid = CLOCK_MONOTONIC,	/* same clock as bpf_ktime_get_ns */
		/* Wake the reader once a page of records is in, not at
		 * each: every wake-up is an irq_work IPI on the traced
		 * program's CPU and a pass of the collector's loop, which a
		 * spawn loop made 7 times a process (whyslow's own CPU: 500
		 * ms for 2,000 /bin/true, now 290).  The loop drains the
		 * buffer every POLL_MS and at every BPF wake-up anyway, so a
		 * new process's mappings, how its CPython is found, are
		 * still read before its startup ends (Python frames in as
		 * many samples as with a wake-up per record). */
		.watermark = 1,
		.wakeup_watermark = 4096,
	};
	long page = sysconf(_SC_PAGESIZE);
	size_t len = (SB_DATA_PAGES + 1) * page;
	void *m;

	c->fd = syscall(__NR_perf_event_open, &attr, -1, cpu, -1,
			PERF_FLAG_FD_CLOEXEC);
	if (c->fd < 0)
		return -errno;
	m = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, c->fd, 0);
	if (m == MAP_FAILED) {
		close(c->fd);
		c->fd = -1;
		return -errno;
	}
	c->meta = m;
	c->data = (uint8_t *)m + page;
	c->data_size = (uint64_t)SB_DATA_PAGES * page;
	return 0;
}

struct sideband *sideband_open(void)
{
	struct sideband *sb = calloc(1, sizeof(*sb));
	int i, err, n = sysconf(_SC_NPROCESSORS_CONF), opened = 0;

	if (!sb)
		return NULL;
	sb->epoll_fd = -1;
	if (n <= 0)
		goto fail;
	sb->epoll_fd = epoll_create1(EPOLL_CLOEXEC);
	sb->cpus = calloc(n, sizeof(*sb->cpus));
	if (sb->epoll_fd < 0 || !sb->cpus)
		goto fail;
	sb->n_cpus = n;
	for (i = 0; i < n; i++)
		sb->cpus[i].fd = -1;
	for (i = 0; i < n; i++) {
		err = open_cpu(&sb->cpus[i], i);
		if (err == -ENODEV || err == -EINVAL) {	/* offline CPU */
			sb->cpus[i].fd = -1;
			continue;
		}
		if (!err && epoll_ctl(sb->epoll_fd, EPOLL_CTL_ADD, sb->cpus[i].fd,
				      &(struct epoll_event){ .events = EPOLLIN }))
			err = -errno;
		if (err) {
			errno = -err;
			goto fail;
		}
		opened++;
	}
	if (opened)
		return sb;
	errno = ENODEV;
fail:
	err = errno;
	sideband_close(sb);
	errno = err;
	return NULL;
}

void sideband_close(struct sideband *sb)
{
	long page = sysconf(_SC_PAGESIZE);
	int i;

	if (!sb)
		return;
	for (i = 0; sb->cpus && i < sb->n_cpus; i++) {
		if (sb->cpus[i].fd < 0)
			continue;
		munmap(sb->cpus[i].meta, (SB_DATA_PAGES + 1) * page);
		close(sb->cpus[i].fd);
	}
	free(sb->cpus);
	free(sb->pending);
	if (sb->epoll_fd >= 0)
		close(sb->epoll_fd);
	free(sb);
}

int sideband_epoll_fd(const struct sideband *sb)
{
	return sb->epoll_fd;
}

uint64_t sideband_lost(const struct sideband *sb)
{
	return sb->lost;
}

static uint64_t record_time(const struct perf_event_header *h)
{
	const struct sb_sample_id *id;

	if (h->type == PERF_RECORD_FORK || h->type == PERF_RECORD_EXIT)
		return ((const struct sb_task *)h)->time;
	id = (const void *)((const uint8_t *)h + h->size - sizeof(*id));
	return id->time;
}

/* Copies len bytes at ring position pos, which may wrap around the end. */
static void ring_copy(void *dst, const struct sb_cpu *c, uint64_t pos,
		      size_t len)
{
	uint64_t off = pos & (c->data_size - 1), first = c->data_size - off;

	if (first >= len) {
		memcpy(dst, c->data + off, len);
	} else {
		memcpy(dst, c->data + off, first);
		memcpy((uint8_t *)dst + first, c->data, len - first);
	}
}

static int queue_record(struct sideband *sb, const struct sb_cpu *c,
			uint64_t pos, uint16_t len)
{
	struct perf_event_header *copy;
	struct sb_record *r;

	if (sb->n_pending == sb->cap_pending) {
		size_t cap = sb->cap_pending ? sb->cap_pending * 2 : 1024;

		if (cap > SB_MAX_PENDING)
			return -E2BIG;
		r = realloc(sb->pending, cap * sizeof(*r));
		if (!r)
			return -ENOMEM;
		sb->pending = r;
		sb->cap_pending = cap;
	}
	copy = malloc(len);
	if (!copy)
		return -ENOMEM;
	ring_copy(copy, c, pos, len);
	r = &sb->pending[sb->n_pending];
	r->hdr = copy;
	r->seq = sb->n_pending++;
	r->time = record_time(copy);
	return 0;
}

/* Minimum sizes, so a record is never read past its end. */
static uint16_t min_record_size(uint32_t type)
{
	const uint16_t id = sizeof(struct sb_sample_id);

	switch (type) {
	case PERF_RECORD_MMAP2:
		return sizeof(struct sb_mmap2) + id;
	case PERF_RECORD_COMM:
		return sizeof(struct sb_comm) + id;
	case PERF_RECORD_FORK:
	case PERF_RECORD_EXIT:
		return sizeof(struct sb_task);
	case PERF_RECORD_LOST:
		return sizeof(struct sb_lost);
	default:
		return 0;
	}
}

static void read_cpu(struct sideband *sb, struct sb_cpu *c)
{
	uint64_t head = __atomic_load_n(&c->meta->data_head, __ATOMIC_ACQUIRE);
	uint64_t tail = c->meta->data_tail;
	struct perf_event_header h;
	struct sb_lost lost;
	uint16_t need;

	while (tail < head) {
		ring_copy(&h, c, tail, sizeof(h));
		if (h.size < sizeof(h) || h.size > head - tail)
			break;	/* corrupt: drop the rest of this ring */
		need = min_record_size(h.type);
		if (!need || h.size < need) {
			/* a type we did not ask for: skip it */
		} else if (h.type == PERF_RECORD_LOST) {
			ring_copy(&lost, c, tail, sizeof(lost));
			sb->lost += lost.lost;
		} else if (queue_record(sb, c, tail, h.size)) {
			sb->lost++;
		}
		tail += h.size;
	}
	__atomic_store_n(&c->meta->data_tail, head, __ATOMIC_RELEASE);
}

static int cmp_record(const void *a, const void *b)
{
	const struct sb_record *x = a, *y = b;

	if (x->time != y->time)
		return x->time < y->time ? -1 : 1;
	return CMP(x->seq, y->seq);
}

/* Copies a NUL-terminated string out of a record's bounded tail. */
static void record_string(char *dst, size_t dst_size, const char *src,
			  const struct perf_event_header *h)
{
	size_t avail = (const char *)h + h->size - src;
	size_t n = strnlen(src, avail < dst_size ? avail : dst_size - 1);

	memcpy(dst, src, n);
	dst[n] = '\0';
}

static void apply_record(struct proc_table *t, const struct perf_event_header *h,
			 uint64_t time, bool keep_all)
{
	const struct sb_task *task = (const void *)h;
	const struct sb_comm *comm = (const void *)h;
	const struct sb_mmap2 *mm = (const void *)h;
	struct proc *p;
	char buf[4096];

	switch (h->type) {
	case PERF_RECORD_FORK:
		if (task->pid == task->ppid)	/* a new thread */
			return;
		if (keep_all || proc_table_find(t, task->ppid))
			proc_table_fork(t, task->ppid, task->pid, time);
		return;
	case PERF_RECORD_EXIT:
		p = proc_table_find(t, task->pid);
		if (p && task->pid == task->tid) {
			p->exited = true;
			p->exit_time = time;
		}
		return;
	case PERF_RECORD_COMM:
		p = proc_table_find(t, comm->pid);
		if (!(h->misc & PERF_RECORD_MISC_COMM_EXEC) || comm->pid != comm->tid)
			return;
		if (!keep_all && (!p || p->exited))
			return;
		record_string(buf, 16, comm->comm, h);
		proc_table_exec(t, comm->pid, buf, time);
		return;
	case PERF_RECORD_MMAP2:
		p = proc_table_find(t, mm->pid);
		if (!keep_all && (!p || p->exited))
			return;
		record_string(buf, sizeof(buf), mm->filename, h);
		if (!(mm->prot & PROT_EXEC) &&
		    (buf[0] != '/' || proc_path_anon(buf)))
			return;		/* anonymous data: nothing to learn */
		proc_table_mmap(t, mm->pid, mm->addr, mm->len, mm->pgoff,
				makedev(mm->maj, mm->min), mm->ino, buf,
				mm->prot & PROT_EXEC, time);
		return;
	}
}

void sideband_drain(struct sideband *sb, struct proc_table *t, bool keep_all)
{
	size_t i;
	int c;

	for (c = 0; c < sb->n_cpus; c++)
		if (sb->cpus[c].fd >= 0)
			read_cpu(sb, &sb->cpus[c]);
	qsort(sb->pending, sb->n_pending, sizeof(*sb->pending), cmp_record);
	for (i = 0; i < sb->n_pending; i++) {
		apply_record(t, sb->pending[i].hdr, sb->pending[i].time, keep_all);
		free(sb->pending[i].hdr);
	}
	sb->n_pending = 0;
}
