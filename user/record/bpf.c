// SPDX-License-Identifier: GPL-2.0
/* The BPF programs: open, load, attach, read their maps; see bpf.h. */
#include <errno.h>
#include <pthread.h>
#include <linux/perf_event.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>

#include "lib/log.h"
#include "record/bpf.h"
#include "record/corebtf.h"
#include "whyslow.skel.h"

#define PY_PAIRS	4	/* see py_pairs() */

struct record_bpf {
	struct whyslow_bpf *skel;	/* the maps (see load_all()) */
	struct whyslow_bpf *part[2];	/* the programs */
	struct bpf_link **links;	/* one cpu-clock event per CPU */
	int n_links;
	unsigned int freq;		/* the sampler's */
	const char **func_names;	/* NULL-terminated, into the BTF */
	struct record_bpf_knobs knobs;
	/* The programs that walk Python stacks (the *_py ones), loaded in a
	 * second instance of the object once a CPython process is seen, in
	 * place of their counterparts (see record_bpf_load_python()). */
	struct whyslow_bpf *py;
	bool py_tried;
	pthread_t py_thread;		/* loading it, while py_loading */
	bool py_loading;
	int py_err;
	struct core_btf core_btf;	/* the types they relocate against */
	int tp_handler;			/* libbpf's id of tp_btf_handler() */
};

#define TP_BTF_SEC	"ws_tp_btf/"	/* SEC_TP_BTF, bpf/common.bpf.h */
#define MAX_PROGS	64

/* The slot of oncpu.bpf.c's CPU-time accounting (offcpu.bpf.c). */
struct oncpu_slot {
	__u32 tid;
	__u32 pad;
	__u64 since;
};

static int libbpf_print_quiet(enum libbpf_print_level level, const char *fmt,
			      va_list args)
{
	(void)level;
	(void)fmt;
	(void)args;
	return 0;
}

static int libbpf_print_verbose(enum libbpf_print_level level, const char *fmt,
				va_list args)
{
	(void)level;
	return vfprintf(stderr, fmt, args);
}

/*
 * A quarter of a second of samples from every CPU, a power of 2 from 4
 * MiB: the reader is woken at a quarter full (every ~60 ms when every CPU
 * runs a traced thread) and polls every 100 ms anyway, so this leaves it
 * ~200 ms of lag before a sample is lost (a second's worth, as before,
 * was 32 MiB on 2 CPUs, mapped once: record/ringbuf.c).
 */
static size_t ringbuf_size(unsigned int freq)
{
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);
	size_t want = (size_t)(cpus > 0 ? cpus : 1) * freq *
		      sizeof(struct ws_sample) / 4;
	size_t size = 4 << 20;

	while (size < want && size < (1u << 30))
		size <<= 1;
	return size;
}

/* The programs that walk Python stacks, and their counterparts that do
 * not: the same programs less the walker, thousands of instructions less
 * for the verifier each. */
static void py_pairs(struct whyslow_bpf *skel, struct bpf_program **plain,
		     struct bpf_program **walking)
{
	plain[0] = skel->progs.sample_oncpu;
	walking[0] = skel->progs.sample_oncpu_py;
	plain[1] = skel->progs.offcpu_switch;
	walking[1] = skel->progs.offcpu_switch_py;
	plain[2] = skel->progs.io_exit;
	walking[2] = skel->progs.io_exit_py;
	plain[3] = skel->progs.io_fork;
	walking[3] = skel->progs.io_fork_py;
}

/* One of each pair, and the walker's own maps only with it (the largest,
 * py_codes, is 14 MB of preallocated code objects). */
