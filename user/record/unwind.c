// SPDX-License-Identifier: GPL-2.0
/* See unwind.h.  x86-64 only, like the rest of whyslow. */
#include <dwarf.h>
#include <elfutils/libdw.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "record/stackend.h"
#include "record/unwind.h"
#include "whyslow.h"

#define UNWIND_MAX_CFI_FRAMES	WS_MAX_STACK	/* frames unwound with CFI */
#define EVAL_STACK		8	/* DWARF expression stack */

/* DWARF register numbers on x86-64 */
#define DWARF_RBP	6
#define DWARF_RSP	7
#define DWARF_RA	16

/* Where a register's value came from, for struct unwind_trace. */
enum reg_source {
	SRC_GIVEN,	/* the register at the event */
	SRC_WORD,	/* a word of the copy */
	SRC_OTHER,	/* computed from what the trace has already */
};

struct frame_regs {
	uint64_t ip, sp, bp;
	bool bp_known;
	enum reg_source bp_src;
	uint64_t bp_addr;
};

/* Whether the copy's page at addr was not there. */
static bool in_hole(const struct unwind_input *in, uint64_t addr)
{
	uint64_t page = addr / WS_USER_PAGE - in->sp / WS_USER_PAGE;

	return page < 32 && (in->holes >> page & 1);
}

/* A word of the copied stack; false outside the copy. */
static bool read_copy(const struct unwind_input *in, uint64_t addr,
		      uint64_t *val)
{
	if (addr < in->sp)
		return false;
	if (in->stack_len < 8 || addr - in->sp > in->stack_len - 8) {
		if (in->need && addr - in->sp + 8 > *in->need)
			*in->need = addr - in->sp + 8;
		return false;
	}
	if (in->holes && (in_hole(in, addr) || in_hole(in, addr + 7)))
		return false;
	memcpy(val, in->stack + (addr - in->sp), sizeof(*val));
	return true;
}

/* The word at addr is part of what the walk's result depends on. */
static void trace_word(const struct unwind_input *in, uint64_t addr,
		       uint64_t val)
{
	struct unwind_trace *tr = in->trace;
	uint16_t off = addr - in->sp;
	uint32_t i;

	if (!tr)
		return;
	for (i = 0; i < tr->n; i++)
		if (tr->off[i] == off)
			return;
	if (tr->n == UNWIND_TRACE_WORDS || off % 8) {
		tr->uncheckable = true;
		return;
	}
	tr->off[tr->n] = off;
	tr->val[tr->n++] = val;
}

/* read_copy() of a word the result depends on. */
static bool read_used(const struct unwind_input *in, uint64_t addr,
		      uint64_t *val)
{
	if (!read_copy(in, addr, val))
		return false;
	trace_word(in, addr, *val);
	return true;
}

static bool reg_plain(const struct frame_regs *r, unsigned int reg,
		      uint64_t *val)
{
	if (reg == DWARF_RSP)
		*val = r->sp;
	else if (reg == DWARF_RBP && r->bp_known)
		*val = r->bp;
	else
		return false;
	return true;
}

/* A register's value that goes into an address or a value: traced. */
static bool reg_value(const struct unwind_input *in,
		      const struct frame_regs *r, unsigned int reg,
		      uint64_t *val)
{
	if (!reg_plain(r, reg, val))
		return false;
	if (reg != DWARF_RBP || !in->trace)
		return true;
	if (r->bp_src == SRC_GIVEN)
		in->trace->bp_used = true;
	else if (r->bp_src == SRC_WORD)
		trace_word(in, r->bp_addr, r->bp);
	return true;
}

/* In an expression, rip (column 16) is the frame's own ip too: the
 * PLT's rule reads it. */
static bool expr_reg(const struct unwind_input *in,
		     const struct frame_regs *r, unsigned int reg,
		     uint64_t *val)
{
	if (reg != DWARF_RA)
		return reg_value(in, r, reg, val);
	*val = r->ip;
	return true;
}

/*
 * The binary operations of CFI expressions: add and subtract, and the bit
 * and comparison operations of ld's rule for a .plt entry, rsp + 8 +
 * (((rip & 15) >= 11) << 3), the CFA before and after its push.
 */
static bool op_binary(uint8_t a)
{
	switch (a) {
	case DW_OP_plus: case DW_OP_minus: case DW_OP_mul:
	case DW_OP_and: case DW_OP_or: case DW_OP_xor:
	case DW_OP_shl: case DW_OP_shr:
	case DW_OP_ge: case DW_OP_gt: case DW_OP_le: case DW_OP_lt:
	case DW_OP_eq: case DW_OP_ne:
		return true;
	}
	return false;
}

