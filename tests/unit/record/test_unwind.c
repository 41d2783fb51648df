// SPDX-License-Identifier: GPL-2.0
/*
 * CFI unwinding on this very process: a leaf function takes its registers
 * and a copy of its stack, as io.bpf.c does at a syscall, and the
 * unwinder must find the callers from them alone.
 */
#include "profile_fixture.h"

#include <fcntl.h>
#include <gelf.h>
#include <link.h>
#include <sys/mman.h>
#include <sys/auxv.h>
#include <unistd.h>

#include "proc/procmap.h"
#include "symbols/symbolize.h"
#include "record/unwind.h"
#include "whyslow.h"

struct snapshot {
	uint64_t ip, sp, bp;
	uint8_t stack[WS_STACK_COPY];
	size_t len;
};

static struct snapshot snap;

/* Bytes of the mapping that holds addr from addr on (its stack's room
 * above sp): reading past it would fault, as the BPF side's copy cannot. */
static size_t room_above(uint64_t addr)
{
	FILE *f = fopen("/proc/self/maps", "r");
	unsigned long start, end;
	char line[512];
	size_t room = 0;

	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "%lx-%lx", &start, &end) == 2 &&
		    addr >= start && addr < end)
			room = end - addr;
	fclose(f);
	return room;
}

/* Registers and the top of the stack, as the BPF side reads them. */
static __attribute__((noipa)) void take_snapshot(void)
{
	uint64_t sp, bp;

	__asm__ volatile("lea 0(%%rip), %0" : "=r"(snap.ip));
	__asm__ volatile("mov %%rsp, %0" : "=r"(sp));
	__asm__ volatile("mov %%rbp, %0" : "=r"(bp));
	snap.sp = sp;
	snap.bp = bp;
	snap.len = room_above(sp);
	if (snap.len > sizeof(snap.stack))
		snap.len = sizeof(snap.stack);
	memcpy(snap.stack, (void *)sp, snap.len);
	__asm__ volatile("" ::: "memory");
}

static __attribute__((noipa)) int middle_caller(int x)
{
	take_snapshot();
	__asm__ volatile("" ::: "memory");	/* no tail call */
	return x + 1;
}

static __attribute__((noipa)) int outer_caller(int x)
{
	int y = middle_caller(x);

	__asm__ volatile("" ::: "memory");
	return y * 2;
}

/* A caller whose CFA is rbp-based once its prologue ran. */
static __attribute__((noipa, optimize("no-omit-frame-pointer"))) int
fp_caller(int x)
{
	take_snapshot();
	__asm__ volatile("" ::: "memory");
	return x + 3;
}

/* A new snapshot under outer_caller, the process's mappings in t, and the
 * unwinder's input from the snapshot. */
static void fresh_snapshot(struct proc_table *t, struct unwind_input *in)
{
	assert_int_equal(outer_caller(1), 4);
	proc_table_init(t);
	assert_int_equal(proc_table_load(t, getpid(), "/proc"), 0);
	*in = (struct unwind_input){ .ip = snap.ip, .sp = snap.sp, .bp = snap.bp,
				     .stack = snap.stack, .stack_len = snap.len };
}

static const char *name_of(struct symbolizer *sym, const struct proc_table *t,
			   const struct proc *p, uint64_t addr)
{
	const struct mapping *m = proc_lookup(p, addr, 0);
	const struct module *mod;
	struct sym_result r;

	if (!m || m->module < 0)
		return "?";
	mod = &t->modules[m->module];
	if (symbolize_elf(sym, mod->path, mod->dev, mod->ino,
			  addr - m->start + m->pgoff, false, &r) || !r.name)
		return "?";
	return r.name;
}