static void set_python(struct whyslow_bpf *skel, bool python)
{
	struct bpf_program *plain[PY_PAIRS], *walking[PY_PAIRS];
	int i;

	py_pairs(skel, plain, walking);
	for (i = 0; i < PY_PAIRS; i++) {
		bpf_program__set_autoload(plain[i], !python);
		bpf_program__set_autoload(walking[i], python);
	}
	bpf_map__set_autocreate(skel->maps.py_codes, python);
	bpf_map__set_autocreate(skel->maps.py_threads, python);
	bpf_map__set_autocreate(skel->maps.pywalk_scratch, python);
	bpf_map__set_autocreate(skel->maps.pyframes_scratch, python);
}

/* The rodata knobs, and what the options leave unloaded. */
static void set_knobs(struct whyslow_bpf *skel,
		      const struct record_bpf_knobs *o)
{
	size_t rb_size;

	skel->rodata->trace_all = o->all;
	skel->rodata->self_tgid = getpid();
	rb_size = ringbuf_size(o->freq);
	bpf_map__set_max_entries(skel->maps.events, rb_size);
	skel->rodata->wakeup_bytes = rb_size / 4;
	skel->rodata->far_ring_bytes = rb_size / 2;
	skel->rodata->offcpu_enabled = !o->no_offcpu;
	skel->rodata->min_block_ns = o->min_block_ns;
	skel->rodata->copy_user_stack = !o->fp_only;
	skel->rodata->copy_wait_stack = !o->fp_only;
	bpf_program__set_autoattach(skel->progs.sample_oncpu, false);
	bpf_program__set_autoattach(skel->progs.sample_oncpu_py, false);
	bpf_program__set_autoattach(skel->progs.ksym_lookup, false);	/* run */
	set_python(skel, o->python);
	if (o->no_offcpu) {
		bpf_program__set_autoload(skel->progs.offcpu_switch, false);
		bpf_program__set_autoload(skel->progs.offcpu_switch_py, false);
		bpf_program__set_autoload(skel->progs.offcpu_waking, false);
		bpf_map__set_max_entries(skel->maps.stacks, 1);
		bpf_map__set_max_entries(skel->maps.offcpu, 1);
		bpf_map__set_max_entries(skel->maps.offcpu_top, 1);
	}
	if (o->no_io) {
		bpf_program__set_autoload(skel->progs.io_enter, false);
		bpf_program__set_autoload(skel->progs.io_exit, false);
		bpf_program__set_autoload(skel->progs.io_exit_py, false);
		bpf_program__set_autoload(skel->progs.io_fork, false);
		bpf_program__set_autoload(skel->progs.io_fork_py, false);
		bpf_program__set_autoload(skel->progs.io_exec, false);
		bpf_program__set_autoload(skel->progs.io_dead_switch, false);
		bpf_program__set_autoload(skel->progs.io_thread_exit, false);
		bpf_map__set_max_entries(skel->maps.io_fds, 1);
		bpf_map__set_max_entries(skel->maps.io_execd, 1);
		bpf_map__set_max_entries(skel->maps.io_site_rules, 1);
		bpf_map__set_max_entries(skel->maps.io_sites, 1);
	}
}

/*
 * A SEC_TP_BTF program is loaded as libbpf loads a tp_btf one, but with
 * the attach point's BTF id from the cut (record/corebtf.c): it is
 * declared a raw tracepoint until here, so that libbpf does not read the
 * kernel's BTF to find the id itself (libbpf 1.1 does for every tracing
 * program, at every load).
 */
static int tp_btf_prepare(struct bpf_program *prog,
			  struct bpf_prog_load_opts *opts, long cookie)
{
	const char *tp = bpf_program__section_name(prog) + strlen(TP_BTF_SEC);
	int id = core_btf_tp_id((struct core_btf *)cookie, tp);

	if (id <= 0) {
		pr_err("no BTF id for the tracepoint %s: %s\n", tp,
		       strerror(id ? -id : ENOENT));
		return id ? id : -ENOENT;
	}
	opts->attach_btf_id = id;
	return bpf_program__set_type(prog, BPF_PROG_TYPE_TRACING);
}

