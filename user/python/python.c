// SPDX-License-Identifier: GPL-2.0
/*
 * CPython detection, per-version offsets, and code objects (as the BPF
 * side copies them) turned into names and line numbers.
 *
 * Everything here reads untrusted bytes: ELF files through libelf with
 * ELF_C_READ and pread (a file truncated under us is an error, not a
 * SIGBUS), with every count bounded; the copied strings and line tables
 * with every index checked against the copy's length.
 */
#include <fcntl.h>
#include <gelf.h>
#include <limits.h>
#include <stddef.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "python/python.h"
#include "symbols/file.h"

#define ELF_MAX_FILE_SIZE	(4ull << 30)
#define ELF_MAX_SECTIONS	65536
#define ELF_MAX_PHDRS		4096
#define ELF_MAX_SYMS		(16u << 20)
#define X86_64_PAGE_SIZE	4096ull	/* the offsets are x86-64 only, so is
					 * the page size mappings start at */
#define N			WS_PY_NONE

/*
 * Byte offsets of what the BPF walker reads, for release builds on x86-64.
 * Every row was measured with gdb from the DWARF of the pyenv build named
 * in its comment, by /work/shared/tools/python-offsets (gdb `print
 * &((T *)0)->field` for the runtime, interpreter, thread, frame, code,
 * unicode and bytes fields, `sizeof` for the unicode headers) and
 * `ptype /o` for PyObject.ob_type and PyVarObject.ob_size; they agree with
 * /work/shared/PYTHON.md.  tests/unit/test_python.c checks them again in
 * live interpreters: it walks thread states, frames and code objects at
 * these offsets with ctypes and decodes what it finds.  They hold for any
 * release build of the same minor version (not for debug or free-threaded
 * builds, which python_detect() refuses).
 *
 * Fields a version lacks are WS_PY_NONE.  3.11 does have
 * _PyInterpreterFrame.owner (at 69) but it is left NONE as whyslow.h
 * specifies: 3.11 has no C-stack shim frames, it marks entry frames with
 * is_entry.  3.10 has a tstate->cframe (at 48) but frames hang off
 * tstate->frame, so it is NONE too.  3.13 also carries these offsets in
 * the runtime itself (_Py_DebugOffsets), which python_detect() prefers;
 * the 3.13 row is the fallback and what the test compares them with.
 */
