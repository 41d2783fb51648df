// SPDX-License-Identifier: GPL-2.0
/*
 * The kernel's BTF cut down to the types our programs relocate against,
 * for libbpf's CO-RE relocation (btf_custom_path).
 *
 * Why: libbpf 1.1 finds each relocated type's candidates by a linear scan
 * of the whole vmlinux BTF (~126k types), once per distinct type, ~1.8 ms
 * each: some 35 ms of every start-up, a third of `record -- true`.  Here
 * one scan picks the types whose names our object's BTF uses, and they are
 * copied with what their layout needs (members, array elements, typedef
 * and modifier targets), every pointer made a `void *`: what libbpf's
 * field matching reads of a target (names, kinds, sizes, offsets, bit
 * fields; any two pointers are compatible), the idea of bpftool's
 * `gen min_core_btf`.  The cut also records the kernel's BTF ids of the
 * tracepoints the programs attach to (tp_btf, an enum CORE_BTF_TP_ENUM),
 * which record/bpf.c gives libbpf: else libbpf reads and parses the whole
 * kernel BTF at every load to find them (~10 ms and 11 MB).
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>
#include <bpf/btf.h>

#include "lib/intern.h"
#include "lib/log.h"
#include "record/corebtf.h"

/* A BTF far past today's (~126k types) is not cut, but used whole. */
#define CORE_BTF_MAX_TYPES	(1u << 21)

/* "task_struct___old" and "task_struct" are one name to CO-RE. */
static size_t essential_len(const char *name)
{
	size_t n = strlen(name), i;

	for (i = n; i > 4; i--)
		if (!strncmp(name + i - 3, "___", 3))
			return i - 3;
	return n;
}

static bool named_kind(const struct btf_type *t)
{
	switch (btf_kind(t)) {
	case BTF_KIND_INT: case BTF_KIND_FLOAT: case BTF_KIND_ENUM:
	case BTF_KIND_ENUM64: case BTF_KIND_STRUCT: case BTF_KIND_UNION:
	case BTF_KIND_TYPEDEF: case BTF_KIND_FWD:
		return true;
	}
	return false;
}

/* The names a relocation may look up: every named type of the object. */
static int local_names(const struct btf *local, struct intern *names)
{
	uint32_t id, n = btf__type_cnt(local);
	const struct btf_type *t;
	const char *name;
	int added;

	for (id = 1; id < n; id++) {
		t = btf__type_by_id(local, id);
		if (!named_kind(t))
			continue;
		name = btf__name_by_offset(local, t->name_off);
		if (!name || !*name)
			continue;
		if (intern_bytes(names, name, essential_len(name), &added) < 0)
			return -ENOMEM;
	}
	return 0;
}

struct cut {
	const struct btf *src;
	uint32_t *map;		/* old id -> new id; 0 not kept */
	uint32_t *stack;	/* ids to visit */
	uint32_t n_stack, n_kept, n_src;
	const char *const *tps;	/* the attach points, and their ids: */
	uint32_t tp_id[CORE_BTF_MAX_TPS];
	int n_tps;
};

#define TP_PREFIX	"btf_trace_"

/* name is btf_trace_<one of c->tps>: its id noted. */
static void note_tp(struct cut *c, const char *name, uint32_t id)
{
	int i;

	if (strncmp(name, TP_PREFIX, strlen(TP_PREFIX)))
		return;
	name += strlen(TP_PREFIX);
	for (i = 0; i < c->n_tps; i++)
		if (!strcmp(name, c->tps[i]))
			c->tp_id[i] = id;
}

/* Marks id kept and to be visited; pointers are not followed. */
static int keep(struct cut *c, uint32_t id)
{
	if (!id || id >= c->n_src || c->map[id])
		return 0;
	if (c->n_stack >= c->n_src)
		return -E2BIG;
	c->map[id] = UINT32_MAX;	/* numbered below */
	c->stack[c->n_stack++] = id;
	return 0;
}

