// SPDX-License-Identifier: GPL-2.0
/*
 * Code objects copied for the CPython walker: py_copy_code(), see
 * pycode.bpf.h.
 */
#include "pycode.bpf.h"

__noinline int py_copy_code(struct ws_py_scratch *sc, __u64 code)
{
	const struct ws_py_offsets *o;
	struct ws_py_code *pc;
	__u64 linetable, size;
	__u32 len;
	int kind;

	if (!sc)
		return 0;
	o = &sc->off;
	pc = &sc->code;

	len = py_max(py_max(o->code_name, o->code_filename),
		     py_max(o->code_linetable, o->type_of_object)) + 8;
	len = py_max(len, o->code_firstlineno + 4);
	if (o->code_qualname != WS_PY_NONE)
		len = py_max(len, o->code_qualname + 8);
	if (len > WS_PY_WIN || !py_read_win(sc, code, len))
		return 0;
	if (sc->code_type && py_win_u64(sc, o->type_of_object) != sc->code_type)
		return 0;

	bpf_probe_read_kernel(pc, sizeof(*pc), &sc->zero);
	pc->firstlineno = (__s32)py_win_u32(sc, o->code_firstlineno);
	/* The window is reused for each str: keep the pointers. */
	sc->strs[0] = py_win_u64(sc, o->code_name);
	sc->strs[1] = o->code_qualname != WS_PY_NONE ?
		      py_win_u64(sc, o->code_qualname) : 0;
	sc->strs[2] = py_win_u64(sc, o->code_filename);
	sc->linetable = py_win_u64(sc, o->code_linetable);

	kind = py_copy_str(sc, pc->name, sizeof(pc->name), sc->strs[0]);
	if (kind < 0)
		return 0;	/* a code object has a str name */
	pc->name_kind = kind;
	pc->qualname_kind = py_str_kind(py_copy_str(sc, pc->qualname,
						    sizeof(pc->qualname),
						    sc->strs[1]));
	pc->filename_kind = py_str_kind(py_copy_str(sc, pc->filename,
						    sizeof(pc->filename),
						    sc->strs[2]));

	linetable = sc->linetable;
	if (linetable) {
		size = py_read_ptr(linetable + o->bytes_size);	/* ob_size */
		if ((__s64)size > 0) {
			len = size > WS_PY_LINETABLE_LEN ? WS_PY_LINETABLE_LEN :
							   size;
			barrier_var(len);
			if (len > WS_PY_LINETABLE_LEN)
				len = WS_PY_LINETABLE_LEN;
			if (!bpf_probe_read_user(pc->linetable, len,
						 (const void *)(linetable +
								o->bytes_data))) {
				pc->linetable_len = len;
				pc->linetable_full = size > 0xffff ? 0xffff : size;
			}
		}
	}
	return 1;
}

char LICENSE[] SEC("license") = "GPL";