static int tp_btf_attach(const struct bpf_program *prog, long cookie,
			 struct bpf_link **link)
{
	(void)cookie;
	*link = bpf_program__attach_trace(prog);
	return *link ? 0 : -errno;
}

static int tp_btf_handler(struct core_btf *c)
{
	LIBBPF_OPTS(libbpf_prog_handler_opts, o,
		    .cookie = (long)c,
		    .prog_prepare_load_fn = tp_btf_prepare,
		    .prog_attach_fn = tp_btf_attach);

	return libbpf_register_prog_handler(TP_BTF_SEC,
					    BPF_PROG_TYPE_RAW_TRACEPOINT,
					    BPF_TRACE_RAW_TP, &o);
}

/* The tracepoints obj's programs attach to: tps[], NULL-terminated. */
static void tp_names(struct bpf_object *obj, const char **tps, int max)
{
	struct bpf_program *p;
	const char *sec;
	int n = 0, i;

	bpf_object__for_each_program(p, obj) {
		sec = bpf_program__section_name(p);
		if (strncmp(sec, TP_BTF_SEC, strlen(TP_BTF_SEC)))
			continue;
		sec += strlen(TP_BTF_SEC);
		for (i = 0; i < n && strcmp(tps[i], sec); i++)
			;
		if (i == n && n < max - 1)
			tps[n++] = sec;
	}
	tps[n] = NULL;
}

/* An instance of the object, relocated against the cut BTF if there is. */
static struct whyslow_bpf *open_skel(const struct record_bpf *b)
{
	LIBBPF_OPTS(bpf_object_open_opts, opts,
		    .btf_custom_path = b->core_btf.fd >= 0 ? b->core_btf.path :
							     NULL);

	return whyslow_bpf__open_opts(&opts);
}

/* to's maps are from's, but those from did not create. */
static int reuse_maps(struct whyslow_bpf *from, struct whyslow_bpf *to)
{
	struct bpf_map *m1, *m2 = NULL;
	int err;

	bpf_object__for_each_map(m1, from->obj) {
		m2 = bpf_object__next_map(to->obj, m2);
		if (!m2 || strcmp(bpf_map__name(m1), bpf_map__name(m2)))
			return -EINVAL;
		if (bpf_map__fd(m1) < 0)
			continue;
		err = bpf_map__reuse_fd(m2, bpf_map__fd(m1));
		if (err)
			return err;
	}
	return 0;
}

/* Which part loads each program the knobs want (-1: none): the largest
 * first, each to the part with fewer instructions so far. */
static void split_programs(struct whyslow_bpf *skel, int *part, int n)
{
	struct bpf_object_skeleton *s = skel->skeleton;
	size_t load[2] = { 0, 0 }, size;
	int i, j, big;

	for (i = 0; i < n; i++)
		part[i] = bpf_program__autoload(*s->progs[i].prog) ? -2 : -1;
	for (;;) {
		big = -1;
		for (j = 0; j < n; j++)
			if (part[j] == -2 && (big < 0 ||
			    bpf_program__insn_cnt(*s->progs[j].prog) >
			    bpf_program__insn_cnt(*s->progs[big].prog)))
				big = j;
		if (big < 0)
			return;
		size = bpf_program__insn_cnt(*s->progs[big].prog);
		part[big] = load[1] < load[0];
		load[part[big]] += size;
	}
}

struct part_load {
	struct whyslow_bpf *skel;
	int err;
};

static void *load_part_thread(void *arg)
{
	struct part_load *l = arg;

	l->err = whyslow_bpf__load(l->skel);
	return NULL;
}

