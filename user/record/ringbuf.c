// SPDX-License-Identifier: GPL-2.0
/* The BPF ring buffer's reader; see ringbuf.h. */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/mman.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <linux/bpf.h>

#include "record/ringbuf.h"

struct ringbuf {
	int map_fd;
	int epoll_fd;
	size_t page;
	size_t size;			/* of the data area, a power of 2 */
	unsigned long *consumer_pos;	/* the first page, read-write */
	unsigned long *producer_pos;	/* the second, read-only ... */
	uint8_t *data;			/* ... followed by the data area */
	uint8_t *bounce;		/* a record that wraps, copied whole */
	size_t bounce_cap;
	ringbuf_fn fn;
	void *ctx;
};

struct ringbuf *ringbuf_new(int map_fd, ringbuf_fn fn, void *ctx)
{
	struct bpf_map_info info = { 0 };
	__u32 len = sizeof(info);
	struct ringbuf *rb;
	void *m;
	int err;

	rb = calloc(1, sizeof(*rb));
	if (!rb)
		return NULL;
	rb->epoll_fd = -1;
	rb->map_fd = map_fd;
	rb->fn = fn;
	rb->ctx = ctx;
	rb->page = sysconf(_SC_PAGESIZE);
	if (bpf_obj_get_info_by_fd(map_fd, &info, &len))
		goto fail;
	rb->size = info.max_entries;
	if (info.type != BPF_MAP_TYPE_RINGBUF || !rb->size ||
	    (rb->size & (rb->size - 1))) {
		errno = EINVAL;
		goto fail;
	}
	m = mmap(NULL, rb->page, PROT_READ | PROT_WRITE, MAP_SHARED, map_fd, 0);
	if (m == MAP_FAILED)
		goto fail;
	rb->consumer_pos = m;
	m = mmap(NULL, rb->page + rb->size, PROT_READ, MAP_SHARED, map_fd,
		 rb->page);
	if (m == MAP_FAILED)
		goto fail;
	rb->producer_pos = m;
	rb->data = (uint8_t *)m + rb->page;
	rb->epoll_fd = epoll_create1(EPOLL_CLOEXEC);
	if (rb->epoll_fd < 0 ||
	    epoll_ctl(rb->epoll_fd, EPOLL_CTL_ADD, map_fd,
		      &(struct epoll_event){ .events = EPOLLIN }))
		goto fail;
	return rb;
fail:
	err = errno;
	ringbuf_free(rb);
	errno = err;
	return NULL;
}

void ringbuf_free(struct ringbuf *rb)
{
	if (!rb)
		return;
	if (rb->consumer_pos)
		munmap(rb->consumer_pos, rb->page);
	if (rb->producer_pos)
		munmap(rb->producer_pos, rb->page + rb->size);
	if (rb->epoll_fd >= 0)
		close(rb->epoll_fd);
	free(rb->bounce);
	free(rb);
}

int ringbuf_epoll_fd(const struct ringbuf *rb)
{
	return rb->epoll_fd;
}

/* The record of len bytes at data offset off, whole: in place, or copied
 * out when it wraps around the end. */
static void *record_at(struct ringbuf *rb, size_t off, size_t len)
{
	size_t first = rb->size - off;
	uint8_t *b;

	if (len <= first)
		return rb->data + off;
	if (len > rb->bounce_cap) {
		b = realloc(rb->bounce, len);
		if (!b)
			return NULL;
		rb->bounce = b;
		rb->bounce_cap = len;
	}
	memcpy(rb->bounce, rb->data + off, first);
	memcpy(rb->bounce + first, rb->data, len - first);
	return rb->bounce;
}

int ringbuf_consume(struct ringbuf *rb)
{
	unsigned long cons, prod;
	uint32_t hdr, len;
	void *rec;
	int err;

	cons = __atomic_load_n(rb->consumer_pos, __ATOMIC_ACQUIRE);
	for (;;) {
		prod = __atomic_load_n(rb->producer_pos, __ATOMIC_ACQUIRE);
		if (cons >= prod)
			return 0;
		hdr = __atomic_load_n((uint32_t *)(rb->data +
						   (cons & (rb->size - 1))),
				      __ATOMIC_ACQUIRE);
		if (hdr & BPF_RINGBUF_BUSY_BIT)
			return 0;	/* being written: the rest later */
		len = hdr & ~(BPF_RINGBUF_BUSY_BIT | BPF_RINGBUF_DISCARD_BIT);
		if (len > rb->size)
			return -EINVAL;	/* not a record: never seen */
		err = 0;
		if (!(hdr & BPF_RINGBUF_DISCARD_BIT)) {
			rec = record_at(rb, (cons + BPF_RINGBUF_HDR_SZ) &
					    (rb->size - 1), len);
			err = rec ? rb->fn(rb->ctx, rec, len) : -ENOMEM;
		}
		/* as libbpf: a record the callback failed on is consumed */
		cons += (len + BPF_RINGBUF_HDR_SZ + 7) & ~7ul;
		__atomic_store_n(rb->consumer_pos, cons, __ATOMIC_RELEASE);
		if (err)
			return err;
	}
}
