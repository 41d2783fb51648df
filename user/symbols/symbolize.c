// SPDX-License-Identifier: GPL-2.0
/*
 * Address → function/file/line.
 *
 * Every input here is untrusted: kallsyms and perf maps are parsed line by
 * line with a fixed line limit, ELF files are read through libelf with every
 * count and offset bounded, and files are read with pread (ELF_C_READ) rather
 * than mmap so that a file truncated under us is an error, not a SIGBUS.
 *
 * Symbol tables are copied out of the ELF file and the file is closed; only
 * files with DWARF keep their Elf handle, and those without a descriptor:
 * libdw reads all debug sections when it opens them.
 *
 * Not thread-safe: one symbolizer per thread.
 */
#include <ctype.h>
#include <dwarf.h>
#include <elfutils/libdw.h>
#include <elfutils/libdwelf.h>
#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <limits.h>
#include <link.h>
#include <pthread.h>
#include <signal.h>
#include <time.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include "symbols/elfcheck.h"
#include "symbols/perfmap.h"
#include "symbols/symbolize.h"
#include "symbols/file.h"
#include "symbols/table.h"

#define KSYM_NAME_LEN		512		/* kernel limit, NUL included */
#define KSYM_MAX_SYMS		(8u << 20)
#define KSYM_MAX_DISTANCE	(1u << 20)	/* beyond any kernel function */
#define TEXT_LINE_MAX		4096		/* kallsyms, perf-map lines */
#define TEXT_MAX_LINES		(64u << 20)
#define ELF_MAX_FILE_SIZE	(4ull << 30)
#define ELF_MAX_SECTIONS	65536
#define ELF_MAX_PHDRS		4096
#define ELF_MAX_SYMS		(16u << 20)
#define DWARF_MAX_UNITS		(1u << 20)
#define DWARF_MAX_RANGES	(4u << 20)
#define SYM_MAX_NESTING		32	/* enclosing symbols looked back at */
#define BUILD_ID_MAX		64
#define VDSO_MAX_SIZE		(1u << 20)
#define ELF_CACHE_BUCKETS	1024
#define PERFMAP_BUCKETS		256
#define NO_MODULE		UINT32_MAX

/* Strings stored back to back; referenced by offset so the buffer can grow. */
struct strbuf {
	char *buf;
	size_t len;
	size_t cap;
};

struct ksym {
	uint64_t addr;		/* first member: see table_count_le() */
	uint32_t name;		/* offset in symbolizer.kstrs */
	uint32_t module;	/* offset in symbolizer.kstrs, or NO_MODULE */
	uint32_t seq;		/* line number, keeps the sort stable */
	uint8_t rank;		/* which alias wins: T, W, t, w */
};

struct elf_sym {
	uint64_t start;
	uint64_t end;		/* start + size; section end when size is 0 */
	const char *name;	/* into elf_file.names */
	bool sized;
	uint8_t rank;		/* which alias wins: global, weak, local */
};

struct load_seg {
	uint64_t offset;
	uint64_t filesz;
	uint64_t vaddr;
};

/*
 * Address ranges of the compile units, built from the CU DIEs because
 * .debug_aranges is optional (clang omits it) and libdw 0.188 needs it
 * for dwarf_addrdie.
 */
struct cu_range {
	uint64_t start;
	uint64_t end;
	Dwarf_Off die;
};

struct elf_file {
	struct elf_file *next;	/* hash chain */
	uint64_t dev;
	uint64_t ino;
	char *path;
	int err;		/* loading failed: cached, not retried */
	struct load_seg *segs;
	size_t n_segs;
	struct elf_sym *syms;	/* sorted by start, one per address */
	size_t n_syms;
	char *names;		/* copy of the symbols' string table */
	char *image;		/* in-memory image (vDSO) the Elf reads from */
	Elf *dwarf_elf;
	Dwarf *dwarf;		/* owns the file/line strings we return */
	char *dwarf_path;	/* DWARF not read yet: in this file */
	struct cu_range *cus;
	size_t n_cus;
	char *build_id;		/* hex GNU build-id, NULL when none */
	uint64_t entry;		/* e_entry, 0 none */
	Elf *cfi_elf;		/* read into memory for its .eh_frame */
	Dwarf_CFI *cfi;		/* NULL: none, or not tried (cfi_tried) */
	bool cfi_tried;
	bool syms_refused;	/* string table not NUL-terminated */
	bool dwarf_refused;	/* elfcheck_dwarf() said no */
	bool syms_counted;	/* ... in symbolizer.symbols_refused */
	bool dwarf_counted;	/* ... in symbolizer.dwarf_refused */
};

struct symbolizer {
	char *kallsyms_path;
	char *debug_dir;
	char *perfmap_dir;

	const volatile sig_atomic_t *cancel;	/* set: lookups give up */
	bool kernel_loaded;
	bool kernel_preloading;		/* kernel_thread owns the kernel_* */
	pthread_t kernel_thread;
	int kernel_err;
	bool kernel_hidden;
	struct ksym *ksyms;
	size_t n_ksyms;
	struct strbuf kstrs;

	struct elf_file *elf_cache[ELF_CACHE_BUCKETS];
	struct elf_file *vdso;	/* NULL until first use */
	struct perfmap *perfmaps[PERFMAP_BUCKETS];
	struct perfmap_stats perfmap_stats;
	uint64_t dwarf_refused;
	uint64_t symbols_refused;
};

/* An open ELF file; fd is -1 for in-memory images. */
struct elf_handle {
	int fd;
	Elf *elf;
	char *path;	/* as opened, for reading its DWARF later */
};

static int strbuf_add(struct strbuf *b, const char *s, size_t n, uint32_t *off)
{
	size_t cap;
	char *buf;

	if (n >= UINT32_MAX - b->len)
		return -E2BIG;
	if (b->len + n + 1 > b->cap) {
		cap = b->cap ? b->cap : 4096;
		while (cap < b->len + n + 1)
			cap *= 2;
		buf = realloc(b->buf, cap);
		if (!buf)
			return -ENOMEM;
		b->buf = buf;
		b->cap = cap;
	}
	memcpy(b->buf + b->len, s, n);
	b->buf[b->len + n] = '\0';
	*off = b->len;
	b->len += n + 1;
	return 0;
}