/* Part k: the programs of part[] k, on the maps of b->skel. */
static struct whyslow_bpf *open_part(struct record_bpf *b, const int *part,
				     int k)
{
	struct whyslow_bpf *skel = open_skel(b);
	struct bpf_object_skeleton *s;
	int i;

	if (!skel)
		return NULL;
	set_knobs(skel, &b->knobs);
	s = skel->skeleton;
	for (i = 0; i < s->prog_cnt; i++)
		bpf_program__set_autoload(*s->progs[i].prog, part[i] == k);
	errno = -reuse_maps(b->skel, skel);
	if (errno) {
		whyslow_bpf__destroy(skel);
		return NULL;
	}
	return skel;
}

/*
 * Loads the object: 0 or -errno.  The verifier takes most of a start
 * (20 ms, 60 with the Python walker), and it can check two programs at
 * once: the programs are loaded by two instances of the object, one on
 * another thread, after a first instance made the maps they share
 * (b->skel, with no program: libbpf 1.1 makes an object's maps and loads
 * its programs in one call).
 */
static int load_all(struct record_bpf *b)
{
	int part[MAX_PROGS], i, err;
	struct part_load l = { 0 };
	struct bpf_object_skeleton *s;
	pthread_t t;

	b->skel = open_skel(b);
	if (!b->skel)
		return -errno;
	set_knobs(b->skel, &b->knobs);
	s = b->skel->skeleton;
	if (s->prog_cnt > MAX_PROGS)
		return -E2BIG;
	split_programs(b->skel, part, s->prog_cnt);
	for (i = 0; i < s->prog_cnt; i++)
		bpf_program__set_autoload(*s->progs[i].prog, false);
	err = whyslow_bpf__load(b->skel);
	for (i = 0; !err && i < 2; i++)
		if (!(b->part[i] = open_part(b, part, i)))
			err = -errno;
	if (err)
		return err;
	l.skel = b->part[0];
	err = -pthread_create(&t, NULL, load_part_thread, &l);
	if (err)
		return err;
	err = whyslow_bpf__load(b->part[1]);
	pthread_join(t, NULL);
	return err ?: l.err;
}

/* The instances, for a load again. */
static void destroy_all(struct record_bpf *b)
{
	int i;

	for (i = 0; i < 2; i++) {
		whyslow_bpf__destroy(b->part[i]);
		b->part[i] = NULL;
	}
	whyslow_bpf__destroy(b->skel);
	b->skel = NULL;
}

struct record_bpf *record_bpf_open(const struct record_bpf_knobs *o)
{
	const char *tps[MAX_PROGS];
	struct record_bpf *b;
	const void *elf;
	size_t elf_len;
	int err;

	b = calloc(1, sizeof(*b));
	if (!b)
		return NULL;
	b->knobs = *o;
	libbpf_set_print(o->verbose ? libbpf_print_verbose : libbpf_print_quiet);
	b->tp_handler = tp_btf_handler(&b->core_btf);
	if (b->tp_handler < 0) {
		pr_err("cannot register a libbpf section handler: %s\n",
		       strerror(-b->tp_handler));
		goto fail;
	}
	elf = whyslow_bpf__elf_bytes(&elf_len);
	if (!core_btf_cached(&b->core_btf, elf, elf_len)) {
		/* its BTF names the types to cut, its sections the
		 * tracepoints */
		b->skel = whyslow_bpf__open();
		if (!b->skel) {
			pr_err("cannot open BPF object: %s\n",
			       strerror(errno));
			goto fail;
		}
		tp_names(b->skel->obj, tps, MAX_PROGS);
		core_btf_make(&b->core_btf, bpf_object__btf(b->skel->obj),
			      tps);
		whyslow_bpf__destroy(b->skel);
		b->skel = NULL;
	}
	err = load_all(b);
	if (err && b->core_btf.fd >= 0) {
		/* relocated against the kernel's whole BTF, as libbpf would */
		pr_debug("loading with the cut BTF failed (%s): again with "
			 "the kernel's\n", strerror(-err));
		destroy_all(b);
		core_btf_close(&b->core_btf, true);
		err = load_all(b);
	}
	if (err) {
		pr_err("the kernel refused whyslow's BPF programs (%s); "
		       "run with -v for the verifier log\n", strerror(-err));
		goto fail;
	}
	return b;
fail:
	record_bpf_close(b);
	return NULL;
}