static const struct ws_py_offsets offsets_table[] = {
	{	/* 3.10.13, libpython3.10.so.1.0 */
		.minor = 10,
		.runtime_interpreters_head = 32,
		.interp_threads_head = 8,	/* tstate_head */
		.tstate_next = 8,
		.tstate_thread_id = 176,
		.tstate_native_thread_id = N,
		.tstate_frame = 24,
		.tstate_cframe = N,
		.cframe_current_frame = N,
		.frame_code = 32,		/* PyFrameObject.f_code */
		.frame_previous = 24,		/* f_back */
		.frame_instr = 96,		/* int f_lasti, in code units */
		.frame_owner = N,
		.frame_is_entry = N,
		.code_first_instr = N,
		.code_name = 112,
		.code_qualname = N,
		.code_filename = 104,
		.code_firstlineno = 40,
		.code_linetable = 120,
		.unicode_state = 32,
		.unicode_ascii_data = 48,
		.unicode_compact_data = 72,
		.bytes_size = 16,
		.bytes_data = 32,
		.type_of_object = 8,
	},
	{	/* 3.11.7, libpython3.11.so.1.0 */
		.minor = 11,
		.runtime_interpreters_head = 40,
		.interp_threads_head = 16,
		.tstate_next = 8,
		.tstate_thread_id = 152,
		.tstate_native_thread_id = 160,
		.tstate_frame = N,
		.tstate_cframe = 56,
		.cframe_current_frame = 8,
		.frame_code = 32,		/* _PyInterpreterFrame.f_code */
		.frame_previous = 48,
		.frame_instr = 56,		/* prev_instr */
		.frame_owner = N,
		.frame_is_entry = 68,
		.code_first_instr = 184,	/* co_code_adaptive */
		.code_name = 120,
		.code_qualname = 128,
		.code_filename = 112,
		.code_firstlineno = 72,
		.code_linetable = 136,
		.unicode_state = 32,
		.unicode_ascii_data = 48,
		.unicode_compact_data = 72,
		.bytes_size = 16,
		.bytes_data = 32,
		.type_of_object = 8,
	},
	{	/* 3.12.1, libpython3.12.so.1.0 */
		.minor = 12,
		.runtime_interpreters_head = 40,
		.interp_threads_head = 72,
		.tstate_next = 8,
		.tstate_thread_id = 136,
		.tstate_native_thread_id = 144,
		.tstate_frame = N,
		.tstate_cframe = 56,
		.cframe_current_frame = 0,
		.frame_code = 0,		/* f_code */
		.frame_previous = 8,
		.frame_instr = 56,		/* prev_instr */
		.frame_owner = 70,
		.frame_is_entry = N,
		.code_first_instr = 192,
		.code_name = 120,
		.code_qualname = 128,
		.code_filename = 112,
		.code_firstlineno = 68,
		.code_linetable = 136,
		.unicode_state = 32,
		.unicode_ascii_data = 40,
		.unicode_compact_data = 56,
		.bytes_size = 16,
		.bytes_data = 32,
		.type_of_object = 8,
	},
	{	/* 3.13.0, libpython3.13.so.1.0 */
		.minor = 13,
		.runtime_interpreters_head = 632,
		.interp_threads_head = 7344,
		.tstate_next = 8,
		.tstate_thread_id = 152,
		.tstate_native_thread_id = 160,
		.tstate_frame = 72,		/* current_frame */
		.tstate_cframe = N,
		.cframe_current_frame = N,
		.frame_code = 0,		/* f_executable */
		.frame_previous = 8,
		.frame_instr = 56,		/* instr_ptr */
		.frame_owner = 70,
		.frame_is_entry = N,
		.code_first_instr = 200,
		.code_name = 120,
		.code_qualname = 128,
		.code_filename = 112,
		.code_firstlineno = 68,
		.code_linetable = 136,
		.unicode_state = 32,
		.unicode_ascii_data = 40,
		.unicode_compact_data = 56,
		.bytes_size = 16,
		.bytes_data = 32,
		.type_of_object = 8,
	},
};

int python_table_offsets(int minor, struct ws_py_offsets *out)
{
	size_t i;

	for (i = 0; i < sizeof(offsets_table) / sizeof(offsets_table[0]); i++) {
		if (offsets_table[i].minor == minor) {
			*out = offsets_table[i];
			return 0;
		}
	}
	return -ENOENT;
}

/* ---- _Py_DebugOffsets (3.13) ------------------------------------------ */

/*
 * The 3.13 layout of _Py_DebugOffsets (Include/internal/
 * pycore_debug_offsets.h), as gdb `ptype /o struct _Py_DebugOffsets`
 * prints it for the pyenv 3.13.0 build: a cookie, the version, then one
 * struct per object type, each a uint64_t size followed by uint64_t
 * offsets.  3.14 inserts fields, so this layout is for 3.13 only.
 */
#define DBG_COOKIE			"xdebugpy"
#define DBG_VERSION			8
#define DBG_FREE_THREADED		16
#define DBG_RUNTIME_SIZE		24
#define DBG_RUNTIME_INTERPRETERS_HEAD	40
#define DBG_INTERP_SIZE			48
#define DBG_INTERP_THREADS_HEAD		72
#define DBG_TSTATE_SIZE			152
#define DBG_TSTATE_NEXT			168
#define DBG_TSTATE_CURRENT_FRAME	184
#define DBG_TSTATE_THREAD_ID		192
#define DBG_TSTATE_NATIVE_THREAD_ID	200
#define DBG_FRAME_SIZE			224
#define DBG_FRAME_PREVIOUS		232
#define DBG_FRAME_EXECUTABLE		240
#define DBG_FRAME_INSTR_PTR		248
#define DBG_FRAME_OWNER			264
#define DBG_CODE_SIZE			272
#define DBG_CODE_FILENAME		280
#define DBG_CODE_NAME			288
#define DBG_CODE_QUALNAME		296
#define DBG_CODE_LINETABLE		304
#define DBG_CODE_FIRSTLINENO		312
#define DBG_CODE_CODE_ADAPTIVE		344
#define DBG_OBJECT_SIZE			352
#define DBG_OBJECT_OB_TYPE		360
#define DBG_BYTES_SIZE			512
#define DBG_BYTES_OB_SIZE		520
#define DBG_BYTES_OB_SVAL		528
#define DBG_UNICODE_SIZE		536
#define DBG_UNICODE_STATE		544
#define DBG_UNICODE_ASCII_SIZE		560
#define DBG_LEN_313			584
/* PyCompactUnicodeObject is PyASCIIObject plus utf8_length and utf8
 * (8 bytes each): 40 + 16 = 56 in 3.12 and 3.13 (gdb sizeof). */
