/* SPDX-License-Identifier: GPL-2.0 */
/* Map helpers, as in libbpf-tools' maps.bpf.h. */
#ifndef WHYSLOW_MAPS_BPF_H
#define WHYSLOW_MAPS_BPF_H

#include "vmlinux.h"
#include <asm-generic/errno.h>
#include <bpf/bpf_helpers.h>

/*
 * The value of key in map, created from init when there is none: NULL
 * when the map is full.  Another CPU may create it first; then that one
 * is returned, so callers add to the value rather than set it.
 */
static __always_inline void *map_lookup_or_try_init(void *map, const void *key,
						    const void *init)
{
	void *val;
	long err;

	val = bpf_map_lookup_elem(map, key);
	if (val)
		return val;
	err = bpf_map_update_elem(map, key, init, BPF_NOEXIST);
	if (err && err != -EEXIST)
		return NULL;
	return bpf_map_lookup_elem(map, key);
}

#endif
