// SPDX-License-Identifier: GPL-2.0
/*
 * Finding a stripped binary's debug file: by GNU build-id under the debug
 * directory, else by .gnu_debuglink (name and CRC) next to the binary, in
 * its .debug/ and under the debug directory.
 */
#include <elfutils/libdwelf.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include "symbols/internal.h"
#include "symbols/debuglink.h"
#include "symbols/elf.h"

static int file_crc32(int fd, uint32_t *crc)
{
	unsigned char buf[65536];
	uLong c = crc32(0L, Z_NULL, 0);
	uint64_t pos = 0;
	ssize_t n;

	while (pos <= ELF_MAX_FILE_SIZE &&
	       (n = pread(fd, buf, sizeof(buf), pos)) != 0) {
		if (n < 0)
			return -errno;
		c = crc32(c, buf, n);
		pos += n;
	}
	*crc = c;
	return 0;
}

static bool same_build_id(Elf *a, Elf *b)
{
	const void *ida, *idb;
	ssize_t na, nb;

	na = dwelf_elf_gnu_build_id(a, &ida);
	nb = dwelf_elf_gnu_build_id(b, &idb);
	return na > 0 && na == nb && !memcmp(ida, idb, na);
}

int debuglink_by_build_id(const struct symbolizer *s, Elf *elf,
			  struct elf_handle *dbg)
{
	char path[PATH_MAX], *p;
	const unsigned char *id;
	struct stat st;
	ssize_t len, i;
	int n;

	len = dwelf_elf_gnu_build_id(elf, (const void **)&id);
	if (len < 2 || len > BUILD_ID_MAX)
		return -ENOENT;
	n = snprintf(path, sizeof(path), "%s/.build-id/%02x/", s->debug_dir,
		     id[0]);
	if (n < 0 || (size_t)n + 2 * len + sizeof(".debug") > sizeof(path))
		return -ENAMETOOLONG;
	p = path + n;
	for (i = 1; i < len; i++, p += 2)
		sprintf(p, "%02x", id[i]);
	strcpy(p, ".debug");
	if (symelf_open(path, dbg, &st))
		return -ENOENT;
	if (!same_build_id(elf, dbg->elf)) {
		symelf_handle_close(dbg);
		return -ENOENT;
	}
	return 0;
}

struct debuglink {
	const char *name;
	uint32_t crc;
	const struct stat *bin_st;
};

/* Opens "<prefix><dir><sub>/<name>" if it is the debug file link names. */
static int debug_try_link(const char *prefix, const char *dir, const char *sub,
			  const struct debuglink *link, struct elf_handle *dbg)
{
	char path[PATH_MAX];
	uint32_t file_crc;
	struct stat st;
	int n;

	n = snprintf(path, sizeof(path), "%s%s%s/%s", prefix, dir, sub,
		     link->name);
	if (n < 0 || (size_t)n >= sizeof(path))
		return -ENAMETOOLONG;
	if (symelf_open(path, dbg, &st))
		return -ENOENT;
	if ((link->bin_st->st_dev == st.st_dev &&
	     link->bin_st->st_ino == st.st_ino) ||
	    file_crc32(dbg->fd, &file_crc) || file_crc != link->crc) {
		symelf_handle_close(dbg);
		return -ENOENT;
	}
	return 0;
}

/* .gnu_debuglink: next to the binary, in .debug/, or under debug_dir. */
int debuglink_by_link(const struct symbolizer *s, Elf *elf, const char *path,
		      const struct stat *bin_st, struct elf_handle *dbg)
{
	struct debuglink link = { .bin_st = bin_st };
	const char *slash;
	char dir[PATH_MAX];
	GElf_Word crc;

	link.name = dwelf_elf_gnu_debuglink(elf, &crc);
	if (!link.name || !*link.name || strchr(link.name, '/'))
		return -ENOENT;
	link.crc = crc;
	slash = strrchr(path, '/');
	if (!slash)
		strcpy(dir, ".");
	else if ((size_t)(slash - path) < sizeof(dir))
		snprintf(dir, sizeof(dir), "%.*s", (int)(slash - path), path);
	else
		return -ENAMETOOLONG;

	if (!debug_try_link("", dir, "", &link, dbg) ||
	    !debug_try_link("", dir, "/.debug", &link, dbg))
		return 0;
	if (path[0] == '/' &&
	    !debug_try_link(s->debug_dir, dir, "", &link, dbg))
		return 0;
	return -ENOENT;
}
