// SPDX-License-Identifier: GPL-2.0
/*
 * Finding CPython in a process: which mapped ELF file is a CPython
 * runtime, of which version and build, with which offsets, and where its
 * _PyRuntime and PyCode_Type are once the file is mapped.
 *
 * The ELF files are untrusted bytes, read through libelf with ELF_C_READ
 * and pread (a file truncated under us is an error, not a SIGBUS), with
 * every count bounded.
 */
#include <fcntl.h>
#include <gelf.h>
#include <limits.h>
#include <stddef.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>


#include "lib/util.h"
#include "python/detect.h"
#include "symbols/file.h"

#define ELF_MAX_FILE_SIZE	(4ull << 30)
#define ELF_MAX_SECTIONS	65536
#define ELF_MAX_PHDRS		4096
#define ELF_MAX_SYMS		(16u << 20)
#define X86_64_PAGE_SIZE	4096ull	/* the offsets are x86-64 only, so is
					 * the page size mappings start at */

/* ---- ELF ---------------------------------------------------------------- */

struct found_sym {
	uint64_t value;
	uint64_t size;
	bool found;
};

struct python_syms {
	struct found_sym runtime;	/* _PyRuntime */
	struct found_sym code_type;	/* PyCode_Type */
	struct found_sym version;	/* Py_Version */
};

static void note_symbol(struct python_syms *s, const char *name,
			const GElf_Sym *sym)
{
	struct found_sym *f;

	if (!strcmp(name, "_PyRuntime"))
		f = &s->runtime;
	else if (!strcmp(name, "PyCode_Type"))
		f = &s->code_type;
	else if (!strcmp(name, "Py_Version"))
		f = &s->version;
	else
		return;
	if (f->found)
		return;
	f->value = sym->st_value;
	f->size = sym->st_size;
	f->found = true;
}

/* Definitions (not imports) of the three names in one symbol table. */
static void scan_symtab(Elf *elf, Elf_Scn *scn, const GElf_Shdr *sh,
			struct python_syms *s)
{
	Elf_Data *data = elf_getdata(scn, NULL);
	size_t entsize = gelf_fsize(elf, ELF_T_SYM, 1, EV_CURRENT);
	size_t n, i;

	if (!data || !entsize)
		return;
	n = data->d_size / entsize;
	if (n > ELF_MAX_SYMS)
		n = ELF_MAX_SYMS;
	for (i = 1; i < n; i++) {
		GElf_Sym sym;
		const char *name;

		if (!gelf_getsym(data, i, &sym) || sym.st_shndx == SHN_UNDEF ||
		    !sym.st_name)
			continue;
		name = elf_strptr(elf, sh->sh_link, sym.st_name);
		if (name)
			note_symbol(s, name, &sym);
		if (s->runtime.found && s->code_type.found && s->version.found)
			return;
	}
}

/* .dynsym first (what the runtime exports), .symtab for what is missing. */
static void find_python_syms(Elf *elf, struct python_syms *s)
{
	static const GElf_Word types[] = { SHT_DYNSYM, SHT_SYMTAB };
	size_t t, nscn = 0, seen;

	if (elf_getshdrnum(elf, &nscn) || nscn > ELF_MAX_SECTIONS)
		return;
	for (t = 0; t < 2; t++) {
		Elf_Scn *scn = NULL;

		if (t == 1 && s->runtime.found)
			return;
		for (seen = 0; seen < nscn && (scn = elf_nextscn(elf, scn));
		     seen++) {
			GElf_Shdr sh;

			if (gelf_getshdr(scn, &sh) && sh.sh_type == types[t])
				scan_symtab(elf, scn, &sh, s);
		}
	}
}