/* x a y; comparisons are signed, as DWARF says. */
static uint64_t binary_value(uint8_t a, uint64_t x, uint64_t y)
{
	switch (a) {
	case DW_OP_plus: return x + y;
	case DW_OP_minus: return x - y;
	case DW_OP_mul: return x * y;
	case DW_OP_and: return x & y;
	case DW_OP_or: return x | y;
	case DW_OP_xor: return x ^ y;
	case DW_OP_shl: return y < 64 ? x << y : 0;
	case DW_OP_shr: return y < 64 ? x >> y : 0;
	case DW_OP_ge: return (int64_t)x >= (int64_t)y;
	case DW_OP_gt: return (int64_t)x > (int64_t)y;
	case DW_OP_le: return (int64_t)x <= (int64_t)y;
	case DW_OP_lt: return (int64_t)x < (int64_t)y;
	case DW_OP_eq: return x == y;
	default: return x != y;		/* DW_OP_ne */
	}
}

/*
 * The small DWARF expressions CFI rules use: the CFA, constants, register
 * plus offset, load, and the binary operations above.  *is_value: the
 * result is the value itself (DW_OP_stack_value), not where it is saved.
 * Returns UNWIND_DONE when evaluated, else why not.
 */
static enum unwind_stop eval_ops(const struct unwind_input *in, const Dwarf_Op *ops,
		     size_t n, uint64_t cfa, const struct frame_regs *r,
		     uint64_t *out, bool *is_value)
{
	uint64_t st[EVAL_STACK], v;
	size_t depth = 0, i;
	uint8_t a;

	*is_value = false;
	for (i = 0; i < n; i++) {
		a = ops[i].atom;
		if (*is_value || (depth >= EVAL_STACK && !op_binary(a) &&
				  a != DW_OP_plus_uconst &&
				  a != DW_OP_deref && a != DW_OP_stack_value))
			return UNWIND_BAD_RULE;
		if (op_binary(a)) {
			if (depth < 2)
				return UNWIND_BAD_RULE;
			depth--;
			st[depth - 1] = binary_value(a, st[depth - 1],
						     st[depth]);
		} else if (a >= DW_OP_lit0 && a <= DW_OP_lit31) {
			st[depth++] = a - DW_OP_lit0;
		} else if (a >= DW_OP_breg0 && a <= DW_OP_breg31) {
			if (!expr_reg(in, r, a - DW_OP_breg0, &v))
				return UNWIND_BAD_RULE;
			st[depth++] = v + (int64_t)ops[i].number;
		} else {
			switch (a) {
			case DW_OP_call_frame_cfa:
				st[depth++] = cfa;
				break;
			case DW_OP_bregx:
				if (!expr_reg(in, r, ops[i].number, &v))
					return UNWIND_BAD_RULE;
				st[depth++] = v + (int64_t)ops[i].number2;
				break;
			case DW_OP_const1u: case DW_OP_const1s:
			case DW_OP_const2u: case DW_OP_const2s:
			case DW_OP_const4u: case DW_OP_const4s:
			case DW_OP_const8u: case DW_OP_const8s:
			case DW_OP_constu: case DW_OP_consts:
				st[depth++] = ops[i].number;
				break;
			case DW_OP_plus_uconst:
				if (!depth)
					return UNWIND_BAD_RULE;
				st[depth - 1] += ops[i].number;
				break;
			case DW_OP_deref:
				if (!depth)
					return UNWIND_BAD_RULE;
				if (!read_used(in, st[depth - 1], &v))
					return UNWIND_COPY_END;
				st[depth - 1] = v;
				break;
			case DW_OP_stack_value:
				*is_value = true;
				break;
			default:
				return UNWIND_BAD_RULE;
			}
		}
	}
	if (depth != 1)
		return UNWIND_BAD_RULE;
	*out = st[0];
	return UNWIND_DONE;
}

/* A register's value in the caller; UNWIND_DONE when found, else why
 * not.  "Same value" keeps it; "undefined" makes it unknown, but for rbp:
 * callee-saved in the x86-64 ABI, a function with no rule for it has not
 * changed it (libdw reports no rule as undefined when the ABI's default
 * rules are not known to it).  *src and *addr: where the value came
 * from; a saved rbp is traced only once used. */
static enum unwind_stop caller_reg(const struct unwind_input *in, Dwarf_Frame *fr,
		       int reg, uint64_t cfa, const struct frame_regs *r,
		       uint64_t *val, bool *known, enum reg_source *src,
		       uint64_t *addr)
{
	Dwarf_Op mem[3], *ops;
	size_t n;
	bool is_value;
	enum unwind_stop why;
	uint64_t v;

	if (dwarf_frame_register(fr, reg, mem, &ops, &n))
		return UNWIND_BAD_RULE;
	if (n == 0) {
		*known = (ops != NULL || reg == DWARF_RBP) &&
			 reg_plain(r, reg, val);
		*src = r->bp_src;
		*addr = r->bp_addr;
		return UNWIND_DONE;
	}
	why = eval_ops(in, ops, n, cfa, r, &v, &is_value);
	if (why != UNWIND_DONE)
		return why;
	*src = SRC_OTHER;
	if (!is_value) {
		if (!(reg == DWARF_RBP ? read_copy(in, v, val) :
					 read_used(in, v, val)))
			return UNWIND_COPY_END;
		*src = SRC_WORD;
		*addr = v;
	} else {
		*val = v;
	}
	*known = true;
	return UNWIND_DONE;
}