/* ---- kernel ------------------------------------------------------------ */

struct kallsyms_line {
	uint64_t addr;
	char type;
	const char *name;
	size_t name_len;
	const char *module;	/* NULL for the core kernel */
	size_t module_len;
};

/* "ffffffff81000000 T name" or "ffffffffc0001000 t name\t[module]" */
static bool kallsyms_parse(const char *line, struct kallsyms_line *l)
{
	const char *p;
	char *end;

	if (!isxdigit((unsigned char)line[0]))
		return false;
	errno = 0;
	l->addr = strtoull(line, &end, 16);
	if (errno || end[0] != ' ' || !end[1] || end[2] != ' ')
		return false;
	l->type = end[1];
	p = end + 3;
	l->name = p;
	l->name_len = strcspn(p, " \t");
	if (!l->name_len || l->name_len >= KSYM_NAME_LEN)
		return false;
	p += l->name_len;
	p += strspn(p, " \t");
	l->module = NULL;
	l->module_len = 0;
	if (!*p)
		return true;
	if (*p != '[')
		return false;
	l->module = p + 1;
	l->module_len = strcspn(l->module, "]");
	return l->module_len && l->module_len < KSYM_NAME_LEN &&
	       l->module[l->module_len] == ']';
}

/* Text symbols only; lower rank wins when several share an address. */
static int ksym_rank(char type)
{
	switch (type) {
	case 'T': return 0;
	case 'W': return 1;
	case 't': return 2;
	case 'w': return 3;
	default: return -1;
	}
}

