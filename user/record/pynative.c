// SPDX-License-Identifier: GPL-2.0
/* Native and Python frames interleaved; see pynative.h. */
#include <stdlib.h>
#include <string.h>

#include "lib/util.h"
#include "record/pynative.h"

/* Native frames looked at, innermost first: more is no stack (the
 * unwinder stops at WS_MAX_STACK); past it the stack counts as cut. */
#define PYN_MAX_NATIVE	1024

/*
 * The evaluation machinery of CPython 3.10-3.13: the calls that carry a
 * call from one Python frame (or builtin) to the next, doing no work a
 * reader could act on.  Names as in the sources; static ones only where
 * the symbol table has them (pyenv's libpython, not Debian's stripped
 * python3.11, where they stay as unnamed frames).
 */
static const char *const glue_names[] = {
	"_PyEval_EvalFrame", "_PyEval_Vector", "_PyEval_EvalCode",
	"PyEval_EvalCode", "PyEval_EvalCodeEx", "PyEval_EvalFrame",
	"PyEval_EvalFrameEx", "function_code_fastcall",
	"_PyFunction_Vectorcall", "_PyFunction_FastCallDict",
	"call_function", "do_call_core", "cfunction_call",
	"PyCFunction_Call", "vectorcall_method", "vectorcall_unbound",
	"object_vacall", "callmethod", "type_call", "wrapperdescr_call",
	"wrapper_call", "partial_call", "partial_vectorcall",
	"gen_send_ex", "gen_send_ex2", "gen_iternext", "gen_send",
	"gen_throw", "_gen_throw", "coro_wrapper_iternext",
	"py_trampoline_evaluator",
};

/* ... and the families named by prefix. */
static const char *const glue_prefixes[] = {
	"_PyObject_Vectorcall", "PyObject_Vectorcall", "_PyVectorcall_",
	"PyVectorcall_", "_PyObject_Call", "PyObject_Call",
	"_PyObject_MakeTpCall", "_PyObject_FastCall", "method_vectorcall",
	"cfunction_vectorcall", "slot_tp_", "_Py_trampoline",
};

/* name without a clone suffix (".cold", ".isra.0", ".lto_priv.0") */
static size_t base_len(const char *name)
{
	const char *dot = strchr(name, '.');

	return dot ? (size_t)(dot - name) : strlen(name);
}

static bool is_named(const char *name, size_t len, const char *want)
{
	return strlen(want) == len && !strncmp(name, want, len);
}

enum pyn_kind pynative_kind(const char *name)
{
	size_t len, i, n;

	if (!name)
		return PYN_UNNAMED;
	len = base_len(name);
	if (is_named(name, len, "_PyEval_EvalFrameDefault"))
		return PYN_EVAL;
	for (i = 0; i < ARRAY_SIZE(glue_names); i++)
		if (is_named(name, len, glue_names[i]))
			return PYN_GLUE;
	for (i = 0; i < ARRAY_SIZE(glue_prefixes); i++) {
		n = strlen(glue_prefixes[i]);
		if (n <= len && !strncmp(name, glue_prefixes[i], n))
			return PYN_GLUE;
	}
	return PYN_C;
}

/* The walk's state: where the eval calls are, how many are matched. */
struct pyn_plan {
	uint16_t ev[PYN_MAX_NATIVE];	/* native index of each eval call */
	uint32_t n_ev;
	uint32_t n_native;
	uint32_t matched;	/* innermost eval calls matched to groups */
	bool keep_outer;	/* native frames outer to the last matched
				 * call are kept (under group `matched`) */
};

static enum pyn_kind kind_of(const struct pyn_input *in, uint32_t i)
{
	return in->native[i] & ~PYN_RUNTIME;
}

static bool is_entry(const struct pyn_input *in, uint32_t i)
{
	return !in->entry || in->entry[i];
}

/* Python frames form groups, one per eval call: the innermost frame up
 * to the first entry, and so on; the outermost may lack its entry. */
static uint32_t count_groups(const struct pyn_input *in)
{
	uint32_t i, g = 1;

	for (i = 0; i + 1 < in->n_py; i++)
		g += is_entry(in, i);
	return g;
}

static enum pyn_how plan(const struct pyn_input *in, struct pyn_plan *p)
{
	uint32_t groups = count_groups(in), e = 0, i;
	bool complete = is_entry(in, in->n_py - 1);
	bool native_cut = in->native_cut;