/* The module of the file mapped at pc then, and pc's offset in it. */
static const struct module *pc_module(const struct proc_table *t,
				      const struct proc *p,
				      const struct unwind_input *in,
				      uint64_t pc, uint64_t *off)
{
	const struct mapping *m = proc_lookup(p, pc, in->time);

	if (!m || m->module < 0 || (size_t)m->module >= t->n_modules)
		return NULL;
	*off = pc - m->start + m->pgoff;
	return &t->modules[m->module];
}

/* One frame up: r becomes the caller's registers (UNWIND_DONE), or why
 * not; UNWIND_DONE with r unchanged at an outermost frame (return address
 * undefined or zero).  The innermost frame's ip is exact; a return
 * address points after its call. */
static enum unwind_stop cfi_step(struct symbolizer *sym, const struct proc_table *t,
		     const struct proc *p, const struct unwind_input *in,
		     struct frame_regs *r, bool innermost)
{
	uint64_t pc = innermost ? r->ip : r->ip - 1, cfa, ra = 0, bp = 0;
	uint64_t addr = 0, off;
	const struct module *mod = pc_module(t, p, in, pc, &off);
	Dwarf_Frame *fr;
	Dwarf_Op *ops;
	size_t n;
	bool is_value, ra_known = false, bp_known = false;
	enum reg_source src = SRC_OTHER;
	enum unwind_stop why;

	if (!mod || symbolize_cfi_frame(sym, mod->path, mod->dev, mod->ino,
					off, &fr))
		return UNWIND_NO_CFI;
	why = dwarf_frame_cfa(fr, &ops, &n) ? UNWIND_BAD_RULE :
		eval_ops(in, ops, n, 0, r, &cfa, &is_value);
	if (why == UNWIND_DONE)
		why = caller_reg(in, fr, DWARF_RA, cfa, r, &ra, &ra_known,
				 &src, &addr);
	if (why == UNWIND_DONE && innermost && in->trace && src == SRC_WORD)
		in->trace->ra_off = addr - in->sp;
	if (why != UNWIND_DONE || !ra_known || !ra)
		goto out;	/* !ra_known, !ra: the outermost frame */
	why = caller_reg(in, fr, DWARF_RBP, cfa, r, &bp, &bp_known, &src,
			 &addr);
	if (why != UNWIND_DONE)
		goto out;
	/* The stack grows down: a caller's frame is above. */
	if (cfa <= r->sp) {
		why = UNWIND_BAD_RULE;
		goto out;
	}
	r->ip = ra;
	r->sp = cfa;
	r->bp = bp;
	r->bp_known = bp_known;
	r->bp_src = src;
	r->bp_addr = addr;
out:
	free(fr);
	return why;
}

/*
 * One frame up in Go code, which has no CFI, by its function table's SP
 * delta (Go's own unwinder's rule): the return address that far above
 * sp, and, in a frame of any size, the caller's rbp just below it, where
 * Go's prologue saves it; Go's assembly uses rbp for data (sha256.block),
 * so the frame pointer there is no guide.
 */
static enum unwind_stop go_step(struct symbolizer *sym,
				const struct proc_table *t,
				const struct proc *p,
				const struct unwind_input *in,
				struct frame_regs *r, bool innermost)
{
	uint64_t pc = innermost ? r->ip : r->ip - 1, ra, bp = 0, off;
	const struct module *mod = pc_module(t, p, in, pc, &off);
	uint32_t delta;

	if (!mod || symbolize_go_sp(sym, mod->path, mod->dev, mod->ino, off,
				    &delta))
		return UNWIND_NO_CFI;
	if (!read_used(in, r->sp + delta, &ra) ||
	    (delta >= 8 && !read_used(in, r->sp + delta - 8, &bp)))
		return UNWIND_COPY_END;
	if (!ra)
		return UNWIND_DONE;
	r->ip = ra;
	if (delta >= 8) {
		r->bp = bp;
		r->bp_known = true;
		r->bp_src = SRC_WORD;
		r->bp_addr = r->sp + delta - 8;
	}
	r->sp += delta + 8;
	return UNWIND_DONE;
}