static void test_unwinds_callers(void **state)
{
	struct symbolizer *sym = symbolizer_new(NULL);
	struct proc_table t;
	const struct proc *p;
	struct unwind_input in;
	__u64 stack[WS_MAX_STACK];
	int n = 1;

	(void)state;
	assert_int_equal(outer_caller(1), 4);
	proc_table_init(&t);
	assert_int_equal(proc_table_load(&t, getpid(), "/proc"), 0);
	p = proc_table_find(&t, getpid());
	assert_non_null(p);
	in = (struct unwind_input){ .ip = snap.ip, .sp = snap.sp, .bp = snap.bp,
				    .stack = snap.stack, .stack_len = snap.len };
	/* as if frame pointers had given the leaf alone */
	stack[0] = snap.ip;
	assert_int_not_equal(unwind_complete(sym, &t, getpid(), &in, stack, &n,
					     WS_MAX_STACK), UNWIND_NO_CFI);
	assert_true(n >= 4);
	assert_string_equal(name_of(sym, &t, p, stack[0]), "take_snapshot");
	assert_string_equal(name_of(sym, &t, p, stack[1] - 1), "middle_caller");
	assert_string_equal(name_of(sym, &t, p, stack[2] - 1), "outer_caller");
	assert_string_equal(name_of(sym, &t, p, stack[3] - 1),
			    "test_unwinds_callers");
	proc_table_free(&t);
	symbolizer_free(sym);
}

/* Frame-pointer frames that the CFI walk meets are kept from there on,
 * when they go on to where stacks begin (here the program's entry
 * point); a tail that stops short is not taken, and CFI goes on. */
static void test_splices_frame_pointer_tail(void **state)
{
	struct symbolizer *sym = symbolizer_new(NULL);
	__u64 stack[WS_MAX_STACK], ret_outer, start = getauxval(AT_ENTRY) + 8;
	struct proc_table t;
	struct unwind_input in;
	int n = 1;

	(void)state;
	fresh_snapshot(&t, &in);
	stack[0] = snap.ip;
	unwind_complete(sym, &t, getpid(), &in, stack, &n, WS_MAX_STACK);
	assert_true(n >= 5);
	ret_outer = stack[2];
	/* a frame-pointer walk that skipped middle_caller, with a tail */
	stack[0] = snap.ip;
	stack[1] = ret_outer;
	stack[2] = start;
	n = 3;
	assert_int_equal(unwind_complete(sym, &t, getpid(), &in, stack, &n,
					 WS_MAX_STACK), UNWIND_DONE);
	assert_int_equal(n, 4);
	assert_int_equal(stack[2], ret_outer);
	assert_int_equal(stack[3], start);
	/* the same tail cut short: CFI's callers instead */
	stack[0] = snap.ip;
	stack[1] = ret_outer;
	stack[2] = 0x1234;
	n = 3;
	unwind_complete(sym, &t, getpid(), &in, stack, &n, WS_MAX_STACK);
	assert_true(n >= 5);
	assert_int_equal(stack[2], ret_outer);
	assert_int_not_equal(stack[3], 0x1234);
	proc_table_free(&t);
	symbolizer_free(sym);
}

/*
 * The words a walk depends on, for the BPF side to compare at a repeated
 * I/O site: whole aligned words from sp.  A word that is not (here an rbp
 * 4 bytes off, as a hostile program's registers or CFI can make it) makes
 * the trace uncheckable, and the site is then never registered.
 */