#define COMPACT_UNICODE_EXTRA		16

static uint64_t le64(const uint8_t *p)
{
	uint64_t v = 0;
	int i;

	for (i = 7; i >= 0; i--)
		v = v << 8 | p[i];
	return v;
}

/* One offset: within its struct (whose size precedes it) and below NONE. */
static bool debug_offset(const uint8_t *blob, size_t field, size_t size_field,
			 __u16 *out)
{
	uint64_t v = le64(blob + field);

	if (v >= le64(blob + size_field) || v >= WS_PY_NONE)
		return false;
	*out = v;
	return true;
}

static bool debug_offsets_313(const uint8_t *blob, struct ws_py_offsets *o)
{
	uint64_t ascii = le64(blob + DBG_UNICODE_ASCII_SIZE);
	bool ok = true;

	memset(o, 0xff, sizeof(*o));	/* every field NONE */
	o->minor = 13;
	o->pad = 0;
	ok &= debug_offset(blob, DBG_RUNTIME_INTERPRETERS_HEAD,
			   DBG_RUNTIME_SIZE, &o->runtime_interpreters_head);
	ok &= debug_offset(blob, DBG_INTERP_THREADS_HEAD, DBG_INTERP_SIZE,
			   &o->interp_threads_head);
	ok &= debug_offset(blob, DBG_TSTATE_NEXT, DBG_TSTATE_SIZE,
			   &o->tstate_next);
	ok &= debug_offset(blob, DBG_TSTATE_THREAD_ID, DBG_TSTATE_SIZE,
			   &o->tstate_thread_id);
	ok &= debug_offset(blob, DBG_TSTATE_NATIVE_THREAD_ID, DBG_TSTATE_SIZE,
			   &o->tstate_native_thread_id);
	ok &= debug_offset(blob, DBG_TSTATE_CURRENT_FRAME, DBG_TSTATE_SIZE,
			   &o->tstate_frame);
	ok &= debug_offset(blob, DBG_FRAME_EXECUTABLE, DBG_FRAME_SIZE,
			   &o->frame_code);
	ok &= debug_offset(blob, DBG_FRAME_PREVIOUS, DBG_FRAME_SIZE,
			   &o->frame_previous);
	ok &= debug_offset(blob, DBG_FRAME_INSTR_PTR, DBG_FRAME_SIZE,
			   &o->frame_instr);
	ok &= debug_offset(blob, DBG_FRAME_OWNER, DBG_FRAME_SIZE,
			   &o->frame_owner);
	ok &= debug_offset(blob, DBG_CODE_CODE_ADAPTIVE, DBG_CODE_SIZE,
			   &o->code_first_instr);
	ok &= debug_offset(blob, DBG_CODE_NAME, DBG_CODE_SIZE, &o->code_name);
	ok &= debug_offset(blob, DBG_CODE_QUALNAME, DBG_CODE_SIZE,
			   &o->code_qualname);
	ok &= debug_offset(blob, DBG_CODE_FILENAME, DBG_CODE_SIZE,
			   &o->code_filename);
	ok &= debug_offset(blob, DBG_CODE_FIRSTLINENO, DBG_CODE_SIZE,
			   &o->code_firstlineno);
	ok &= debug_offset(blob, DBG_CODE_LINETABLE, DBG_CODE_SIZE,
			   &o->code_linetable);
	ok &= debug_offset(blob, DBG_UNICODE_STATE, DBG_UNICODE_SIZE,
			   &o->unicode_state);
	ok &= debug_offset(blob, DBG_BYTES_OB_SIZE, DBG_BYTES_SIZE,
			   &o->bytes_size);
	ok &= debug_offset(blob, DBG_BYTES_OB_SVAL, DBG_BYTES_SIZE,
			   &o->bytes_data);
	ok &= debug_offset(blob, DBG_OBJECT_OB_TYPE, DBG_OBJECT_SIZE,
			   &o->type_of_object);
	/* The string data follows the header: a size, not an offset. */
	if (ascii == 0 || ascii + COMPACT_UNICODE_EXTRA >
	    le64(blob + DBG_UNICODE_SIZE))
		return false;
	o->unicode_ascii_data = ascii;
	o->unicode_compact_data = ascii + COMPACT_UNICODE_EXTRA;
	return ok;
}

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

