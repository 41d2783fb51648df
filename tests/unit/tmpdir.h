/* SPDX-License-Identifier: GPL-2.0 */
/* Removing a test's scratch directory, whatever the test left in it. */
#ifndef WHYSLOW_TEST_TMPDIR_H
#define WHYSLOW_TEST_TMPDIR_H

#include <ftw.h>
#include <stdio.h>
#include <sys/stat.h>

static int tmpdir_remove_entry(const char *path, const struct stat *st,
			       int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

/* Depth first, links not followed: 0, or -1 when something stayed. */
static inline int tmpdir_remove(const char *dir)
{
	return nftw(dir, tmpdir_remove_entry, 16, FTW_DEPTH | FTW_PHYS);
}

#endif