/* The file bytes of [vaddr, vaddr + len) from the section holding them. */
static int read_vaddr(Elf *elf, int fd, uint64_t vaddr, void *buf,
		      size_t len)
{
	size_t nscn = 0, seen;
	Elf_Scn *scn = NULL;

	if (elf_getshdrnum(elf, &nscn) || nscn > ELF_MAX_SECTIONS)
		return PYTHON_E_CORRUPT;
	for (seen = 0; seen < nscn && (scn = elf_nextscn(elf, scn)); seen++) {
		GElf_Shdr sh;
		uint64_t off;

		if (!gelf_getshdr(scn, &sh) || sh.sh_type == SHT_NOBITS ||
		    !(sh.sh_flags & SHF_ALLOC))
			continue;
		if (vaddr < sh.sh_addr || sh.sh_size < len ||
		    vaddr - sh.sh_addr > sh.sh_size - len)
			continue;
		off = sh.sh_offset + (vaddr - sh.sh_addr);
		if (off < sh.sh_offset || off > (uint64_t)LLONG_MAX)
			return PYTHON_E_CORRUPT;
		if (pread(fd, buf, len, off) != (ssize_t)len)
			return PYTHON_E_CORRUPT;
		return 0;
	}
	return -ENOENT;
}

/* The PT_LOAD segment whose file bytes hold vaddr; with exec, the first
 * executable one (vaddr unused). */
static int find_segment(Elf *elf, uint64_t vaddr, bool exec,
			struct python_segment *seg)
{
	size_t nph = 0, i;

	if (elf_getphdrnum(elf, &nph) || nph > ELF_MAX_PHDRS)
		return PYTHON_E_CORRUPT;
	for (i = 0; i < nph; i++) {
		GElf_Phdr ph;

		if (!gelf_getphdr(elf, i, &ph) || ph.p_type != PT_LOAD)
			continue;
		if (exec ? !(ph.p_flags & PF_X) || !ph.p_filesz :
		    vaddr < ph.p_vaddr || vaddr - ph.p_vaddr >= ph.p_filesz)
			continue;
		seg->vaddr = ph.p_vaddr;
		seg->offset = ph.p_offset;
		seg->filesz = ph.p_filesz;
		return 0;
	}
	return -ENOENT;
}

/*
 * Version from the file name, for 3.10 (no Py_Version): python3.10,
 * libpython3.10.so.1.0; ABI flags after the minor ("3.10d", "3.13t").
 */
static void version_from_name(const char *path, struct python_info *info)
{
	const char *base = path_basename(path);
	const char *p;
	int major, minor = 0, digits = 0;

	p = strstr(base, "python3.");
	if (!p)
		p = strstr(base, "python2.");
	if (!p)
		return;
	major = p[6] - '0';
	for (p += strlen("python3."); *p >= '0' && *p <= '9'; p++) {
		if (++digits > 2)
			return;
		minor = minor * 10 + (*p - '0');
	}
	if (!digits)
		return;
	for (; *p >= 'a' && *p <= 'z'; p++) {
		if (*p == 'd')
			info->debug_build = true;
		else if (*p == 't')
			info->free_threaded = true;
	}
	info->major = major;
	info->minor = minor;
}

static void version_from_hex(uint64_t hex, struct python_info *info)
{
	if (hex > UINT32_MAX || (hex >> 24) != 3)
		return;
	info->version_hex = hex;
	info->major = 3;
	info->minor = (hex >> 16) & 0xff;
	info->micro = (hex >> 8) & 0xff;
}

/* 3.13: offsets from _Py_DebugOffsets at the start of _PyRuntime's data. */
static void offsets_from_debug(Elf *elf, int fd, struct python_info *info)
{
	uint8_t blob[PYTHON_DBG_LEN_313];
	struct ws_py_offsets off;
	uint64_t hex;

	if (read_vaddr(elf, fd, info->runtime_vaddr, blob, sizeof(blob)) ||
	    memcmp(blob, PYTHON_DBG_COOKIE, strlen(PYTHON_DBG_COOKIE)))
		return;
	hex = python_le64(blob + PYTHON_DBG_VERSION);
	if (python_le64(blob + PYTHON_DBG_FREE_THREADED))
		info->free_threaded = true;
	if (!info->version_hex)
		version_from_hex(hex, info);
	/* Another version's layout (or a mismatch): not ours to parse. */
	if (info->minor != 13 || ((hex >> 16) & 0xffff) != 0x030d)
		return;
	if (python_debug_offsets_313(blob, &off)) {
		info->off = off;
		info->source = PYTHON_OFFSETS_DEBUG;
	}
}

