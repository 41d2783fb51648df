/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The BPF ring buffer's reader: libbpf's ring_buffer__consume() with the
 * data area mapped once.  libbpf maps it twice, back to back, so that a
 * record that wraps around the end reads as one; every page then counts
 * twice in whyslow's RSS (16 of the 31 MiB of `record -- true`).  Here a
 * record that wraps is copied out whole instead, which is rare: records
 * are a few KiB in a ring of MiBs.
 */
#ifndef WHYSLOW_RINGBUF_H
#define WHYSLOW_RINGBUF_H

#include <stddef.h>

struct ringbuf;

/* Called for each record in order; a non-zero return stops reading and
 * is returned by ringbuf_consume(). */
typedef int (*ringbuf_fn)(void *ctx, void *data, size_t size);

/* map_fd: a BPF_MAP_TYPE_RINGBUF.  NULL with errno set on failure. */
struct ringbuf *ringbuf_new(int map_fd, ringbuf_fn fn, void *ctx);
void ringbuf_free(struct ringbuf *rb);

/* Readable (poll) when records are waiting. */
int ringbuf_epoll_fd(const struct ringbuf *rb);

/* Hands every record written so far to fn: 0, or fn's first non-zero
 * return, or -ENOMEM (a wrapped record could not be copied). */
int ringbuf_consume(struct ringbuf *rb);

#endif