static int visit(struct cut *c, uint32_t id)
{
	const struct btf_type *t = btf__type_by_id(c->src, id);
	const struct btf_member *m;
	int i, err = 0;

	switch (btf_kind(t)) {
	case BTF_KIND_TYPEDEF: case BTF_KIND_CONST: case BTF_KIND_VOLATILE:
	case BTF_KIND_RESTRICT: case BTF_KIND_TYPE_TAG:
		return keep(c, t->type);
	case BTF_KIND_ARRAY:
		err = keep(c, btf_array(t)->type);
		return err ?: keep(c, btf_array(t)->index_type);
	case BTF_KIND_STRUCT: case BTF_KIND_UNION:
		m = btf_members(t);
		for (i = 0; i < btf_vlen(t) && !err; i++)
			err = keep(c, m[i].type);
		return err;
	case BTF_KIND_INT: case BTF_KIND_FLOAT: case BTF_KIND_ENUM:
	case BTF_KIND_ENUM64: case BTF_KIND_FWD: case BTF_KIND_PTR:
		return 0;
	}
	return -EINVAL;		/* not reachable but through pointers */
}

/* Every kept type, numbered in the order of the source's ids. */
static int pick(struct cut *c, const struct intern *names)
{
	const struct btf_type *t;
	const char *name;
	uint32_t id;
	int err;

	for (id = 1; id < c->n_src; id++) {
		t = btf__type_by_id(c->src, id);
		if (!named_kind(t))
			continue;
		name = btf__name_by_offset(c->src, t->name_off);
		if (name && btf_is_typedef(t))
			note_tp(c, name, id);
		if (name && *name && intern_find(names, name, strlen(name)) >= 0) {
			err = keep(c, id);
			if (err)
				return err;
		}
	}
	/* each id is stacked once (keep()): at most n_src rounds */
	while (c->n_stack) {
		err = visit(c, c->stack[--c->n_stack]);
		if (err)
			return err;
	}
	for (id = 1; id < c->n_src; id++)
		if (c->map[id])
			c->map[id] = ++c->n_kept;
	return 0;
}

/* One kept type, added as the next id of out: its new id, or -errno. */
static int add(struct cut *c, struct btf *out, uint32_t id)
{
	const struct btf_type *t = btf__type_by_id(c->src, id);
	const char *name = btf__name_by_offset(c->src, t->name_off);
	const struct btf_enum64 *e64;
	const struct btf_member *m;
	const struct btf_enum *e;
	int i, err;

#define NEW(x)	((x) ? c->map[x] : 0)
	switch (btf_kind(t)) {
	case BTF_KIND_INT:
		return btf__add_int(out, name, t->size, btf_int_encoding(t));
	case BTF_KIND_FLOAT:
		return btf__add_float(out, name, t->size);
	case BTF_KIND_PTR:
		return btf__add_ptr(out, 0);
	case BTF_KIND_FWD:
		return btf__add_fwd(out, name, btf_kflag(t) ? BTF_FWD_UNION :
							      BTF_FWD_STRUCT);
	case BTF_KIND_TYPEDEF:
		return btf__add_typedef(out, name, NEW(t->type));
	case BTF_KIND_CONST:
		return btf__add_const(out, NEW(t->type));
	case BTF_KIND_VOLATILE:
		return btf__add_volatile(out, NEW(t->type));
	case BTF_KIND_RESTRICT:
		return btf__add_restrict(out, NEW(t->type));
	case BTF_KIND_TYPE_TAG:
		return btf__add_type_tag(out, name, NEW(t->type));
	case BTF_KIND_ARRAY:
		return btf__add_array(out, NEW(btf_array(t)->index_type),
				      NEW(btf_array(t)->type),
				      btf_array(t)->nelems);
	case BTF_KIND_STRUCT: case BTF_KIND_UNION:
		err = btf_is_struct(t) ? btf__add_struct(out, name, t->size) :
					 btf__add_union(out, name, t->size);
		m = btf_members(t);
		for (i = 0; i < btf_vlen(t) && err > 0; i++)
			if (btf__add_field(out, btf__name_by_offset(c->src,
								    m[i].name_off),
					   NEW(m[i].type),
					   btf_member_bit_offset(t, i),
					   btf_member_bitfield_size(t, i)))
				err = -EINVAL;
		return err;
	case BTF_KIND_ENUM:
		err = btf__add_enum(out, name, t->size);
		e = btf_enum(t);
		for (i = 0; i < btf_vlen(t) && err > 0; i++)
			if (btf__add_enum_value(out, btf__name_by_offset(c->src,
									 e[i].name_off),
						e[i].val))
				err = -EINVAL;
		return err;
	case BTF_KIND_ENUM64:
		err = btf__add_enum64(out, name, t->size, btf_kflag(t));
		e64 = btf_enum64(t);
		for (i = 0; i < btf_vlen(t) && err > 0; i++)
			if (btf__add_enum64_value(out,
						  btf__name_by_offset(c->src,
								      e64[i].name_off),
						  btf_enum64_value(&e64[i])))
				err = -EINVAL;
		return err;
	}
#undef NEW
	return -EINVAL;
}