/*
 * One frame up by its frame pointer, for code with no CFI that keeps one
 * (JIT code, V8's builtins): the caller's ip and rbp at [rbp + 8] and
 * [rbp], in the copy; a return address into no mapping is taken for a
 * frame pointer that was none.
 */
static enum unwind_stop fp_step(const struct unwind_input *in,
				const struct proc *p, struct frame_regs *r)
{
	uint64_t bp, next, ra;

	if (!reg_value(in, r, DWARF_RBP, &bp) || bp < r->sp || bp % 8)
		return UNWIND_NO_CFI;
	if (!read_used(in, bp, &next) || !read_used(in, bp + 8, &ra))
		return UNWIND_COPY_END;
	if (!ra)
		return UNWIND_DONE;
	if (!proc_lookup(p, ra - 1, in->time))
		return UNWIND_NO_CFI;
	r->ip = ra;
	r->sp = bp + 16;
	r->bp = next;
	r->bp_known = true;
	r->bp_src = SRC_WORD;
	r->bp_addr = bp;
	return UNWIND_DONE;
}

/* One frame up: by CFI, by Go's function table, else, above the innermost
 * frame, by the frame pointer the frames since kept (code without CFI
 * called this frame). */
static enum unwind_stop frame_up(struct symbolizer *sym,
				 const struct proc_table *t,
				 const struct proc *p,
				 const struct unwind_input *in,
				 struct frame_regs *r, bool innermost)
{
	enum unwind_stop why = cfi_step(sym, t, p, in, r, innermost);

	if (why == UNWIND_NO_CFI)
		why = go_step(sym, t, p, in, r, innermost);
	if (why == UNWIND_NO_CFI && !innermost)
		why = fp_step(in, p, r);
	return why;
}

/*
 * The frame-pointer walk met r's frame at stack[j]: is its tail right
 * from there on?  When it ends where stacks begin (an entry point, or
 * code whose CFI ends the stack), or is cut at max.  Code without frame
 * pointers leaves rbp to its data, and a walk by it that met a frame
 * can still stop short: a Rust program's main, met so, ended 24% of its
 * stacks there, its callers lost, while CFI went on to _start.
 */
static bool fp_tail_whole(struct symbolizer *sym, const struct proc_table *t,
			  const struct proc *p, const struct unwind_input *in,
			  const __u64 *stack, int n, int max)
{
	uint64_t off;
	const struct module *mod = pc_module(t, p, in, stack[n - 1] - 1, &off);

	return n >= max || (mod && stackend_code(sym, mod, off));
}

enum unwind_stop unwind_complete(struct symbolizer *sym,
				 const struct proc_table *t, uint32_t pid,
				 const struct unwind_input *in, __u64 *stack,
				 int *n, int max)
{
	const struct proc *p = proc_table_find(t, pid);
	struct frame_regs r = { .ip = in->ip, .sp = in->sp, .bp = in->bp,
				.bp_known = true, .bp_src = SRC_GIVEN };
	enum unwind_stop why = UNWIND_DONE;
	__u64 out[WS_MAX_STACK];
	uint64_t prev_sp;
	int k = 0, depth, j, spliced = -1;

	if (in->trace)
		*in->trace = (struct unwind_trace){ .fp_from = 1,
						    .ra_off = -1 };
	if (!p || !in->stack_len || *n < 1 || stack[0] != in->ip ||
	    max > WS_MAX_STACK)
		return UNWIND_NO_COPY;
	out[k++] = in->ip;
	for (depth = 0; depth < UNWIND_MAX_CFI_FRAMES && k < max; depth++) {
		prev_sp = r.sp;
		why = frame_up(sym, t, p, in, &r, depth == 0);
		if (why != UNWIND_DONE || r.sp == prev_sp)
			break;
		/* Where the frame-pointer walk has this frame too, it is
		 * right from there on, if it went on to the stack's start. */
		for (j = 1; j < *n; j++)
			if (stack[j] == r.ip)
				break;
		if (j < *n && fp_tail_whole(sym, t, p, in, stack, *n, max)) {
			spliced = j;
			for (; j < *n && k < max; j++)
				out[k++] = stack[j];
			break;
		}
		out[k++] = r.ip;
	}
	if (k == 1)
		return why;	/* nothing learnt: keep what there was */
	if (in->trace)
		in->trace->fp_from = spliced;
	memcpy(stack, out, k * sizeof(*out));
	*n = k;
	return why;
}

void unwind_count_stop(struct profile_quality *q, uint32_t why,
		       uint64_t count)
{
	switch (why) {
	case UNWIND_NO_COPY:
		q->truncated_no_copy += count;
		break;
	case UNWIND_COPY_END:
		q->truncated_copy_end += count;
		break;
	case UNWIND_NO_CFI:
		q->truncated_no_cfi += count;
		break;
	case UNWIND_BAD_RULE:
		q->truncated_bad_rule += count;
		break;
	}
}