static bool supported(const struct python_info *info)
{
	return info->major == 3 && info->minor >= PYTHON_MIN_MINOR &&
	       info->minor <= PYTHON_MAX_MINOR && !info->free_threaded &&
	       !info->debug_build && !info->wrong_machine;
}

static int detect_elf(Elf *elf, int fd, const char *path,
		      struct python_info *out)
{
	struct python_syms syms = { 0 };
	uint8_t version[8];
	GElf_Ehdr eh;
	int err;

	if (elf_kind(elf) != ELF_K_ELF || !gelf_getehdr(elf, &eh))
		return PYTHON_E_CORRUPT;
	find_python_syms(elf, &syms);
	if (!syms.runtime.found || !syms.runtime.value) {
		/* 2.x and 3.6, before _PyRuntime: told by their name */
		version_from_name(path, out);
		return out->major && !supported(out) ? PYTHON_E_UNSUPPORTED :
						       PYTHON_E_NOT_PYTHON;
	}
	out->runtime_vaddr = syms.runtime.value;
	if (eh.e_ident[EI_CLASS] != ELFCLASS64 ||
	    eh.e_ident[EI_DATA] != ELFDATA2LSB || eh.e_machine != EM_X86_64)
		out->wrong_machine = true;

	version_from_name(path, out);
	if (!out->wrong_machine && syms.version.found &&
	    (!syms.version.size || syms.version.size == sizeof(version)) &&
	    !read_vaddr(elf, fd, syms.version.value, version, sizeof(version)))
		version_from_hex(python_le64(version), out);
	if (python_table_offsets(out->minor, &out->off))
		memset(&out->off, 0, sizeof(out->off));
	out->source = PYTHON_OFFSETS_TABLE;
	if (!out->wrong_machine && (out->minor >= 13 || !out->minor))
		offsets_from_debug(elf, fd, out);
	if (!supported(out))
		return PYTHON_E_UNSUPPORTED;

	err = find_segment(elf, out->runtime_vaddr, false, &out->runtime_seg);
	if (err)
		return PYTHON_E_CORRUPT;
	if (syms.code_type.found && syms.code_type.value &&
	    !find_segment(elf, syms.code_type.value, false,
			  &out->code_type_seg))
		out->code_type_vaddr = syms.code_type.value;
	if (find_segment(elf, 0, true, &out->exec_seg))
		memset(&out->exec_seg, 0, sizeof(out->exec_seg));
	return 0;
}

int python_detect(const char *path, struct python_info *out)
{
	struct stat st;
	Elf *elf = NULL;
	int fd, err;

	if (!path || !out)
		return -EINVAL;
	memset(out, 0, sizeof(*out));
	if (elf_version(EV_CURRENT) == EV_NONE)
		return -EINVAL;
	/* a binary the workload chose: never a FIFO or device (symfile.h) */
	fd = symfile_open(path, 0, &st);
	if (fd == -EINVAL)
		return PYTHON_E_CORRUPT;
	if (fd < 0)
		return fd;
	if ((uint64_t)st.st_size > ELF_MAX_FILE_SIZE) {
		err = PYTHON_E_CORRUPT;
		goto out;
	}
	elf = elf_begin(fd, ELF_C_READ, NULL);
	if (!elf) {
		err = PYTHON_E_CORRUPT;
		goto out;
	}
	err = detect_elf(elf, fd, path, out);
out:
	if (elf)
		elf_end(elf);
	close(fd);
	if (err && err != PYTHON_E_UNSUPPORTED) {
		/* Nothing half-filled for the caller to trust. */
		memset(out, 0, sizeof(*out));
	}
	return err;
}

/* ---- addresses in a process ------------------------------------------- */

