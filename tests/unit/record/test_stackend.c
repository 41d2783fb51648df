// SPDX-License-Identifier: GPL-2.0
/* Where user stacks begin: by name, and for a stripped program by its
 * entry point and its CFI. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <cmocka.h>

#include <fcntl.h>
#include <gelf.h>
#include <unistd.h>

#include "profile_fixture.h"
#include "record/stackend.h"

static char dir[] = "/tmp/whyslow-stackend-XXXXXX";
static char prog[64];
static uint64_t main_vaddr;

static int build(void **state)
{
	char cmd[512];
	FILE *nm;

	(void)state;
	if (!mkdtemp(dir))
		return -1;
	snprintf(prog, sizeof(prog), "%s/prog", dir);
	snprintf(cmd, sizeof(cmd), "printf 'int main(void){return 0;}\\n' > "
		 "%s/m.c && cc -O1 -no-pie -o %s %s/m.c", dir, prog, dir);
	if (system(cmd))
		return -1;
	snprintf(cmd, sizeof(cmd), "nm %s | awk '$3 == \"main\" {print $1}'",
		 prog);
	nm = popen(cmd, "r");
	if (!nm || fscanf(nm, "%lx", &main_vaddr) != 1)
		return -1;
	pclose(nm);
	snprintf(cmd, sizeof(cmd), "strip --strip-all %s", prog);
	return system(cmd) ? -1 : 0;
}

static int cleanup(void **state)
{
	char cmd[128];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	return system(cmd) ? -1 : 0;
}

/* vaddr → file offset through the program headers. */
static uint64_t offset_of(uint64_t vaddr)
{
	int fd = open(prog, O_RDONLY);
	Elf *elf;
	GElf_Phdr ph;
	size_t n, i;
	uint64_t off = 0;

	elf_version(EV_CURRENT);
	elf = elf_begin(fd, ELF_C_READ, NULL);
	assert_non_null(elf);
	assert_int_equal(elf_getphdrnum(elf, &n), 0);
	for (i = 0; i < n; i++)
		if (gelf_getphdr(elf, i, &ph) && ph.p_type == PT_LOAD &&
		    vaddr >= ph.p_vaddr && vaddr - ph.p_vaddr < ph.p_filesz)
			off = ph.p_offset + (vaddr - ph.p_vaddr);
	elf_end(elf);
	close(fd);
	return off;
}

static void test_names(void **state)
{
	(void)state;
	assert_true(stackend_name("_start"));
	assert_true(stackend_name("start_thread"));
	assert_true(stackend_name("__clone3"));
	/* Go: a goroutine's first frame, a thread's, the program's; by
	 * the symbol table (ABI0 suffix) or Go's function table */
	assert_true(stackend_name("runtime.goexit.abi0"));
	assert_true(stackend_name("runtime.goexit"));
	assert_true(stackend_name("runtime.mstart"));
	assert_true(stackend_name("runtime.rt0_go.abi0"));
	assert_false(stackend_name("runtime.main"));
	assert_false(stackend_name("main"));
	assert_false(stackend_name("[prog+0x1040]"));
	assert_false(stackend_name(NULL));
}

static void test_stripped_entry(void **state)
{
	struct symbolizer *sym = symbolizer_new(NULL);
	struct module m = { .path = prog };
	uint64_t entry, main_off = offset_of(main_vaddr);

	(void)state;
	assert_non_null(sym);
	assert_int_equal(symbolize_elf_entry(sym, prog, 0, 0, &entry), 0);
	/* _start's call to __libc_start_main: whole */
	assert_true(stackend_code(sym, &m, entry));
	assert_true(stackend_code(sym, &m, entry + 0x20));
	/* main is called, not where stacks begin: cut */
	assert_true(main_off != 0);
	assert_false(stackend_code(sym, &m, main_off));
	assert_false(stackend_code(sym, NULL, entry));
	symbolizer_free(sym);
}

/* A thread's stacks: from start_thread, with clone3 outside it or not;
 * a new thread's return from clone3 over unmapped addresses is whole at
 * clone3, a Go g0 stack at runtime.mcall; a parent's clone3, called from
 * pthread_create, stays. */