int record_bpf_trace(struct record_bpf *b, uint32_t pid)
{
	uint8_t one = 1;

	if (bpf_map_update_elem(bpf_map__fd(b->skel->maps.traced), &pid, &one,
				BPF_ANY))
		return -errno;
	return 0;
}

/* Program j of the object as the part that loaded it has it (and its
 * link's place), or NULL. */
static struct bpf_program *part_prog(const struct record_bpf *b, int j,
				     struct bpf_link ***link)
{
	struct bpf_object_skeleton *s;
	int i;

	for (i = 0; i < 2; i++) {
		s = b->part[i] ? b->part[i]->skeleton : NULL;
		if (s && j >= 0 && j < s->prog_cnt &&
		    bpf_program__fd(*s->progs[j].prog) >= 0) {
			if (link)
				*link = s->progs[j].link;
			return *s->progs[j].prog;
		}
	}
	return NULL;
}

/* prog, one of b->skel's (which loads none), as the part that loaded it
 * has it (and its link's place), or NULL. */
static struct bpf_program *loaded_prog(const struct record_bpf *b,
				       const struct bpf_program *prog,
				       struct bpf_link ***link)
{
	const struct bpf_object_skeleton *s = b->skel->skeleton;
	int j;

	for (j = 0; j < s->prog_cnt; j++)
		if (*s->progs[j].prog == prog)
			return part_prog(b, j, link);
	return NULL;
}

/* In the object's order, whichever part loaded them, as one instance
 * would (programs of one tracepoint run in the order attached). */
int record_bpf_attach(struct record_bpf *b)
{
	struct bpf_link **link;
	struct bpf_program *p;
	int j;

	for (j = 0; j < b->skel->skeleton->prog_cnt; j++) {
		p = part_prog(b, j, &link);
		if (!p || !bpf_program__autoattach(p))
			continue;
		*link = bpf_program__attach(p);
		if (!*link) {
			pr_err("cannot attach %s: %s\n", bpf_program__name(p),
			       strerror(errno));
			return 1;
		}
	}
	return 0;
}

/* The sampler that is loaded: of the Python instance once it is. */
static struct bpf_program *sampler_prog(const struct record_bpf *b)
{
	const struct whyslow_bpf *m = b->skel;

	if (b->py)
		return b->py->progs.sample_oncpu_py;
	return loaded_prog(b, b->knobs.python ? m->progs.sample_oncpu_py :
						m->progs.sample_oncpu, NULL);
}

/* prog on the cpu-clock event of every CPU at b->freq Hz: 0, or 1 with
 * the error printed. */
static int attach_sampler(struct record_bpf *b, struct bpf_program *prog)
{
	struct perf_event_attr attr = {
		.type = PERF_TYPE_SOFTWARE,
		.config = PERF_COUNT_SW_CPU_CLOCK,	/* no hardware PMU needed */
		.size = sizeof(attr),
		.freq = 1,
		.sample_freq = b->freq,
	};
	int n = libbpf_num_possible_cpus(), cpu, fd;

	if (!prog) {
		pr_err("the sampler is not loaded\n");
		return 1;
	}
	if (!b->links)
		b->links = calloc(n > 0 ? n : 1, sizeof(*b->links));
	if (!b->links)
		return 1;
	for (cpu = 0; cpu < n; cpu++) {
		fd = syscall(__NR_perf_event_open, &attr, -1, cpu, -1,
			     PERF_FLAG_FD_CLOEXEC);
		if (fd < 0 && errno == ENODEV)
			continue;	/* offline CPU */
		if (fd < 0) {
			pr_err("cannot open the cpu-clock event on CPU %d: %s\n",
			       cpu, strerror(errno));
			return 1;
		}
		b->links[b->n_links] = bpf_program__attach_perf_event(prog, fd);
		if (!b->links[b->n_links]) {
			pr_err("cannot attach the sampler on CPU %d: %s\n", cpu,
			       strerror(errno));
			close(fd);
			return 1;
		}
		b->n_links++;
	}
	return 0;
}