/* The PT_LOAD segment whose file bytes hold vaddr. */
static int find_segment(Elf *elf, uint64_t vaddr, struct python_segment *seg)
{
	size_t nph = 0, i;

	if (elf_getphdrnum(elf, &nph) || nph > ELF_MAX_PHDRS)
		return PYTHON_E_CORRUPT;
	for (i = 0; i < nph; i++) {
		GElf_Phdr ph;

		if (!gelf_getphdr(elf, i, &ph) || ph.p_type != PT_LOAD)
			continue;
		if (vaddr < ph.p_vaddr || vaddr - ph.p_vaddr >= ph.p_filesz)
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
	const char *base = strrchr(path, '/');
	const char *p;
	int minor = 0, digits = 0;

	base = base ? base + 1 : path;
	p = strstr(base, "python3.");
	if (!p)
		return;
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
	info->major = 3;
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
	uint8_t blob[DBG_LEN_313];
	struct ws_py_offsets off;
	uint64_t hex;

	if (read_vaddr(elf, fd, info->runtime_vaddr, blob, sizeof(blob)) ||
	    memcmp(blob, DBG_COOKIE, strlen(DBG_COOKIE)))
		return;
	hex = le64(blob + DBG_VERSION);
	if (le64(blob + DBG_FREE_THREADED))
		info->free_threaded = true;
	if (!info->version_hex)
		version_from_hex(hex, info);
	/* Another version's layout (or a mismatch): not ours to parse. */
	if (info->minor != 13 || ((hex >> 16) & 0xffff) != 0x030d)
		return;
	if (debug_offsets_313(blob, &off)) {
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
	if (!syms.runtime.found || !syms.runtime.value)
		return PYTHON_E_NOT_PYTHON;
	out->runtime_vaddr = syms.runtime.value;
	if (eh.e_ident[EI_CLASS] != ELFCLASS64 ||
	    eh.e_ident[EI_DATA] != ELFDATA2LSB || eh.e_machine != EM_X86_64)
		out->wrong_machine = true;

	version_from_name(path, out);
	if (!out->wrong_machine && syms.version.found &&
	    (!syms.version.size || syms.version.size == sizeof(version)) &&
	    !read_vaddr(elf, fd, syms.version.value, version, sizeof(version)))
		version_from_hex(le64(version), out);
	if (python_table_offsets(out->minor, &out->off))
		memset(&out->off, 0, sizeof(out->off));
	out->source = PYTHON_OFFSETS_TABLE;
	if (!out->wrong_machine && (out->minor >= 13 || !out->minor))
		offsets_from_debug(elf, fd, out);
	if (!supported(out))
		return PYTHON_E_UNSUPPORTED;

	err = find_segment(elf, out->runtime_vaddr, &out->runtime_seg);
	if (err)
		return PYTHON_E_CORRUPT;
	if (syms.code_type.found && syms.code_type.value &&
	    !find_segment(elf, syms.code_type.value, &out->code_type_seg))
		out->code_type_vaddr = syms.code_type.value;
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
uint64_t python_runtime_address(const struct python_info *info,
				uint64_t vaddr, uint64_t map_start,
				uint64_t map_end, uint64_t map_pgoff)
{
	const struct python_segment *seg;
	uint64_t file_off;

	if (!info)
		return 0;
	seg = segment_of(info, vaddr);
	if (!seg || map_end <= map_start || vaddr < seg->vaddr ||
	    vaddr - seg->vaddr >= seg->filesz)
		return 0;
	file_off = seg->offset + (vaddr - seg->vaddr);
	if (map_pgoff < (seg->offset & ~(X86_64_PAGE_SIZE - 1)) ||
	    file_off < map_pgoff || file_off - map_pgoff >= map_end - map_start)
		return 0;
	return map_start + (file_off - map_pgoff);
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
	/* Only 3.13's f_executable can hold something else than a code
	 * object; checking costs the walker a read per frame
	 * (bpf/python.bpf.h), so older versions go without. */
	if (!proc->code_type && info->code_type_vaddr && info->minor >= 13) {
		addr = python_runtime_address(info, info->code_type_vaddr,
					      map_start, map_end, map_pgoff);
		if (addr)
			proc->code_type = addr;
	}
	return proc->runtime != 0;
}

/* ---- strings ------------------------------------------------------------ */

#define REPLACEMENT_CHAR	0xfffd

static size_t utf8_encode(uint32_t cp, char out[4])
{
	if ((cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff)
		cp = REPLACEMENT_CHAR;	/* lone surrogates, junk */
	if (cp < 0x80) {
		out[0] = cp;
		return 1;
	}
	if (cp < 0x800) {
		out[0] = 0xc0 | cp >> 6;
		out[1] = 0x80 | (cp & 0x3f);
		return 2;
	}
	if (cp < 0x10000) {
		out[0] = 0xe0 | cp >> 12;
		out[1] = 0x80 | (cp >> 6 & 0x3f);
		out[2] = 0x80 | (cp & 0x3f);
		return 3;
	}
	out[0] = 0xf0 | cp >> 18;
	out[1] = 0x80 | (cp >> 12 & 0x3f);
	out[2] = 0x80 | (cp >> 6 & 0x3f);
	out[3] = 0x80 | (cp & 0x3f);
	return 4;
}

/*
 * A PyUnicode's data as copied (kind 0 ASCII, 1 Latin-1, 2 UCS-2, 4 UCS-4
 * units in host order) to UTF-8 in out (size > 0).  The copy ends at a NUL
 * unit or at its length; what follows a NUL is ignored.  Whole units only,
 * so a cut string stays valid UTF-8.  True when no NUL was found.
 */
static bool decode_pystr(const uint8_t *raw, size_t raw_len, int kind,
			 char *out, size_t size)
{
	size_t unit = kind == 0 ? 1 : kind, n = 0, i;

	out[0] = '\0';
	if (unit != 1 && unit != 2 && unit != 4)
		return false;
	for (i = 0; i + unit <= raw_len; i += unit) {
		uint32_t cp;
		uint16_t u16;
		char enc[4];
		size_t len;

		if (unit == 1) {
			cp = raw[i];	/* a stray high byte in "ASCII": Latin-1 */
		} else if (unit == 2) {
			memcpy(&u16, raw + i, 2);
			cp = u16;
		} else {
			memcpy(&cp, raw + i, 4);
		}
		if (!cp)
			return false;
		len = utf8_encode(cp, enc);
		if (n + len >= size)
			break;
		memcpy(out + n, enc, len);
		n += len;
	}
	out[n] = '\0';
	return true;
}

/* ---- line tables --------------------------------------------------------- */

static int valid_line(int64_t line)
{
	return line > 0 && line <= INT_MAX ? (int)line : 0;
}

/*
 * 3.10 (PEP 626; CPython 3.10 Objects/lnotab_notes.txt): (byte delta,
 * signed line delta) pairs from offset 0 and line co_firstlineno.  Each
 * pair ends a range of delta bytes; its line is the running line after
 * adding the line delta, except -128: no line (the running line stays).
 * Empty ranges only carry line deltas too big for one byte.
 * instr counts code units, as 3.10's f_lasti does (frame.f_lasti in Python
 * is twice it): ranges are in bytes.
 */
static int line_pep626(const uint8_t *t, size_t len, int firstlineno,
		       int64_t instr)
{
	int64_t target = instr * 2, end = 0, line = firstlineno;
	size_t i;

	for (i = 0; i + 1 < len; i += 2) {
		int64_t start = end;
		int ldelta = (int8_t)t[i + 1];

		end += t[i];
		if (ldelta != -128)
			line += ldelta;
		if (target >= start && target < end)
			return ldelta == -128 ? 0 : valid_line(line);
	}
	return 0;	/* beyond the table, or beyond the copied part */
}

/* Locations varint: 6-bit chunks, least significant first, bit 6 = more.
 * A byte with bit 7 set starts the next entry: this one was cut. */
static bool read_varint(const uint8_t *t, size_t len, size_t *pos,
			uint64_t *out)
{
	uint64_t v = 0;
	int shift;

	for (shift = 0; shift < 36 && *pos < len; shift += 6) {
		uint8_t b = t[(*pos)++];

		if (b & 0x80)
			return false;
		v |= (uint64_t)(b & 0x3f) << shift;
		if (!(b & 0x40)) {
			*out = v;
			return true;
		}
	}
	return false;
}

static bool read_svarint(const uint8_t *t, size_t len, size_t *pos,
			 int64_t *out)
{
	uint64_t u;

	if (!read_varint(t, len, pos, &u))
		return false;
	*out = u & 1 ? -(int64_t)(u >> 1) : (int64_t)(u >> 1);
	return true;
}

enum {
	LOC_ONE_LINE0 = 10,	/* 10..12: line delta = code - 10 */
	LOC_ONE_LINE2 = 12,
	LOC_NO_COLUMNS = 13,	/* svarint line delta */
	LOC_LONG = 14,		/* svarint line delta, then columns */
	LOC_NONE = 15,		/* no location */
};

/*
 * 3.11+ location table (CPython Objects/locations.md): entries of a head
 * byte (bit 7 set, code in bits 3-6, length - 1 in code units in bits
 * 0-2) and bytes with bit 7 clear.  The line is a running sum of deltas
 * from co_firstlineno; only codes 10-14 change it, 15 has no line.
 */
static int line_locations(const uint8_t *t, size_t len, int firstlineno,
			  int64_t instr)
{
	int64_t line = firstlineno, pos = 0;
	size_t i = 0;

	while (i < len) {
		uint8_t head = t[i];
		int code = head >> 3 & 15;
		int64_t delta = 0;
		size_t next = i + 1;

		if (!(head & 0x80))
			return 0;	/* not an entry start: corrupt */
		if (code >= LOC_ONE_LINE0 && code <= LOC_ONE_LINE2)
			delta = code - LOC_ONE_LINE0;
		else if ((code == LOC_NO_COLUMNS || code == LOC_LONG) &&
			 !read_svarint(t, len, &next, &delta))
			return 0;	/* cut in the middle of the entry */
		line += delta;
		if (line < INT_MIN || line > INT_MAX)
			return 0;
		pos += (head & 7) + 1;
		if (instr < pos)
			return code == LOC_NONE ? 0 : valid_line(line);
		for (i = next; i < len && !(t[i] & 0x80); i++)
			;
	}
	return 0;
}

int python_code_resolve(const struct ws_py_code *c, int minor, int instr,
			struct python_frame *out)
{
	size_t lt_len;

	if (!c || !out)
		return -EINVAL;
	memset(out, 0, sizeof(*out));
	if (minor < PYTHON_MIN_MINOR || minor > PYTHON_MAX_MINOR)
		return PYTHON_E_UNSUPPORTED;

	if (minor >= 11)
		out->name_truncated = decode_pystr((const uint8_t *)c->qualname,
						   sizeof(c->qualname),
						   c->qualname_kind, out->name,
						   sizeof(out->name));
	if (!out->name[0])
		out->name_truncated = decode_pystr((const uint8_t *)c->name,
						   sizeof(c->name), c->name_kind,
						   out->name,
						   sizeof(out->name));
	out->file_truncated = decode_pystr((const uint8_t *)c->filename,
					   sizeof(c->filename),
					   c->filename_kind, out->file,
					   sizeof(out->file));
	out->firstlineno = c->firstlineno;

	lt_len = c->linetable_len;
	if (lt_len > sizeof(c->linetable))
		lt_len = sizeof(c->linetable);
	if (instr < 0)
		out->line = 0;
	else if (minor == 10)
		out->line = line_pep626(c->linetable, lt_len, c->firstlineno,
					instr);
	else
		out->line = line_locations(c->linetable, lt_len,
					   c->firstlineno, instr);
	return 0;
}