static const struct python_segment *segment_of(const struct python_info *info,
					       uint64_t vaddr)
{
	if (vaddr && vaddr == info->runtime_vaddr)
		return &info->runtime_seg;
	if (vaddr && vaddr == info->code_type_vaddr)
		return &info->code_type_seg;
	return NULL;
}

/*
 * A mapping holds vaddr when it covers vaddr's file offset and starts no
 * earlier than the page of its segment's first byte.  The second test
 * rejects the previous segment's mapping: segments need not start on a
 * page boundary in the file (libpython's RW segment starts mid-page), so
 * the page holding the end of .rodata and the start of .data is mapped
 * twice, at two addresses, and only the RW one is the live data.
 */
static uint64_t address_in_mapping(const struct python_segment *seg,
				   uint64_t vaddr, uint64_t map_start,
				   uint64_t map_end, uint64_t map_pgoff)
{
	uint64_t file_off;

	if (map_end <= map_start || vaddr < seg->vaddr ||
	    vaddr - seg->vaddr >= seg->filesz)
		return 0;
	file_off = seg->offset + (vaddr - seg->vaddr);
	if (map_pgoff < (seg->offset & ~(X86_64_PAGE_SIZE - 1)) ||
	    file_off < map_pgoff || file_off - map_pgoff >= map_end - map_start)
		return 0;
	return map_start + (file_off - map_pgoff);
}

/*
 * Through the executable segment's mapping, the only one whyslow asks the
 * kernel to report (proc/sideband.c): every segment is mapped at the same
 * load bias from its p_vaddr, and that mapping gives the bias.  The data
 * segment may not be mapped yet (ld.so maps it next); the walker's reads
 * fail until it is.
 */
static uint64_t address_via_code(const struct python_info *info,
				 uint64_t vaddr, uint64_t map_start,
				 uint64_t map_end, uint64_t map_pgoff)
{
	const struct python_segment *x = &info->exec_seg;
	uint64_t start_vaddr, bias;

	if (!x->filesz || map_end <= map_start || x->vaddr < x->offset ||
	    map_pgoff < (x->offset & ~(X86_64_PAGE_SIZE - 1)) ||
	    map_pgoff - x->offset >= x->filesz)
		return 0;
	/* the file address of map_start, which is at load bias + it */
	start_vaddr = x->vaddr - x->offset + map_pgoff;
	if (start_vaddr > map_start)
		return 0;
	bias = map_start - start_vaddr;
	return vaddr > UINT64_MAX - bias ? 0 : bias + vaddr;
}

uint64_t python_runtime_address(const struct python_info *info,
				uint64_t vaddr, uint64_t map_start,
				uint64_t map_end, uint64_t map_pgoff)
{
	const struct python_segment *seg;
	uint64_t addr;

	if (!info)
		return 0;
	seg = segment_of(info, vaddr);
	if (!seg)
		return 0;
	addr = address_in_mapping(seg, vaddr, map_start, map_end, map_pgoff);
	return addr ?: address_via_code(info, vaddr, map_start, map_end,
					map_pgoff);
}

bool python_proc_add_mapping(const struct python_info *info,
			     uint64_t map_start, uint64_t map_end,
			     uint64_t map_pgoff, struct ws_py_proc *proc)
{
	uint64_t addr;

	if (!info || !proc)
		return false;
	proc->off = info->off;
	if (!proc->runtime) {
		addr = python_runtime_address(info, info->runtime_vaddr,
					      map_start, map_end, map_pgoff);
		if (addr)
			proc->runtime = addr;
	}
	/* The walker checks each frame's code object against it (read with
	 * the fields it needs anyway): a frame that holds no code object
	 * ends the walk, or on 3.13 (f_executable) is skipped. */
	if (!proc->code_type && info->code_type_vaddr) {
		addr = python_runtime_address(info, info->code_type_vaddr,
					      map_start, map_end, map_pgoff);
		if (addr)
			proc->code_type = addr;
	}
	return proc->runtime != 0;
}