int record_bpf_attach_sampler(struct record_bpf *b, unsigned int freq)
{
	b->freq = freq;
	return attach_sampler(b, sampler_prog(b));
}

/* The walking programs of the second instance take their counterparts'
 * places: attached first, the others detached after (for a moment both
 * run: the second finds a syscall or a switch already accounted, and a
 * fork twice is counted once, user/record/io.c), the sampler moved. */
static int py_swap(struct record_bpf *b)
{
	struct bpf_program *plain[PY_PAIRS], *walking[PY_PAIRS];
	struct bpf_link **link;
	int i, err;

	err = whyslow_bpf__attach(b->py);
	if (err)
		return err;
	py_pairs(b->skel, plain, walking);
	for (i = 1; i < PY_PAIRS; i++)	/* [0]: the sampler, below */
		if (loaded_prog(b, plain[i], &link) && *link) {
			bpf_link__destroy(*link);
			*link = NULL;
		}
	if (!b->links)
		return 0;	/* no sampler yet */
	for (i = 0; i < b->n_links; i++)
		bpf_link__destroy(b->links[i]);
	b->n_links = 0;
	return attach_sampler(b, b->py->progs.sample_oncpu_py) ? -EIO : 0;
}

/* The second instance, loaded and in place: 0 or -errno. */
static int load_python(struct record_bpf *b)
{
	struct bpf_program *plain[PY_PAIRS], *walking[PY_PAIRS], *p;
	struct bpf_program *other[PY_PAIRS];
	struct record_bpf_knobs k = b->knobs;
	struct whyslow_bpf *py;
	int i, err;

	py = open_skel(b);
	if (!py)
		return -errno;
	k.python = true;
	set_knobs(py, &k);
	/* the walking programs whose counterparts run, nothing else */
	bpf_object__for_each_program(p, py->obj)
		bpf_program__set_autoload(p, false);
	py_pairs(py, other, walking);
	py_pairs(b->skel, plain, other);
	for (i = 0; i < PY_PAIRS; i++)
		bpf_program__set_autoload(walking[i],
					  loaded_prog(b, plain[i], NULL));
	b->py = py;
	err = reuse_maps(b->skel, b->py);
	if (!err)
		err = whyslow_bpf__load(b->py);
	if (!err)
		err = py_swap(b);
	return err;
}

static void *load_python_thread(void *arg)
{
	struct record_bpf *b = arg;

	b->py_err = load_python(b);
	return NULL;
}

int record_bpf_load_python(struct record_bpf *b)
{
	int err;

	if (b->knobs.python || b->py_tried)
		return 0;
	b->py_tried = true;
	err = pthread_create(&b->py_thread, NULL, load_python_thread, b);
	if (err) {
		b->py_err = -err;
		return -err;
	}
	b->py_loading = true;
	return 0;
}

/* The loading thread's end, and what came of it. */
static void wait_python(struct record_bpf *b)
{
	if (!b->py_loading)
		return;
	pthread_join(b->py_thread, NULL);
	b->py_loading = false;
	if (b->py_err)
		pr_warn("cannot load whyslow's Python walker (%s): no Python "
			"stacks since the first CPython process; run with -v "
			"for the verifier log\n", strerror(-b->py_err));
	else
		pr_debug("Python walker loaded\n");
}

void record_bpf_set_start(struct record_bpf *b, uint64_t start_ns)
{
	b->skel->bss->record_start_ns = start_ns;
}

int record_bpf_events_fd(const struct record_bpf *b)
{
	return bpf_map__fd(b->skel->maps.events);
}