static int ksym_cmp(const void *a, const void *b)
{
	const struct ksym *x = a, *y = b;

	if (x->addr != y->addr)
		return x->addr < y->addr ? -1 : 1;
	if (x->rank != y->rank)
		return x->rank < y->rank ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

static int kernel_add(struct symbolizer *s, const struct kallsyms_line *l,
		      uint32_t seq, size_t *cap, uint32_t *last_module)
{
	struct ksym *k;
	int err;

	err = table_grow((void **)&s->ksyms, cap, s->n_ksyms, sizeof(*s->ksyms));
	if (err)
		return err;
	k = &s->ksyms[s->n_ksyms];
	k->addr = l->addr;
	k->rank = ksym_rank(l->type);
	k->seq = seq;
	k->module = NO_MODULE;
	err = strbuf_add(&s->kstrs, l->name, l->name_len, &k->name);
	if (err)
		return err;
	if (l->module) {
		/* A module's symbols are contiguous: reuse its name. */
		const char *last = s->kstrs.buf + *last_module;

		if (*last_module == NO_MODULE ||
		    strncmp(last, l->module, l->module_len) ||
		    last[l->module_len]) {
			err = strbuf_add(&s->kstrs, l->module, l->module_len,
					 last_module);
			if (err)
				return err;
		}
		k->module = *last_module;
	}
	s->n_ksyms++;
	return 0;
}

static int kernel_read(struct symbolizer *s, FILE *fp)
{
	uint32_t last_module = NO_MODULE;
	uint64_t seen = 0, nonzero = 0;
	struct kallsyms_line l;
	char line[TEXT_LINE_MAX];
	size_t cap = 0;
	uint32_t seq;
	ssize_t len;
	int err;

	for (seq = 0; seq < TEXT_MAX_LINES; seq++) {
		len = symfile_read_line(fp, line, sizeof(line));
		if (len == -1)
			break;
		if (len < 0 || !kallsyms_parse(line, &l))
			continue;
		seen++;
		nonzero += l.addr != 0;
		if (ksym_rank(l.type) < 0 || s->n_ksyms >= KSYM_MAX_SYMS)
			continue;
		err = kernel_add(s, &l, seq, &cap, &last_module);
		if (err)
			return err;
	}
	if (ferror(fp))
		return -EIO;
	s->kernel_hidden = seen && !nonzero;
	return 0;
}

/* Sorts by address and keeps one symbol per address. */
static void kernel_sort(struct symbolizer *s)
{
	size_t i, n = 0;

	table_sort(s->ksyms, s->n_ksyms, sizeof(*s->ksyms), ksym_cmp);
	for (i = 0; i < s->n_ksyms; i++) {
		if (n && s->ksyms[n - 1].addr == s->ksyms[i].addr)
			continue;
		s->ksyms[n++] = s->ksyms[i];
	}
	s->n_ksyms = n;
}

static void kernel_drop(struct symbolizer *s)
{
	free(s->ksyms);
	free(s->kstrs.buf);
	s->ksyms = NULL;
	s->n_ksyms = 0;
	memset(&s->kstrs, 0, sizeof(s->kstrs));
}

/* Reads kallsyms once; runs in the preload thread or the caller's. */
static int kernel_read_once(struct symbolizer *s)
{
	FILE *fp;
	int err;

	if (s->kernel_loaded)
		return s->kernel_err;
	s->kernel_loaded = true;
	fp = symfile_fopen(s->kallsyms_path, 0, &err);
	if (!fp) {
		s->kernel_err = err;
		return err;
	}
	err = kernel_read(s, fp);
	fclose(fp);
	if (err || s->kernel_hidden)
		kernel_drop(s);
	else
		kernel_sort(s);
	s->kernel_err = err;
	return err;
}

static bool cancelled(const struct symbolizer *s)
{
	return s->cancel && *s->cancel;
}

/* Waits for the preload thread, but not past a cancel (Ctrl-C). */
static int kernel_load(struct symbolizer *s)
{
	const struct timespec tick = { .tv_nsec = 2000000 };

	while (s->kernel_preloading) {
		if (!pthread_tryjoin_np(s->kernel_thread, NULL))
			s->kernel_preloading = false;
		else if (cancelled(s))
			return -EINTR;
		else
			nanosleep(&tick, NULL);
	}
	return kernel_read_once(s);
}

/*
 * At normal priority: at SCHED_IDLE two busy loops on two CPUs starved it
 * for half a minute, and the end of the recording waits for it.
 */
static void *kernel_preload_thread(void *arg)
{
	kernel_read_once(arg);
	return NULL;
}

int symbolizer_preload_kernel(struct symbolizer *s)
{
	int err;

	if (!s || s->kernel_loaded || s->kernel_preloading)
		return 0;
	err = pthread_create(&s->kernel_thread, NULL, kernel_preload_thread, s);
	if (err)
		return -err;
	s->kernel_preloading = true;
	return 0;
}

int symbolize_kernel(struct symbolizer *s, uint64_t addr,
		     struct sym_result *out)
{
	const struct ksym *k;
	size_t n;
	int err;

	if (!s || !out)
		return -EINVAL;
	memset(out, 0, sizeof(*out));
	if (cancelled(s))
		return -EINTR;
	err = kernel_load(s);
	if (err)
		return err;
	n = table_count_le(s->ksyms, s->n_ksyms, sizeof(*s->ksyms), addr);
	if (!n)
		return -ENOENT;
	k = &s->ksyms[n - 1];
	/*
	 * kallsyms has no sizes: the next symbol ends this one, and the
	 * distance bound keeps an address past the last symbol of the kernel
	 * or of a module from landing on an unrelated function.
	 */
	if (addr - k->addr >= KSYM_MAX_DISTANCE)
		return -ENOENT;
	out->name = s->kstrs.buf + k->name;
	out->offset = addr - k->addr;
	if (k->module != NO_MODULE)
		out->module = s->kstrs.buf + k->module;
	return 0;
}

bool symbolizer_kernel_hidden(struct symbolizer *s)
{
	if (!s)
		return false;
	kernel_load(s);
	return s->kernel_hidden;
}

/* ---- ELF files --------------------------------------------------------- */

static void elf_handle_close(struct elf_handle *h)
{
	if (h->elf)
		elf_end(h->elf);
	if (h->fd >= 0)
		close(h->fd);
	free(h->path);
	h->elf = NULL;
	h->fd = -1;
	h->path = NULL;
}

static int elf_open(const char *path, struct elf_handle *h, struct stat *st)
{
	int err;

	h->elf = NULL;
	h->path = NULL;
	h->fd = symfile_open(path, 0, st);
	if (h->fd < 0)
		return h->fd;
	h->path = strdup(path);
	if (!h->path) {
		err = -ENOMEM;
		goto fail;
	}
	if ((uint64_t)st->st_size > ELF_MAX_FILE_SIZE) {
		err = -EFBIG;
		goto fail;
	}
	h->elf = elf_begin(h->fd, ELF_C_READ, NULL);
	if (!h->elf || elf_kind(h->elf) != ELF_K_ELF) {
		err = -ENOEXEC;
		goto fail;
	}
	return 0;
fail:
	elf_handle_close(h);
	return err;
}

/* The first section of the given type, or (type SHT_NULL) with that name. */
static Elf_Scn *elf_find_section(Elf *elf, Elf64_Word type, const char *name,
				 GElf_Shdr *sh)
{
	size_t n, shstrndx, i;
	const char *sname;
	Elf_Scn *scn;

	if (elf_getshdrnum(elf, &n) || n > ELF_MAX_SECTIONS)
		return NULL;
	if (name && elf_getshdrstrndx(elf, &shstrndx))
		return NULL;
	for (i = 1; i < n; i++) {
		scn = elf_getscn(elf, i);
		if (!scn || !gelf_getshdr(scn, sh))
			continue;
		if (type != SHT_NULL && sh->sh_type != type)
			continue;
		if (name) {
			sname = elf_strptr(elf, shstrndx, sh->sh_name);
			if (!sname || strcmp(sname, name))
				continue;
		}
		return scn;
	}
	return NULL;
}

static bool elf_has_symtab(Elf *elf)
{
	GElf_Shdr sh;

	return elf_find_section(elf, SHT_SYMTAB, NULL, &sh) &&
	       sh.sh_size > 0;
}

static bool elf_has_dwarf(Elf *elf)
{
	GElf_Shdr sh;

	return elf_find_section(elf, SHT_NULL, ".debug_info", &sh) &&
	       sh.sh_type != SHT_NOBITS && sh.sh_size > 0;
}

static int elf_load_segments(Elf *elf, struct elf_file *f)
{
	size_t n, i;
	GElf_Phdr ph;

	if (elf_getphdrnum(elf, &n) || !n || n > ELF_MAX_PHDRS)
		return -ENOEXEC;
	f->segs = calloc(n, sizeof(*f->segs));
	if (!f->segs)
		return -ENOMEM;
	for (i = 0; i < n; i++) {
		if (!gelf_getphdr(elf, i, &ph) || ph.p_type != PT_LOAD ||
		    !ph.p_filesz || ph.p_offset + ph.p_filesz < ph.p_offset)
			continue;
		f->segs[f->n_segs++] = (struct load_seg){
			.offset = ph.p_offset,
			.filesz = ph.p_filesz,
			.vaddr = ph.p_vaddr,
		};
	}
	return f->n_segs ? 0 : -ENOEXEC;
}

static bool elf_offset_to_vaddr(const struct elf_file *f, uint64_t off,
				uint64_t *vaddr)
{
	const struct load_seg *seg;
	size_t i;

	for (i = 0; i < f->n_segs; i++) {
		seg = &f->segs[i];
		if (off >= seg->offset && off - seg->offset < seg->filesz) {
			*vaddr = seg->vaddr + (off - seg->offset);
			return true;
		}
	}
	return false;
}

/* A size-0 function covers at most the rest of its section. */
static bool elf_section_end(Elf *elf, size_t shndx, uint64_t *end)
{
	GElf_Shdr sh;
	Elf_Scn *scn;

	if (shndx == SHN_UNDEF || shndx >= SHN_LORESERVE)
		return false;
	scn = elf_getscn(elf, shndx);
	if (!scn || !gelf_getshdr(scn, &sh) ||
	    sh.sh_addr + sh.sh_size < sh.sh_addr)
		return false;
	*end = sh.sh_addr + sh.sh_size;
	return true;
}

static bool elf_sym_convert(Elf *elf, const GElf_Sym *sym, size_t strndx,
			    size_t strsize, struct elf_sym *out)
{
	int type = GELF_ST_TYPE(sym->st_info);
	int bind = GELF_ST_BIND(sym->st_info);

	if ((type != STT_FUNC && type != STT_GNU_IFUNC) ||
	    sym->st_shndx == SHN_UNDEF || !sym->st_name ||
	    sym->st_name >= strsize || !elf_strptr(elf, strndx, sym->st_name))
		return false;
	out->start = sym->st_value;
	out->sized = sym->st_size > 0;
	out->rank = bind == STB_GLOBAL ? 0 : bind == STB_WEAK ? 1 : 2;
	if (out->sized) {
		out->end = sym->st_value + sym->st_size;
		return out->end > out->start;
	}
	return elf_section_end(elf, sym->st_shndx, &out->end) &&
	       out->end > out->start;
}

/*
 * "clock_nanosleep@@GLIBC_2.17" is clock_nanosleep to a reader.  Cutting
 * in place is safe: strtab strings that share these bytes are suffixes of
 * this name, and those that include the '@' want the same cut.
 */
static void strip_symbol_version(char *name)
{
	char *at = strchr(name, '@');

	if (at && at != name)
		*at = '\0';
}

/*
 * Among aliases, the name a user would call: printf over _IO_printf,
 * malloc over __libc_malloc.
 */
static int alias_name_cmp(const char *x, const char *y)
{
	size_t ux = strspn(x, "_"), uy = strspn(y, "_");
	size_t lx, ly;

	if (ux != uy)
		return ux < uy ? -1 : 1;
	lx = strlen(x);
	ly = strlen(y);
	if (lx != ly)
		return lx < ly ? -1 : 1;
	return strcmp(x, y);
}

static int elf_sym_cmp(const void *a, const void *b)
{
	const struct elf_sym *x = a, *y = b;

	if (x->start != y->start)
		return x->start < y->start ? -1 : 1;
	if (x->sized != y->sized)
		return x->sized ? -1 : 1;
	if (x->rank != y->rank)
		return x->rank < y->rank ? -1 : 1;
	if (x->end != y->end)
		return x->end > y->end ? -1 : 1;
	return alias_name_cmp(x->name, y->name);
}

/* Sorts by address and keeps the preferred alias at each address. */
static void elf_syms_sort(struct elf_file *f)
{
	struct elf_sym *shrunk;
	size_t i, n = 0;

	table_sort(f->syms, f->n_syms, sizeof(*f->syms), elf_sym_cmp);
	for (i = 0; i < f->n_syms; i++) {
		if (n && f->syms[n - 1].start == f->syms[i].start)
			continue;
		f->syms[n++] = f->syms[i];
	}
	f->n_syms = n;
	if (!n) {
		free(f->syms);
		free(f->names);
		f->syms = NULL;
		f->names = NULL;
		return;
	}
	shrunk = reallocarray(f->syms, n, sizeof(*f->syms));
	if (shrunk)
		f->syms = shrunk;
}

/* Copies the function symbols of the first section of type (symtab/dynsym). */
static int elf_load_symbols(Elf *elf, Elf64_Word type, struct elf_file *f)
{
	Elf_Data *data, *strdata;
	GElf_Shdr sh, strsh;
	Elf_Scn *scn, *strscn;
	size_t n, i, entsize;
	GElf_Sym sym;

	scn = elf_find_section(elf, type, NULL, &sh);
	if (!scn)
		return 0;
	strscn = elf_getscn(elf, sh.sh_link);
	if (!strscn || !gelf_getshdr(strscn, &strsh) ||
	    strsh.sh_type != SHT_STRTAB)
		return 0;
	data = elf_getdata(scn, NULL);
	strdata = elf_getdata(strscn, NULL);
	entsize = gelf_fsize(elf, ELF_T_SYM, 1, EV_CURRENT);
	if (!data || !data->d_buf || !strdata || !strdata->d_buf ||
	    !strdata->d_size || !entsize)
		return 0;
	if (!elfcheck_strtab_ok(strdata)) {
		f->syms_refused = true;
		return 0;
	}
	/* Entry 0 is the undefined symbol. */
	n = data->d_size / entsize;
	if (n < 2)
		return 0;
	if (n > ELF_MAX_SYMS)
		n = ELF_MAX_SYMS;

	/* A NUL past the end terminates every name, whatever the file says. */
	f->names = malloc(strdata->d_size + 1);
	f->syms = calloc(n, sizeof(*f->syms));
	if (!f->names || !f->syms)
		return -ENOMEM;
	memcpy(f->names, strdata->d_buf, strdata->d_size);
	f->names[strdata->d_size] = '\0';

	for (i = 1; i < n; i++) {
		struct elf_sym *out = &f->syms[f->n_syms];

		if (!gelf_getsym(data, i, &sym) ||
		    !elf_sym_convert(elf, &sym, sh.sh_link, strdata->d_size,
				     out))
			continue;
		out->name = f->names + sym.st_name;
		strip_symbol_version(f->names + sym.st_name);
		f->n_syms++;
	}
	elf_syms_sort(f);
	return 0;
}

/*
 * The covering sized symbol nearest below vaddr wins; a size-0 symbol only
 * when no sized one covers vaddr.
 */
static const struct elf_sym *elf_sym_find(const struct elf_file *f,
					  uint64_t vaddr)
{
	const struct elf_sym *sym;
	size_t n, i;

	n = table_count_le(f->syms, f->n_syms, sizeof(*f->syms), vaddr);
	for (i = 1; i <= n && i <= SYM_MAX_NESTING; i++) {
		sym = &f->syms[n - i];
		if (sym->sized && vaddr < sym->end)
			return sym;
	}
	if (n && !f->syms[n - 1].sized && vaddr < f->syms[n - 1].end)
		return &f->syms[n - 1];
	return NULL;
}

static int cu_range_cmp(const void *a, const void *b)
{
	const struct cu_range *x = a, *y = b;

	if (x->start != y->start)
		return x->start < y->start ? -1 : 1;
	return (x->end > y->end) - (x->end < y->end);
}

static int cu_ranges_add(struct elf_file *f, Dwarf_Die *cudie, size_t *cap)
{
	Dwarf_Addr base, start, end;
	ptrdiff_t off = 0;
	size_t i;
	int err;

	for (i = 0; i < DWARF_MAX_RANGES && f->n_cus < DWARF_MAX_RANGES; i++) {
		off = dwarf_ranges(cudie, off, &base, &start, &end);
		if (off <= 0)
			break;
		/* Start 0: code the linker discarded. */
		if (!start || end <= start)
			continue;
		err = table_grow((void **)&f->cus, cap, f->n_cus, sizeof(*f->cus));
		if (err)
			return err;
		f->cus[f->n_cus++] = (struct cu_range){
			.start = start,
			.end = end,
			.die = dwarf_dieoffset(cudie),
		};
	}
	return 0;
}

static int cu_ranges_load(Dwarf *dw, struct elf_file *f)
{
	Dwarf_CU *cu = NULL;
	Dwarf_Die cudie, subdie;
	Dwarf_Half version;
	uint8_t unit_type;
	size_t cap = 0, units;
	int err;

	for (units = 0; units < DWARF_MAX_UNITS; units++) {
		if (dwarf_get_units(dw, cu, &cu, &version, &unit_type,
				    &cudie, &subdie))
			break;
		if (unit_type != DW_UT_compile && unit_type != DW_UT_skeleton)
			continue;
		err = cu_ranges_add(f, &cudie, &cap);
		if (err)
			return err;
	}
	table_sort(f->cus, f->n_cus, sizeof(*f->cus), cu_range_cmp);
	return 0;
}

/*
 * Keeps the Elf for libdw, which has read every debug section by now, and
 * closes its descriptor so cached files do not hold descriptors.
 */
static int elf_file_open_dwarf(struct elf_file *f, struct elf_handle *h)
{
	Dwarf *dw;
	int err;

	if (elfcheck_dwarf(h->elf)) {
		f->dwarf_refused = true;
		return 0;
	}
	dw = dwarf_begin_elf(h->elf, DWARF_C_READ, NULL);
	if (!dw)
		return 0;
	err = cu_ranges_load(dw, f);
	if (err || !f->n_cus) {
		dwarf_end(dw);
		free(f->cus);
		f->cus = NULL;
		f->n_cus = 0;
		return err;
	}
	f->dwarf = dw;
	f->dwarf_elf = h->elf;
	h->elf = NULL;
	if (h->fd >= 0) {
		elf_cntl(f->dwarf_elf, ELF_C_FDDONE);
		close(h->fd);
		h->fd = -1;
	}
	return 0;
}

/* In-memory images (the vDSO) have no path: their DWARF is read now. */
static int elf_file_defer_dwarf(struct elf_file *f, struct elf_handle *h)
{
	if (!h->path)
		return elf_file_open_dwarf(f, h);
	f->dwarf_path = strdup(h->path);
	return f->dwarf_path ? 0 : -ENOMEM;
}

/* Opens the DWARF noted at load, once; a failure only means no lines. */
static void elf_file_load_dwarf(struct elf_file *f)
{
	struct elf_handle h = { .fd = -1 };
	struct stat st;

	if (!f->dwarf_path)
		return;
	if (!elf_open(f->dwarf_path, &h, &st))
		elf_file_open_dwarf(f, &h);
	elf_handle_close(&h);
	free(f->dwarf_path);
	f->dwarf_path = NULL;
}

static void elf_file_lines(const struct elf_file *f, uint64_t vaddr,
			   struct sym_result *out)
{
	const struct cu_range *r = NULL;
	Dwarf_Line *line;
	Dwarf_Die cudie;
	const char *src;
	size_t n, i;
	int lineno;

	n = table_count_le(f->cus, f->n_cus, sizeof(*f->cus), vaddr);
	for (i = 1; i <= n && i <= SYM_MAX_NESTING && !r; i++)
		if (vaddr < f->cus[n - i].end)
			r = &f->cus[n - i];
	if (!r || !dwarf_offdie(f->dwarf, r->die, &cudie))
		return;
	line = dwarf_getsrc_die(&cudie, vaddr);
	if (!line || dwarf_lineno(line, &lineno) || lineno <= 0)
		return;
	src = dwarf_linesrc(line, NULL, NULL);
	if (!src)
		return;
	out->file = src;
	out->line = lineno;
}

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

static int debug_by_build_id(const struct symbolizer *s, Elf *elf,
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
	if (elf_open(path, dbg, &st))
		return -ENOENT;
	if (!same_build_id(elf, dbg->elf)) {
		elf_handle_close(dbg);
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
	if (elf_open(path, dbg, &st))
		return -ENOENT;
	if ((link->bin_st->st_dev == st.st_dev &&
	     link->bin_st->st_ino == st.st_ino) ||
	    file_crc32(dbg->fd, &file_crc) || file_crc != link->crc) {
		elf_handle_close(dbg);
		return -ENOENT;
	}
	return 0;
}

/* .gnu_debuglink: next to the binary, in .debug/, or under debug_dir. */
static int debug_by_link(const struct symbolizer *s, Elf *elf, const char *path,
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

#define BUILD_ID_MAX	64	/* bytes; GNU ld writes 20 */

static int elf_read_build_id(Elf *elf, struct elf_file *f)
{
	const unsigned char *id;
	ssize_t len = dwelf_elf_gnu_build_id(elf, (const void **)&id), i;

	if (len <= 0 || len > BUILD_ID_MAX)
		return 0;
	f->build_id = malloc(2 * len + 1);
	if (!f->build_id)
		return -ENOMEM;
	for (i = 0; i < len; i++)
		sprintf(f->build_id + 2 * i, "%02x", id[i]);
	return 0;
}

/*
 * Symbols from .symtab, else the debug file's .symtab, else .dynsym; lines
 * from whichever of the binary and the debug file has DWARF.  path and
 * bin_st are NULL for in-memory images (no debuglink lookup).
 */
static int elf_file_load_image(const struct symbolizer *s, struct elf_file *f,
			       struct elf_handle *bin, const char *path,
			       const struct stat *bin_st)
{
	struct elf_handle dbg = { .fd = -1 };
	bool bin_symtab, bin_dwarf;
	GElf_Ehdr eh;
	int err;

	err = elf_load_segments(bin->elf, f);
	if (err)
		return err;
	err = elf_read_build_id(bin->elf, f);
	if (err)
		return err;
	f->entry = gelf_getehdr(bin->elf, &eh) ? eh.e_entry : 0;
	bin_symtab = elf_has_symtab(bin->elf);
	bin_dwarf = elf_has_dwarf(bin->elf);
	if (!bin_symtab || !bin_dwarf) {
		if (debug_by_build_id(s, bin->elf, &dbg) && path)
			debug_by_link(s, bin->elf, path, bin_st, &dbg);
	}

	if (bin_symtab)
		err = elf_load_symbols(bin->elf, SHT_SYMTAB, f);
	else if (dbg.elf && elf_has_symtab(dbg.elf))
		err = elf_load_symbols(dbg.elf, SHT_SYMTAB, f);
	else
		err = elf_load_symbols(bin->elf, SHT_DYNSYM, f);
	if (err)
		goto out;

	/* DWARF is read on the first line asked for: most frames of system
	 * libraries never need it, and it can be large and compressed. */
	if (bin_dwarf)
		err = elf_file_defer_dwarf(f, bin);
	else if (dbg.elf && elf_has_dwarf(dbg.elf))
		err = elf_file_defer_dwarf(f, &dbg);
out:
	elf_handle_close(&dbg);
	return err;
}

/* Frees what a load produced; path and identity stay for the cache. */
static void elf_file_clear(struct elf_file *f)
{
	/* dwarf_getcfi_elf's CFI is the caller's to free, before its Elf */
	if (f->cfi)
		dwarf_cfi_end(f->cfi);
	if (f->cfi_elf)
		elf_end(f->cfi_elf);
	f->cfi_elf = NULL;
	f->cfi = NULL;
	f->cfi_tried = false;
	if (f->dwarf)
		dwarf_end(f->dwarf);
	if (f->dwarf_elf)
		elf_end(f->dwarf_elf);
	free(f->cus);
	free(f->segs);
	free(f->syms);
	free(f->names);
	free(f->image);
	free(f->dwarf_path);
	free(f->build_id);
	f->build_id = NULL;
	f->dwarf_path = NULL;
	f->dwarf = NULL;
	f->dwarf_elf = NULL;
	f->cus = NULL;
	f->segs = NULL;
	f->syms = NULL;
	f->names = NULL;
	f->image = NULL;
	f->n_cus = f->n_segs = f->n_syms = 0;
}

static void elf_file_free(struct elf_file *f)
{
	elf_file_clear(f);
	free(f->path);
	free(f);
}

static int elf_file_load(const struct symbolizer *s, struct elf_file *f)
{
	struct elf_handle bin;
	struct stat st;
	int err;

	err = elf_open(f->path, &bin, &st);
	if (err)
		return err;
	/*
	 * fstat of what we opened: no window for the file to be swapped.
	 * Only the inode is compared: the device the kernel reports for a
	 * mapping (the superblock's) differs from st_dev on btrfs
	 * subvolumes and overlayfs, and the path already names the file.
	 */
	if (f->ino && (uint64_t)st.st_ino != f->ino)
		err = -ESTALE;
	else
		err = elf_file_load_image(s, f, &bin, f->path, &st);
	elf_handle_close(&bin);
	if (err)
		elf_file_clear(f);
	return err;
}

static size_t elf_cache_bucket(const char *path, uint64_t dev, uint64_t ino)
{
	uint64_t h = 1469598103934665603ull;	/* FNV-1a */

	if (dev || ino)
		return ((dev * 31 + ino) * 0x9e3779b97f4a7c15ull >> 32) %
		       ELF_CACHE_BUCKETS;
	for (; *path; path++)
		h = (h ^ (unsigned char)*path) * 1099511628211ull;
	return h % ELF_CACHE_BUCKETS;
}

static bool elf_file_matches(const struct elf_file *f, const char *path,
			     uint64_t dev, uint64_t ino)
{
	if (f->dev != dev || f->ino != ino)
		return false;
	/*
	 * A loaded (dev, ino) is the same file under any path; a failure, or
	 * a file known only by path, says nothing about other paths.
	 */
	if (!(dev || ino) || f->err)
		return !strcmp(f->path, path);
	return true;
}

static int elf_cache_get(struct symbolizer *s, const char *path, uint64_t dev,
			 uint64_t ino, struct elf_file **out)
{
	size_t b = elf_cache_bucket(path, dev, ino);
	struct elf_file *f;

	for (f = s->elf_cache[b]; f; f = f->next) {
		if (elf_file_matches(f, path, dev, ino)) {
			*out = f;
			return 0;
		}
	}
	f = calloc(1, sizeof(*f));
	if (!f)
		return -ENOMEM;
	f->path = strdup(path);
	if (!f->path) {
		free(f);
		return -ENOMEM;
	}
	f->dev = dev;
	f->ino = ino;
	f->err = elf_file_load(s, f);
	/* Out of memory is transient, not the file's fault: do not cache. */
	if (f->err == -ENOMEM) {
		elf_file_free(f);
		return -ENOMEM;
	}
	f->next = s->elf_cache[b];
	s->elf_cache[b] = f;
	*out = f;
	return 0;
}

/* Each refused file once, whichever lookup found it out. */
static void elf_file_count(struct symbolizer *s, struct elf_file *f)
{
	if (f->syms_refused && !f->syms_counted) {
		f->syms_counted = true;
		s->symbols_refused++;
	}
	if (f->dwarf_refused && !f->dwarf_counted) {
		f->dwarf_counted = true;
		s->dwarf_refused++;
	}
}

static int elf_file_symbolize(struct elf_file *f, uint64_t file_offset,
			      bool want_line, struct sym_result *out)
{
	const struct elf_sym *sym;
	uint64_t vaddr;

	if (f->err)
		return f->err;
	if (!elf_offset_to_vaddr(f, file_offset, &vaddr))
		return -ENOENT;
	sym = elf_sym_find(f, vaddr);
	if (!sym)
		return -ENOENT;
	out->name = sym->name;
	out->offset = vaddr - sym->start;
	out->build_id = f->build_id;
	if (want_line)
		elf_file_load_dwarf(f);
	if (want_line && f->dwarf)
		elf_file_lines(f, vaddr, out);
	return 0;
}

int symbolize_elf(struct symbolizer *s, const char *path, uint64_t dev,
		  uint64_t ino, uint64_t file_offset, bool want_line,
		  struct sym_result *out)
{
	struct elf_file *f;
	int err;

	if (!s || !path || !*path || !out)
		return -EINVAL;
	memset(out, 0, sizeof(*out));
	if (cancelled(s))
		return -EINTR;
	err = elf_cache_get(s, path, dev, ino, &f);
	if (err)
		return err;
	err = elf_file_symbolize(f, file_offset, want_line, out);
	elf_file_count(s, f);
	return err;
}

int symbolize_elf_entry(struct symbolizer *s, const char *path, uint64_t dev,
			uint64_t ino, uint64_t *file_offset)
{
	const struct load_seg *seg;
	struct elf_file *f;
	size_t i;
	int err;

	if (!s || !path || !*path)
		return -EINVAL;
	err = elf_cache_get(s, path, dev, ino, &f);
	if (err || f->err)
		return err ? err : f->err;
	for (i = 0; f->entry && i < f->n_segs; i++) {
		seg = &f->segs[i];
		if (f->entry >= seg->vaddr && f->entry - seg->vaddr < seg->filesz) {
			*file_offset = seg->offset + (f->entry - seg->vaddr);
			return 0;
		}
	}
	return -ENOENT;
}

/*
 * The file's call frame information (.eh_frame, else .debug_frame), read
 * once: the Elf is loaded into memory and its descriptor closed.
 */
static Dwarf_CFI *elf_file_cfi(struct elf_file *f)
{
	struct elf_handle h = { .fd = -1 };
	struct stat st;

	if (f->cfi_tried)
		return f->cfi;
	f->cfi_tried = true;
	if (elf_open(f->path, &h, &st))
		return NULL;
	if (f->ino && (uint64_t)st.st_ino != f->ino)
		goto out;
	/* first: sections read before it would leak (libelf 0.188) */
	if (elf_cntl(h.elf, ELF_C_FDREAD))
		goto out;
	/* .debug_frame, the fallback, may be compressed: same caps */
	if (elfcheck_dwarf(h.elf)) {
		f->dwarf_refused = true;
		goto out;
	}
	f->cfi = dwarf_getcfi_elf(h.elf);
	if (f->cfi) {
		f->cfi_elf = h.elf;
		h.elf = NULL;
	}
out:
	elf_handle_close(&h);
	return f->cfi;
}

int symbolize_cfi_frame(struct symbolizer *s, const char *path, uint64_t dev,
			uint64_t ino, uint64_t file_offset, Dwarf_Frame **frame)
{
	struct elf_file *f;
	Dwarf_CFI *cfi;
	uint64_t vaddr;
	int err;

	*frame = NULL;
	if (!s || !path || !*path)
		return -EINVAL;
	if (cancelled(s))
		return -EINTR;
	err = elf_cache_get(s, path, dev, ino, &f);
	if (err)
		return err;
	if (f->err)
		return f->err;
	if (!elf_offset_to_vaddr(f, file_offset, &vaddr))
		return -ENOENT;
	cfi = elf_file_cfi(f);
	elf_file_count(s, f);
	if (!cfi || dwarf_cfi_addrframe(cfi, vaddr, frame)) {
		*frame = NULL;
		return -ENOENT;
	}
	return 0;
}

/* ---- vDSO -------------------------------------------------------------- */

/*
 * The image's size from its own headers: the end of the furthest PT_LOAD or
 * of the section header table.  The program headers must lie in the first
 * page, which is mapped whenever the image is.
 */
static size_t vdso_image_size(const unsigned char *base)
{
	const ElfW(Ehdr) *eh = (const void *)base;
	uint64_t page = getpagesize();
	const ElfW(Phdr) *ph;
	uint64_t size, end;
	size_t i;

	if (memcmp(eh->e_ident, ELFMAG, SELFMAG) ||
	    eh->e_phentsize != sizeof(*ph) || eh->e_phoff > page ||
	    (uint64_t)eh->e_phnum * sizeof(*ph) > page - eh->e_phoff ||
	    eh->e_shoff > VDSO_MAX_SIZE)
		return 0;
	size = (uint64_t)eh->e_shoff + (uint64_t)eh->e_shnum * eh->e_shentsize;
	ph = (const void *)(base + eh->e_phoff);
	for (i = 0; i < eh->e_phnum; i++) {
		if (ph[i].p_type != PT_LOAD)
			continue;
		end = (uint64_t)ph[i].p_offset + ph[i].p_filesz;
		if (end < ph[i].p_offset)
			return 0;
		if (end > size)
			size = end;
	}
	return size >= sizeof(*eh) && size <= VDSO_MAX_SIZE ? size : 0;
}

/* Parses a private copy: libelf may write to an image it was handed. */
static int vdso_load(const struct symbolizer *s, struct elf_file *f)
{
	const unsigned char *base = (const void *)getauxval(AT_SYSINFO_EHDR);
	struct elf_handle h = { .fd = -1 };
	size_t size;
	int err;

	if (!base)
		return -ENOENT;
	size = vdso_image_size(base);
	if (!size)
		return -ENOEXEC;
	f->image = malloc(size);
	if (!f->image)
		return -ENOMEM;
	memcpy(f->image, base, size);
	h.elf = elf_memory(f->image, size);
	if (!h.elf || elf_kind(h.elf) != ELF_K_ELF) {
		err = -ENOEXEC;
		goto out;
	}
	err = elf_file_load_image(s, f, &h, NULL, NULL);
out:
	elf_handle_close(&h);
	if (err)
		elf_file_clear(f);
	return err;
}

int symbolize_vdso(struct symbolizer *s, uint64_t offset,
		   struct sym_result *out)
{
	int err;

	if (!s || !out)
		return -EINVAL;
	memset(out, 0, sizeof(*out));
	if (cancelled(s))
		return -EINTR;
	if (!s->vdso) {
		s->vdso = calloc(1, sizeof(*s->vdso));
		if (!s->vdso)
			return -ENOMEM;
		s->vdso->err = vdso_load(s, s->vdso);
		if (s->vdso->err == -ENOMEM) {
			elf_file_free(s->vdso);
			s->vdso = NULL;
			return -ENOMEM;
		}
	}
	err = elf_file_symbolize(s->vdso, offset, true, out);
	elf_file_count(s, s->vdso);
	return err;
}

/* ---- perf maps --------------------------------------------------------- */

static void perfmap_free(struct perfmap *m)
{
	perfmap_clear(m);
	free(m);
}

static int perfmap_get(struct symbolizer *s, uint32_t pid, struct perfmap **out)
{
	size_t b = pid % PERFMAP_BUCKETS;
	struct perfmap *m;

	for (m = s->perfmaps[b]; m; m = m->next) {
		if (m->pid == pid) {
			*out = m;
			return 0;
		}
	}
	m = calloc(1, sizeof(*m));
	if (!m)
		return -ENOMEM;
	m->pid = pid;
	m->err = perfmap_load(m, s->perfmap_dir, &s->perfmap_stats);
	if (m->err == -ENOMEM) {
		perfmap_free(m);
		return -ENOMEM;
	}
	m->next = s->perfmaps[b];
	s->perfmaps[b] = m;
	*out = m;
	return 0;
}

int symbolize_perfmap(struct symbolizer *s, uint32_t pid, uint64_t addr,
		      struct sym_result *out)
{
	const struct perfmap_sym *e;
	struct perfmap *m;
	int err;

	if (!s || !out)
		return -EINVAL;
	memset(out, 0, sizeof(*out));
	if (cancelled(s))
		return -EINTR;
	err = perfmap_get(s, pid, &m);
	if (err)
		return err;
	if (m->err)
		return m->err;
	e = perfmap_find(m, addr);
	if (!e)
		return -ENOENT;
	out->name = m->names + e->name;
	out->offset = addr - e->start;
	return 0;
}

void symbolizer_set_cancel(struct symbolizer *s,
			   const volatile sig_atomic_t *flag)
{
	s->cancel = flag;
}

void symbolizer_get_stats(const struct symbolizer *s,
			  struct symbolizer_stats *out)
{
	memset(out, 0, sizeof(*out));
	if (!s)
		return;
	out->dwarf_refused = s->dwarf_refused;
	out->symbols_refused = s->symbols_refused;
	out->perfmap_lines_skipped = s->perfmap_stats.lines_skipped;
	out->perfmap_bytes_skipped = s->perfmap_stats.bytes_skipped;
	out->perfmap_refused = s->perfmap_stats.refused;
}

/* ---- lifetime ---------------------------------------------------------- */

struct symbolizer *symbolizer_new(const struct symbolizer_opts *opts)
{
	const struct symbolizer_opts defaults = {
		.kallsyms_path = "/proc/kallsyms",
		.debug_dir = "/usr/lib/debug",
		.perfmap_dir = "/tmp",
	};
	struct symbolizer *s;

	if (elf_version(EV_CURRENT) == EV_NONE)
		return NULL;
	if (!opts)
		opts = &defaults;
	s = calloc(1, sizeof(*s));
	if (!s)
		return NULL;
	s->kallsyms_path = strdup(opts->kallsyms_path ?:
				  defaults.kallsyms_path);
	s->debug_dir = strdup(opts->debug_dir ?: defaults.debug_dir);
	s->perfmap_dir = strdup(opts->perfmap_dir ?: defaults.perfmap_dir);
	if (!s->kallsyms_path || !s->debug_dir || !s->perfmap_dir) {
		symbolizer_free(s);
		return NULL;
	}
	return s;
}

void symbolizer_free(struct symbolizer *s)
{
	struct elf_file *f, *fnext;
	struct perfmap *m, *mnext;
	size_t i;

	if (!s)
		return;
	if (s->kernel_preloading)
		pthread_join(s->kernel_thread, NULL);
	for (i = 0; i < ELF_CACHE_BUCKETS; i++) {
		for (f = s->elf_cache[i]; f; f = fnext) {
			fnext = f->next;
			elf_file_free(f);
		}
	}
	for (i = 0; i < PERFMAP_BUCKETS; i++) {
		for (m = s->perfmaps[i]; m; m = mnext) {
			mnext = m->next;
			perfmap_free(m);
		}
	}
	if (s->vdso)
		elf_file_free(s->vdso);
	kernel_drop(s);
	free(s->kallsyms_path);
	free(s->debug_dir);
	free(s->perfmap_dir);
	free(s);
}