static void test_trace_words(void **state)
{
	struct symbolizer *sym = symbolizer_new(NULL);
	struct unwind_trace tr;
	struct proc_table t;
	struct unwind_input in;
	__u64 stack[WS_MAX_STACK];
	uint32_t i;
	int n = 1;

	(void)state;
	assert_int_equal(fp_caller(1), 4);
	proc_table_init(&t);
	assert_int_equal(proc_table_load(&t, getpid(), "/proc"), 0);
	in = (struct unwind_input){ .ip = snap.ip, .sp = snap.sp, .bp = snap.bp,
				    .stack = snap.stack, .stack_len = snap.len,
				    .trace = &tr };
	stack[0] = snap.ip;
	unwind_complete(sym, &t, getpid(), &in, stack, &n, WS_MAX_STACK);
	assert_true(n >= 3);
	assert_true(tr.bp_used);
	assert_false(tr.uncheckable);
	assert_true(tr.n > 0);
	for (i = 0; i < tr.n; i++)
		assert_int_equal(tr.off[i] % 8, 0);

	in.bp = snap.bp + 4;
	n = 1;
	unwind_complete(sym, &t, getpid(), &in, stack, &n, WS_MAX_STACK);
	assert_true(tr.uncheckable);
	proc_table_free(&t);
	symbolizer_free(sym);
}

/* No copy, or a leaf that is not the walk's: the stack stays as it was. */
static void test_keeps_stack_without_data(void **state)
{
	struct symbolizer *sym = symbolizer_new(NULL);
	struct proc_table t;
	struct unwind_input in = { .ip = 0x1000, .sp = 0x2000 };
	__u64 stack[WS_MAX_STACK] = { 0x1000, 0x3000 };
	int n = 2;

	(void)state;
	proc_table_init(&t);
	assert_int_equal(proc_table_load(&t, getpid(), "/proc"), 0);
	assert_int_equal(unwind_complete(sym, &t, getpid(), &in, stack, &n,
					 WS_MAX_STACK), UNWIND_NO_COPY);
	assert_int_equal(n, 2);
	in.stack = snap.stack;
	in.stack_len = snap.len;
	in.ip = 0x5000;		/* not stack[0] */
	assert_int_equal(unwind_complete(sym, &t, getpid(), &in, stack, &n,
					 WS_MAX_STACK), UNWIND_NO_COPY);
	assert_int_equal(n, 2);
	assert_int_equal(stack[1], 0x3000);
	/* an address in no mapping (JIT code, say): no CFI, nothing changes */
	in.ip = 0x1000;
	assert_int_equal(unwind_complete(sym, &t, getpid(), &in, stack, &n,
					 WS_MAX_STACK), UNWIND_NO_CFI);
	assert_int_equal(n, 2);
	proc_table_free(&t);
	symbolizer_free(sym);
}

/* A copy cut short: the walk stops where it needs a word beyond it, and
 * keeps the frames it found before. */
static void test_stops_at_copy_end(void **state)
{
	struct symbolizer *sym = symbolizer_new(NULL);
	struct proc_table t;
	struct unwind_input in;
	__u64 stack[WS_MAX_STACK], full[WS_MAX_STACK];
	int n = 1, n_full = 1;

	(void)state;
	fresh_snapshot(&t, &in);
	full[0] = snap.ip;
	unwind_complete(sym, &t, getpid(), &in, full, &n_full, WS_MAX_STACK);
	assert_true(n_full >= 4);
	/* one word: not even take_snapshot's return address */
	in.stack_len = 8;
	stack[0] = snap.ip;
	assert_int_equal(unwind_complete(sym, &t, getpid(), &in, stack, &n,
					 WS_MAX_STACK), UNWIND_COPY_END);
	assert_int_equal(n, 1);
	assert_int_equal(stack[0], snap.ip);
	/* a longer copy that still ends before the outermost frame: the
	 * callers it covers are found, the same as with the whole copy */
	in.stack_len = 16;
	while (in.stack_len <= snap.len) {
		n = 1;
		stack[0] = snap.ip;
		if (unwind_complete(sym, &t, getpid(), &in, stack, &n,
				    WS_MAX_STACK) != UNWIND_COPY_END)
			break;
		if (n >= 2 && n < n_full) {
			assert_memory_equal(stack, full, n * sizeof(*stack));
			break;
		}
		in.stack_len += 8;
	}
	assert_true(n >= 2 && n < n_full);
	proc_table_free(&t);
	symbolizer_free(sym);
}