/* The kept types written out in order, each pointer a `void *`, then
 * the attach points found. */
static struct btf *write_cut(struct cut *c)
{
	struct btf *out = btf__new_empty();
	uint32_t id;
	int i;

	if (!out)
		return NULL;
	for (id = 1; id < c->n_src; id++)
		if (c->map[id] && add(c, out, id) != (int)c->map[id])
			goto fail;
	if (btf__add_enum(out, CORE_BTF_TP_ENUM, sizeof(int)) < 0)
		goto fail;
	for (i = 0; i < c->n_tps; i++)
		if (c->tp_id[i] && c->tp_id[i] <= INT32_MAX &&
		    btf__add_enum_value(out, c->tps[i], c->tp_id[i]))
			goto fail;
	return out;
fail:
	btf__free(out);
	return NULL;
}

/*
 * The cut is kept in CORE_BTF_CACHE (tmpfs, emptied at boot, as the
 * kernel's BTF changes only with the kernel), named for a hash of the
 * object's ELF image and of the kernel's release, version and BTF size: a
 * `record` finds it there instead of reading the kernel's BTF once more
 * (~14 ms, beside libbpf's own read) and opening the object twice.  Used only from a directory and a
 * file root owns that nobody else may write.
 */
#define CORE_BTF_CACHE		"/run/whyslow"
#define CORE_BTF_MAX_BYTES	(64u << 20)

static bool root_only(const struct stat *st)
{
	return st->st_uid == 0 && !(st->st_mode & 022);
}

static int cache_name(const void *elf, size_t len, char *name, size_t size)
{
	struct utsname u;
	struct stat st;
	uint64_t h;

	if (len > UINT32_MAX || uname(&u) ||
	    stat("/sys/kernel/btf/vmlinux", &st))
		return -1;
	h = intern_hash(elf, len);
	h = h * 31 + intern_hash(u.release, strlen(u.release));
	h = h * 31 + intern_hash(u.version, strlen(u.version));
	h = h * 31 + (uint64_t)st.st_size;
	snprintf(name, size, CORE_BTF_CACHE "/core-btf-%016llx",
		 (unsigned long long)h);
	return 0;
}

static bool cache_dir_ok(void)
{
	struct stat st;

	if (mkdir(CORE_BTF_CACHE, 0700) && errno != EEXIST)
		return false;
	return !lstat(CORE_BTF_CACHE, &st) && S_ISDIR(st.st_mode) &&
	       root_only(&st);
}

/* The cached cut, or -1. */
static int cache_open(const char *name)
{
	struct stat st;
	int fd;

	fd = open(name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0)
		return -1;
	if (fstat(fd, &st) || !S_ISREG(st.st_mode) || !root_only(&st) ||
	    st.st_size <= 0 || st.st_size > CORE_BTF_MAX_BYTES) {
		close(fd);
		return -1;
	}
	return fd;
}

/* raw written whole to a new file renamed to name, or nothing. */
static void cache_store(const char *name, const void *raw, uint32_t len)
{
	char tmp[sizeof(CORE_BTF_CACHE) + 32];
	int fd;

	snprintf(tmp, sizeof(tmp), CORE_BTF_CACHE "/.core-btf-XXXXXX");
	fd = mkstemp(tmp);
	if (fd < 0)
		return;
	if (write(fd, raw, len) != (ssize_t)len || close(fd) ||
	    rename(tmp, name))
		unlink(tmp);
}