	p->n_native = in->n_native;
	if (p->n_native > PYN_MAX_NATIVE) {
		p->n_native = PYN_MAX_NATIVE;
		native_cut = true;
	}
	for (i = 0; in->site && i < p->n_native; i++)
		if (in->native[i] & PYN_RUNTIME) {	/* no further */
			p->n_native = i;
			native_cut = true;
		}
	for (i = 0; i < p->n_native; i++)
		if (kind_of(in, i) == PYN_EVAL)
			p->ev[e++] = i;
	p->n_ev = e;
	p->keep_outer = false;
	if (e == groups && (complete || in->py_cut)) {
		p->matched = e;
		return PYN_EXACT;
	}
	if (native_cut && e < groups) {		/* the outer calls unseen */
		p->matched = e;
		p->keep_outer = true;
		return PYN_PARTIAL;
	}
	if (in->py_cut && e > groups) {		/* the outer frames unseen */
		p->matched = groups;
		return PYN_PARTIAL;
	}
	p->matched = 0;
	p->keep_outer = true;
	return PYN_FALLBACK;
}

/* The native frames C code of group g ran: between eval calls g and g-1
 * (outer first), the machinery left out. */
static uint32_t put_native(const struct pyn_input *in,
			   const struct pyn_plan *p, uint32_t g,
			   uint32_t *out, uint32_t n)
{
	uint32_t lo = g > 0 ? p->ev[g - 1] + 1u : 0;
	uint32_t hi = g < p->n_ev ? p->ev[g] : p->n_native;	/* exclusive */
	bool called = g < p->n_ev;	/* by the eval call at hi */
	uint8_t kind;

	while (hi-- > lo) {
		kind = kind_of(in, hi);
		if (kind == PYN_C || (kind == PYN_UNNAMED && !called) ||
		    (kind == PYN_JIT && (hi > lo || !g)))
			out[n++] = hi;
		called = called && kind == PYN_GLUE;
	}
	return n;
}

uint32_t pynative_merge(const struct pyn_input *in, uint32_t *out,
			enum pyn_how *how)
{
	struct pyn_plan p;
	uint32_t n = 0, g, i;

	*how = PYN_EXACT;
	if (!in->n_py || !in->n_native) {	/* nothing to interleave */
		for (i = in->n_py; i-- > 0;)
			out[n++] = PYN_PY | i;
		for (i = in->n_native; i-- > 0;)
			out[n++] = i;
		return n;
	}
	*how = plan(in, &p);
	g = count_groups(in) - 1;		/* of the outermost frame */
	for (i = in->n_py; i-- > 0;) {
		out[n++] = PYN_PY | i;
		if (i > 0 && !is_entry(in, i - 1))
			continue;		/* not its group's innermost */
		if (g < p.matched || (g == p.matched && p.keep_outer))
			n = put_native(in, &p, g, out, n);
		g--;
	}
	return n;
}

const struct pyn_input *pynative_python(struct pyn_input *in,
					const struct py_frames *py,
					int minor, bool *entry)
{
	uint32_t i;

	in->entry = minor <= 10 ? NULL : entry;	/* a call per frame */
	in->n_py = py->n > WS_PY_MAX_FRAMES ? WS_PY_MAX_FRAMES : py->n;
	in->py_cut = py->truncated != WS_PY_TRUNC_NONE;
	for (i = 0; i < in->n_py; i++)
		entry[i] = py->frames[i].code & WS_PY_FRAME_ENTRY;
	return in;
}

void pynative_kinds_init(struct pyn_kinds *k)
{
	intern_init(&k->keys);
	k->kind = NULL;
	k->cap = 0;
}

void pynative_kinds_free(struct pyn_kinds *k)
{
	intern_free(&k->keys);
	free(k->kind);
}

/* Looked up once per distinct frame: the symbol table is read at the
 * first (the report reads it anyway), then a name is a binary search. */
uint8_t pynative_kind_at(struct pyn_kinds *k, struct symbolizer *sym,
			 const struct proc_table *t, int32_t runtime,
			 uint32_t module, uint64_t file_offset)
{
	struct { uint64_t offset; uint32_t module, pad; } key = {
		.offset = file_offset, .module = module,
	};
	struct sym_result r = { 0 };
	const struct module *m;
	int added;
	int64_t i;

	if ((int32_t)module != runtime)
		return PYN_C;
	if (!sym || !t || module >= t->n_modules)
		return PYN_RUNTIME | PYN_C;
	i = intern_bytes(&k->keys, &key, sizeof(key), &added);
	if (i < 0 || intern_items_reserve((void **)&k->kind, &k->cap, i, 1))
		return PYN_RUNTIME | PYN_C;
	if (added) {
		m = &t->modules[module];
		if (symbolize_elf(sym, m->path, m->dev, m->ino, file_offset,
				  false, &r))
			r.name = r.system_name = NULL;
		k->kind[i] = pynative_kind(r.system_name ? r.system_name :
					   r.name);
	}
	return PYN_RUNTIME | k->kind[i];
}