/* A walk cut by the copy's length tells how far it needed to read; one
 * cut by a page missing from the copy stops there and needs no more. */
static void test_need_and_holes(void **state)
{
	struct symbolizer *sym = symbolizer_new(NULL);
	struct unwind_trace tr;
	struct proc_table t;
	struct unwind_input in;
	__u64 stack[WS_MAX_STACK];
	size_t need = 0;
	int n = 1;

	(void)state;
	fresh_snapshot(&t, &in);
	in.trace = &tr;
	stack[0] = snap.ip;
	unwind_complete(sym, &t, getpid(), &in, stack, &n, WS_MAX_STACK);
	assert_true(n >= 4 && tr.ra_off >= 0);

	/* the copy ends before take_snapshot's return address */
	in.trace = NULL;
	in.need = &need;
	in.stack_len = tr.ra_off & ~7;
	n = 1;
	assert_int_equal(unwind_complete(sym, &t, getpid(), &in, stack, &n,
					 WS_MAX_STACK), UNWIND_COPY_END);
	assert_int_equal(n, 1);
	assert_int_equal(need, tr.ra_off + 8);

	/* the whole copy, but the return address's page not there */
	need = 0;
	in.stack_len = snap.len;
	in.holes = 1 << ((snap.sp + tr.ra_off) / WS_USER_PAGE -
			 snap.sp / WS_USER_PAGE);
	n = 1;
	assert_int_equal(unwind_complete(sym, &t, getpid(), &in, stack, &n,
					 WS_MAX_STACK), UNWIND_COPY_END);
	assert_int_equal(n, 1);
	assert_int_equal(need, 0);
	/* another page missing: the walk does not read it */
	in.holes = 1 << 15;
	n = 1;
	unwind_complete(sym, &t, getpid(), &in, stack, &n, WS_MAX_STACK);
	assert_true(n >= 4);
	proc_table_free(&t);
	symbolizer_free(sym);
}

/* Code in anonymous memory, no CFI, keeping a frame pointer as JIT code
 * does: push rbp; mov rbp, rsp; call rdi; pop rbp; ret. */
static const uint8_t jit_code[] = {
	0x55, 0x48, 0x89, 0xe5, 0xff, 0xd7, 0x5d, 0xc3,
};

static __attribute__((noipa)) void under_jit(void)
{
	take_snapshot();
	__asm__ volatile("" ::: "memory");	/* no tail call */
}

/* The function that runs the JIT code: the walk must get back to it. */
static __attribute__((noipa)) void run_jit(void (*jit)(void (*)(void)))
{
	jit(under_jit);
	__asm__ volatile("" ::: "memory");
}

/* CFI up to the JIT code, then its frame pointer out of it, then CFI
 * again in the function that called it. */
