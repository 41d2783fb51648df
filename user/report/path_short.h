/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Paths shortened for display, distinct ones kept distinct: a path longer
 * than the room a table gives it shows as "…/" and the shortest run of its
 * last components that no other path of the table ends with, lengthened
 * while it fits.  Two different paths of one table never print the same:
 * a shown tail is a path's own, and "…/" starts no whole path.
 */
#ifndef WHYSLOW_REPORT_PATH_SHORT_H
#define WHYSLOW_REPORT_PATH_SHORT_H

#include <stddef.h>

/*
 * For each of the n distinct paths, where its display starts: from[i] 0
 * shows paths[i] whole, else "…/" and paths[i] + from[i] (just after a
 * '/').  max: bytes a display may take, "…/" (4 bytes) included; a tail
 * that is needed to tell a path from the others is shown even if longer.
 * 0 or -ENOMEM.
 */
int path_short_plan(const char *const *paths, size_t n, size_t max,
		    size_t *from);

/* The display of path that from (of path_short_plan) says; malloc'd,
 * NULL when out of memory. */
char *path_short(const char *path, size_t from);

#endif