static void test_thread_root(void **state)
{
	struct profile *p = fx_new("./mutex4");
	uint32_t clone3, start, worker, lock, unk, main_, create, sys, mcall;
	struct stack_sample *s;

	(void)state;
	clone3 = fx_frame(p, "clone3", "libc.so.6", CLASS_RUNTIME);
	start = fx_frame(p, "start_thread", "libc.so.6", CLASS_RUNTIME);
	worker = fx_frame(p, "worker", "mutex4", CLASS_APP);
	lock = fx_frame(p, "pthread_mutex_lock", "libc.so.6", CLASS_RUNTIME);
	unk = fx_frame(p, "[unknown]", "[unknown]", CLASS_RUNTIME);
	p->frames[unk].resolved = false;
	main_ = fx_frame(p, "main", "mutex4", CLASS_APP);
	create = fx_frame(p, "pthread_create", "libc.so.6", CLASS_RUNTIME);
	sys = fx_frame(p, "do_syscall_64", "[kernel]", CLASS_KERNEL);

	s = FX_STACK(p, 1, 2, 1, clone3, start, worker, lock);
	assert_true(stackend_thread_root(p, s));
	assert_int_equal(s->n_frames, 3);
	assert_int_equal(s->frames[0], start);
	assert_int_equal(s->frames[2], lock);
	assert_false(stackend_thread_root(p, s));	/* already there */
	assert_int_equal(s->n_frames, 3);

	s = FX_STACK(p, 1, 2, 1, unk, unk, unk, clone3, sys);
	assert_true(stackend_thread_root(p, s));
	assert_int_equal(s->n_frames, 2);
	assert_int_equal(s->frames[0], clone3);
	assert_int_equal(s->frames[1], sys);

	/* the parent's call, and a leaf clone3 under named callers */
	s = FX_STACK(p, 1, 1, 1, main_, create, clone3, sys);
	assert_false(stackend_thread_root(p, s));
	assert_int_equal(s->n_frames, 4);
	s = FX_STACK(p, 1, 1, 1, unk, main_, clone3);
	assert_false(stackend_thread_root(p, s));
	assert_int_equal(s->n_frames, 3);
	/* the child's clone3 calling its thread's function (start_thread
	 * not unwound), and Go's g0 stack under runtime.mcall */
	s = FX_STACK(p, 1, 2, 1, unk, clone3, worker);
	assert_true(stackend_thread_root(p, s));
	assert_int_equal(s->frames[0], clone3);
	mcall = fx_frame(p, "runtime.mcall", "goprog", CLASS_RUNTIME);
	s = FX_STACK(p, 1, 2, 1, unk, mcall, worker);
	assert_true(stackend_thread_root(p, s));
	assert_int_equal(s->n_frames, 2);
	/* the kernel's frames are not the thread's root */
	s = FX_STACK(p, 1, 2, 1, sys);
	assert_false(stackend_thread_root(p, s));
	fx_free(p);
}

/* A wait inside execve(), its user frames the old image's, unnamed: cut
 * to the kernel's; named ones, or no execve, stay. */
static void test_exec_root(void **state)
{
	struct profile *p = fx_new("./mutex4");
	uint32_t unk, entry, exec, fault, main_;
	struct stack_sample *s;

	(void)state;
	unk = fx_frame(p, "[unknown]", "[unknown]", CLASS_RUNTIME);
	p->frames[unk].resolved = false;
	main_ = fx_frame(p, "main", "mutex4", CLASS_APP);
	entry = fx_frame(p, "entry_SYSCALL_64_after_hwframe", "[kernel]",
			 CLASS_KERNEL);
	exec = fx_frame(p, "__x64_sys_execve", "[kernel]", CLASS_KERNEL);
	fault = fx_frame(p, "filemap_fault", "[kernel]", CLASS_KERNEL);

	s = FX_STACK(p, 1, 1, 1, unk, entry, exec, fault);
	assert_true(stackend_thread_root(p, s));
	assert_int_equal(s->n_frames, 3);
	assert_int_equal(s->frames[0], entry);
	s = FX_STACK(p, 1, 1, 1, main_, entry, exec, fault);
	assert_false(stackend_thread_root(p, s));
	assert_int_equal(s->n_frames, 4);
	s = FX_STACK(p, 1, 1, 1, unk, entry, fault);
	assert_false(stackend_thread_root(p, s));
	assert_int_equal(s->n_frames, 3);
	fx_free(p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_stripped_entry),
		cmocka_unit_test(test_thread_root),
		cmocka_unit_test(test_exec_root),
	};

	return cmocka_run_group_tests(tests, build, cleanup);
}