int record_bpf_py_procs_fd(const struct record_bpf *b)
{
	return bpf_map__fd(b->skel->maps.py_procs);
}

int record_bpf_io_fds_fd(const struct record_bpf *b)
{
	return bpf_map__fd(b->skel->maps.io_fds);
}

int record_bpf_io_site_rules_fd(const struct record_bpf *b)
{
	return bpf_map__fd(b->skel->maps.io_site_rules);
}

int record_bpf_io_sites_fd(const struct record_bpf *b)
{
	return bpf_map__fd(b->skel->maps.io_sites);
}

int record_bpf_stack_far_fd(const struct record_bpf *b)
{
	return bpf_map__fd(b->skel->maps.stack_far);
}

int record_bpf_stack_far_exe_fd(const struct record_bpf *b)
{
	return bpf_map__fd(b->skel->maps.stack_far_exe);
}

struct offcpu_maps record_bpf_offcpu_maps(const struct record_bpf *b)
{
	return (struct offcpu_maps){
		.offcpu_fd = bpf_map__fd(b->skel->maps.offcpu),
		.start_fd = bpf_map__fd(b->skel->maps.offcpu_start),
		.stacks_fd = bpf_map__fd(b->skel->maps.stacks),
	};
}

/* ---- reading the maps ---- */

uint64_t record_bpf_counter(const struct record_bpf *b, enum ws_counter which)
{
	int n = libbpf_num_possible_cpus(), i;
	uint32_t key = which;
	uint64_t *vals, sum = 0;

	if (n <= 0 || !(vals = calloc(n, sizeof(*vals))))
		return 0;
	if (!bpf_map_lookup_elem(bpf_map__fd(b->skel->maps.counters), &key, vals))
		for (i = 0; i < n; i++)
			sum += vals[i];
	free(vals);
	return sum;
}

uint64_t record_bpf_oncpu_open_ns(const struct record_bpf *b,
				  uint64_t start_ns, uint64_t end)
{
	int n = libbpf_num_possible_cpus(), i;
	struct oncpu_slot *slots;
	uint64_t ns = 0, start;
	uint32_t zero = 0;

	if (n <= 0 || !(slots = calloc(n, sizeof(*slots))))
		return 0;
	if (!bpf_map_lookup_elem(bpf_map__fd(b->skel->maps.oncpu_since), &zero,
				 slots))
		for (i = 0; i < n; i++) {
			start = slots[i].since > start_ns ? slots[i].since :
							    start_ns;
			if (slots[i].tid && slots[i].since && end > start)
				ns += end - start;
		}
	free(slots);
	return ns;
}

/* Its cost, which the sampled tasks pay and which a too high -F lets
 * dominate, as it timed itself. */
uint64_t record_bpf_sampler_ns(const struct record_bpf *b)
{
	return record_bpf_counter(b, WS_CNT_SAMPLER_NS);
}

static uint64_t missed_runs(const struct whyslow_bpf *skel)
{
	const struct bpf_object_skeleton *s = skel ? skel->skeleton : NULL;
	struct bpf_prog_info info;
	uint64_t n = 0;
	__u32 len;
	int i, fd;

	for (i = 0; s && i < s->prog_cnt; i++) {
		fd = bpf_program__fd(*s->progs[i].prog);
		memset(&info, 0, sizeof(info));
		len = sizeof(info);
		if (fd >= 0 && !bpf_obj_get_info_by_fd(fd, &info, &len))
			n += info.recursion_misses;
	}
	return n;
}

/* Runs of its programs the kernel skipped because one was already running
 * on the CPU (a tracepoint hit inside it, or its perf event firing in
 * it): what it did not see. */
uint64_t record_bpf_missed_runs(const struct record_bpf *b)
{
	return missed_runs(b->part[0]) + missed_runs(b->part[1]) +
	       missed_runs(b->py);
}