/* The raw bytes in a memfd (and in the cache): the memfd, or -errno. */
static int to_memfd(const struct btf *b, const char *cache)
{
	uint32_t len;
	const void *raw = btf__raw_data(b, &len);
	int fd;

	if (!raw)
		return -ENOMEM;
	fd = memfd_create("whyslow-core-btf", MFD_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (write(fd, raw, len) != (ssize_t)len) {
		close(fd);
		return -EIO;
	}
	if (*cache)
		cache_store(cache, raw, len);
	return fd;
}

struct btf *core_btf_cut(const struct btf *local, const struct btf *kernel,
			 const char *const *tps)
{
	struct intern names;
	struct cut c = { .src = kernel, .n_src = btf__type_cnt(kernel),
			 .tps = tps };
	struct btf *out = NULL;
	int err = -ENOMEM;

	intern_init(&names);
	while (tps && tps[c.n_tps])
		c.n_tps++;
	if (c.n_src > CORE_BTF_MAX_TYPES || c.n_tps > CORE_BTF_MAX_TPS) {
		err = -E2BIG;
		goto out;
	}
	c.map = calloc(c.n_src, sizeof(*c.map));
	c.stack = calloc(c.n_src, sizeof(*c.stack));
	if (!c.map || !c.stack || local_names(local, &names))
		goto out;
	err = pick(&c, &names);
	if (!err)
		out = write_cut(&c);
	if (out)
		pr_debug("CO-RE target: %u of %u kernel types\n", c.n_kept,
			 c.n_src - 1);
out:
	intern_free(&names);
	free(c.map);
	free(c.stack);
	if (!out)
		errno = err ? -err : EINVAL;
	return out;
}

/* The attach points the cut records, into c->tp (bounded: the cache is
 * root's, but a name or id out of range is not taken). */
static void read_tps(struct core_btf *c, const struct btf *cut)
{
	int id = btf__find_by_name_kind(cut, CORE_BTF_TP_ENUM, BTF_KIND_ENUM);
	const struct btf_type *t = id > 0 ? btf__type_by_id(cut, id) : NULL;
	const struct btf_enum *e;
	const char *name;
	int i;

	c->n_tp = 0;
	if (!t)
		return;
	e = btf_enum(t);
	for (i = 0; i < btf_vlen(t) && c->n_tp < CORE_BTF_MAX_TPS; i++) {
		name = btf__name_by_offset(cut, e[i].name_off);
		if (!name || strlen(name) >= CORE_BTF_TP_NAME || e[i].val <= 0)
			continue;
		strcpy(c->tp[c->n_tp].name, name);
		c->tp[c->n_tp++].id = e[i].val;
	}
}

/* The cut made from the kernel's BTF now: its memfd, or -errno. */
static int cut_now(struct core_btf *c, const struct btf *local,
		   const char *const *tps)
{
	struct btf *vmlinux = btf__load_vmlinux_btf(), *out;
	int fd;

	if (!vmlinux)
		return -errno;
	out = core_btf_cut(local, vmlinux, tps);
	fd = out ? to_memfd(out, c->cache) : -errno;
	if (out)
		read_tps(c, out);
	btf__free(out);
	btf__free(vmlinux);
	return fd;
}

bool core_btf_cached(struct core_btf *c, const void *elf, size_t len)
{
	struct btf *cut;

	c->fd = -1;
	if (cache_name(elf, len, c->cache, sizeof(c->cache)) || !cache_dir_ok())
		c->cache[0] = '\0';
	if (*c->cache)
		c->fd = cache_open(c->cache);
	if (c->fd < 0)
		return false;
	snprintf(c->path, sizeof(c->path), "/proc/self/fd/%d", c->fd);
	cut = btf__parse_raw(c->path);	/* ~136 KB: 0.2 ms */
	if (cut)
		read_tps(c, cut);
	btf__free(cut);
	return true;
}

void core_btf_make(struct core_btf *c, const struct btf *local,
		   const char *const *tps)
{
	c->fd = cut_now(c, local, tps);
	if (c->fd >= 0)
		snprintf(c->path, sizeof(c->path), "/proc/self/fd/%d", c->fd);
}

int core_btf_tp_id(struct core_btf *c, const char *tp)
{
	/* the programs load on two threads (record/bpf.c) */
	static pthread_mutex_t kernel_lock = PTHREAD_MUTEX_INITIALIZER;
	char name[CORE_BTF_TP_NAME + sizeof(TP_PREFIX)];
	int i, id;

	for (i = 0; i < c->n_tp; i++)
		if (!strcmp(c->tp[i].name, tp))
			return c->tp[i].id;
	if (strlen(tp) >= CORE_BTF_TP_NAME)
		return -ENAMETOOLONG;
	snprintf(name, sizeof(name), TP_PREFIX "%s", tp);
	pthread_mutex_lock(&kernel_lock);
	if (!c->kernel)
		c->kernel = btf__load_vmlinux_btf();
	id = c->kernel ? btf__find_by_name_kind(c->kernel, name,
						BTF_KIND_TYPEDEF) : -errno;
	pthread_mutex_unlock(&kernel_lock);
	return id;
}

void core_btf_close(struct core_btf *c, bool refused)
{
	btf__free(c->kernel);
	c->kernel = NULL;
	if (c->fd < 0)
		return;
	close(c->fd);
	c->fd = -1;
	if (refused && *c->cache)
		unlink(c->cache);
}