static void test_frame_pointer_through_jit(void **state)
{
	struct symbolizer *sym = symbolizer_new(NULL);
	void *page = mmap(NULL, 4096, PROT_READ | PROT_WRITE | PROT_EXEC,
			  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	struct proc_table t;
	const struct proc *p;
	struct unwind_input in;
	__u64 stack[WS_MAX_STACK];
	int n = 1, i;

	(void)state;
	assert_true(page != MAP_FAILED);
	memcpy(page, jit_code, sizeof(jit_code));
	run_jit((void (*)(void (*)(void)))page);
	proc_table_init(&t);
	assert_int_equal(proc_table_load(&t, getpid(), "/proc"), 0);
	p = proc_table_find(&t, getpid());
	in = (struct unwind_input){ .ip = snap.ip, .sp = snap.sp, .bp = snap.bp,
				    .stack = snap.stack, .stack_len = snap.len };
	stack[0] = snap.ip;
	unwind_complete(sym, &t, getpid(), &in, stack, &n, WS_MAX_STACK);
	assert_true(n >= 5);
	assert_string_equal(name_of(sym, &t, p, stack[1] - 1), "under_jit");
	assert_true(stack[2] > (uint64_t)page &&
		    stack[2] <= (uint64_t)page + sizeof(jit_code));
	for (i = 3; i < n; i++)
		if (!strcmp(name_of(sym, &t, p, stack[i] - 1), "run_jit"))
			break;
	assert_true(i < n);
	assert_string_equal(name_of(sym, &t, p, stack[i + 1] - 1),
			    "test_frame_pointer_through_jit");
	proc_table_free(&t);
	symbolizer_free(sym);
	munmap(page, 4096);
}

static int first_object(struct dl_phdr_info *info, size_t size, void *data)
{
	(void)size;
	*(uint64_t *)data = info->dlpi_addr;
	return 1;
}

/* The first entry of this program's lazy .plt (after PLT0), as loaded. */
static uint64_t plt_entry(void)
{
	uint64_t bias = 0, plt = 0;
	const char *name;
	size_t shstrndx;
	Elf_Scn *scn = NULL;
	GElf_Shdr sh;
	Elf *elf;
	int fd;

	dl_iterate_phdr(first_object, &bias);
	fd = open("/proc/self/exe", O_RDONLY);
	assert_true(fd >= 0);
	elf_version(EV_CURRENT);
	elf = elf_begin(fd, ELF_C_READ, NULL);
	assert_non_null(elf);
	assert_int_equal(elf_getshdrstrndx(elf, &shstrndx), 0);
	while ((scn = elf_nextscn(elf, scn)))
		if (gelf_getshdr(scn, &sh) &&
		    (name = elf_strptr(elf, shstrndx, sh.sh_name)) &&
		    !strcmp(name, ".plt") && sh.sh_size >= 32)
			plt = bias + sh.sh_addr + 16;
	elf_end(elf);
	close(fd);
	return plt;
}

/*
 * A sample in a PLT stub (a call to a library function on its way): ld's
 * CFI for .plt computes the CFA from rip, with bit and comparison
 * operations.  At the stub's jmp the return address is on top of the
 * stack; after its push (offset 11 of the entry) it is one word up.
 */
static void test_plt_leaf(void **state)
{
	struct symbolizer *sym = symbolizer_new(NULL);
	uint64_t plt = plt_entry(), caller = (uint64_t)outer_caller + 8;
	uint64_t words[2];
	struct proc_table t;
	struct unwind_input in = { .sp = 0x7ff000000000ull,
				   .stack = (const uint8_t *)words,
				   .stack_len = sizeof(words) };
	__u64 stack[WS_MAX_STACK];
	int n;

	(void)state;
	if (!plt)
		skip();		/* linked without a lazy .plt */
	proc_table_init(&t);
	assert_int_equal(proc_table_load(&t, getpid(), "/proc"), 0);
	words[0] = caller;
	words[1] = 0;
	in.ip = stack[0] = plt;
	n = 1;
	unwind_complete(sym, &t, getpid(), &in, stack, &n, WS_MAX_STACK);
	assert_true(n >= 2);
	assert_int_equal(stack[1], caller);
	words[0] = 1;		/* the relocation index it pushed */
	words[1] = caller;
	in.ip = stack[0] = plt + 11;
	n = 1;
	unwind_complete(sym, &t, getpid(), &in, stack, &n, WS_MAX_STACK);
	assert_true(n >= 2);
	assert_int_equal(stack[1], caller);
	proc_table_free(&t);
	symbolizer_free(sym);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_unwinds_callers),
		cmocka_unit_test(test_splices_frame_pointer_tail),
		cmocka_unit_test(test_trace_words),
		cmocka_unit_test(test_keeps_stack_without_data),
		cmocka_unit_test(test_stops_at_copy_end),
		cmocka_unit_test(test_need_and_holes),
		cmocka_unit_test(test_frame_pointer_through_jit),
		cmocka_unit_test(test_plt_leaf),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