int record_bpf_ksym(struct record_bpf *b, uint64_t addr, char *buf,
		    size_t size)
{
	struct bpf_program *p = loaded_prog(b, b->skel->progs.ksym_lookup,
					    NULL);
	const char *name = b->skel->bss->ksym_name;
	LIBBPF_OPTS(bpf_test_run_opts, run);

	if (!p)
		return -ENOENT;
	b->skel->bss->ksym_addr = addr;
	if (bpf_prog_test_run_opts(bpf_program__fd(p), &run))
		return -errno;
	snprintf(buf, size, "%.*s", (int)strnlen(name, WS_KSYM_LEN), name);
	return 0;
}

bool record_bpf_has_ksym(struct record_bpf *b)
{
	char name[WS_KSYM_LEN];

	/* loaded, and the kernel lets us run it (an address of no symbol) */
	return !record_bpf_ksym(b, 0, name, sizeof(name));
}

int record_bpf_read_py_codes(struct record_bpf *b, struct collector *c)
{
	struct ws_py_code_key key, next;
	struct ws_py_code code;
	void *prev = NULL;
	int fd, err;

	wait_python(b);
	if (b->py_err)
		return 0;

	/* the instance that walks: it alone has the map */
	fd = bpf_map__fd(b->py ? b->py->maps.py_codes : b->skel->maps.py_codes);
	if (fd < 0)
		return 0;

	while (!bpf_map_get_next_key(fd, prev, &next)) {
		key = next;
		prev = &key;
		if (bpf_map_lookup_elem(fd, &key, &code))
			continue;
		err = collector_add_py_code(c, &key, &code);
		if (err)
			return err;
	}
	return 0;
}

/*
 * Detaches the tracepoint programs, the last attached first.  Of two
 * programs on one tracepoint, taking off the first makes the kernel wait
 * for an RCU grace period (tracepoint_remove_func(): the probe array's
 * first element changed), ~15 ms each here on sched_process_fork,
 * sched_process_exit and sched_switch, most of `record -- true`'s exit;
 * taking off the second first does not, and then the last one needs no
 * wait either.
 */
static void detach_reversed(const struct record_bpf *b)
{
	struct bpf_object_skeleton *s = b->py ? b->py->skeleton : NULL;
	struct bpf_link **link;
	int j;

	for (j = s ? s->prog_cnt - 1 : -1; j >= 0; j--) {
		bpf_link__destroy(*s->progs[j].link);
		*s->progs[j].link = NULL;
	}
	for (j = b->skel ? b->skel->skeleton->prog_cnt - 1 : -1; j >= 0; j--)
		if (part_prog(b, j, &link)) {
			bpf_link__destroy(*link);
			*link = NULL;
		}
}

void record_bpf_close(struct record_bpf *b)
{
	int i;

	if (!b)
		return;
	wait_python(b);
	for (i = 0; i < b->n_links; i++)
		bpf_link__destroy(b->links[i]);
	free(b->links);
	free(b->func_names);
	detach_reversed(b);
	whyslow_bpf__destroy(b->py);
	destroy_all(b);
	core_btf_close(&b->core_btf, false);
	if (b->tp_handler > 0)
		libbpf_unregister_prog_handler(b->tp_handler);
	free(b);
}

const char *const *record_bpf_func_names(struct record_bpf *b)
{
	const struct btf *btf = bpf_object__btf(b->skel->obj);
	__u32 i, n = btf ? btf__type_cnt(btf) : 0, k = 0;
	const struct btf_type *t;
	const char *name;

	free(b->func_names);
	b->func_names = calloc(n + 1, sizeof(*b->func_names));
	if (!b->func_names)
		return NULL;
	for (i = 1; i < n; i++) {
		t = btf__type_by_id(btf, i);
		name = t && btf_is_func(t) ?
		       btf__name_by_offset(btf, t->name_off) : NULL;
		if (name && name[0])
			b->func_names[k++] = name;
	}
	return b->func_names;
}
