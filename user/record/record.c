// SPDX-License-Identifier: GPL-2.0
/* The record stage; see record.h. */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <linux/perf_event.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "lib/log.h"
#include "lib/util.h"
#include "record/blocked.h"
#include "record/bpf.h"
#include "record/collect.h"
#include "record/events.h"
#include "record/io.h"
#include "record/iosites.h"
#include "record/launch.h"
#include "record/netwait.h"
#include "record/offcpu.h"
#include "proc/procfs.h"
#include "python/attach.h"
#include "python/command.h"
#include "record/record.h"
#include "record/ringbuf.h"
#include "record/stackfar.h"
#include "proc/sideband.h"

/* how soon the reader sees a new process's first samples: a process
 * whose stack needs a longer copy (stackfar.c), or a Python that needs
 * the walker loaded, loses its stacks until then (convert: 32% of its
 * samples cut at 100 ms, 10% at 20 ms) */
#define POLL_MS		20
#define STATUS_MS	250
#define IO_SWEEP_MS	1000	/* descriptors of exited processes */

struct recorder {
	const struct record_opts *o;
	struct record_bpf *bpf;
	struct ringbuf *rb;
	struct sideband *sb;
	struct proc_table procs;
	struct collector *coll;
	struct symbolizer *sym;
	struct py_attach *py;
	struct offcpu_maps offcpu;
	struct io_trace *io;		/* NULL with --no-io */
	struct py_stacks *py_stacks;
	struct io_sites *sites;		/* NULL with --no-io */
	struct stack_splices *splices;
	struct stack_far far;
	struct launch child;
	int child_pidfd;
	int *pid_fds;			/* pidfds of the -p targets */
	uint32_t *targets;		/* -p: the targets, then the processes
					 * under them when it started */
	size_t n_targets;
	struct record_events ev;	/* where ring-buffer events go */
	uint64_t last_sweep_ns;
	uint64_t start_ns;
	uint64_t start_realtime_ns;	/* the same moment, wall clock */
	uint64_t cpu_ns;		/* see cpu_sampled_ns() */
	uint64_t sampler_ns;		/* see record_bpf_sampler_ns() */
	uint64_t steal_start_ns;	/* the machine's steal time at the
					 * start; UINT64_MAX unknown */
	uint64_t steal_ns;		/* its growth to the end; 0 */
	struct blocked_tasks blocked;	/* -p: threads that may sleep
					 * through the recording */
	uint64_t targets_gone_ns;	/* -p: when the last target exited,
					 * ending the recording; 0 */
};

static volatile sig_atomic_t stop_requested;
/* after the recording: a signal then stops symbolizing, not the command */
static volatile sig_atomic_t finishing, finish_cancel;
static volatile pid_t forward_to;

/* A signal typed at the terminal reaches the command too; one sent with
 * kill(1) to whyslow alone is passed on, so the command ends as well. */
static uint64_t realtime_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return ts.tv_sec * NSEC_PER_SEC + ts.tv_nsec;
}

static void on_stop_signal(int sig, siginfo_t *si, void *uctx)
{
	(void)uctx;
	stop_requested = 1;
	if (finishing)
		finish_cancel = 1;
	if (forward_to > 0 && si && si->si_code == SI_USER)
		kill(forward_to, sig);
}

void record_request_stop(void)
{
	stop_requested = 1;
}

static void install_signals(void)
{
	struct sigaction sa = { .sa_sigaction = on_stop_signal,
				.sa_flags = SA_SIGINFO };

	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
}

static int has_capability(int cap)
{
	unsigned long long eff = 0;
	struct procfs_lines l;

	if (procfs_lines_open(&l, "/proc/self/status", PROCFS_SMALL_MAX,
			      PROCFS_SMALL_LINE))
		return 0;
	while (procfs_lines_next(&l))
		if (sscanf(l.line, "CapEff: %llx", &eff) == 1)
			break;
	procfs_lines_close(&l);
	return (eff >> cap) & 1;
}

static int check_environment(void)
{
	enum { CAP_SYS_ADMIN_ = 21, CAP_PERFMON_ = 38, CAP_BPF_ = 39 };
	bool admin = has_capability(CAP_SYS_ADMIN_);
	bool bpf = admin || has_capability(CAP_BPF_);
	bool perfmon = admin || has_capability(CAP_PERFMON_);

	if (!bpf || !perfmon) {
		pr_err("missing %s%s%s: BPF tracing needs root; "
		       "run it as `sudo whyslow ...`\n",
		       bpf ? "" : "CAP_BPF", !bpf && !perfmon ? " and " : "",
		       perfmon ? "" : "CAP_PERFMON");
		return 1;
	}
	if (access("/sys/kernel/btf/vmlinux", R_OK)) {
		pr_err("this kernel has no BTF "
		       "(/sys/kernel/btf/vmlinux is missing); whyslow needs a "
		       "kernel built with CONFIG_DEBUG_INFO_BTF=y\n");
		return 1;
	}
	return 0;
}

static unsigned int kernel_max_hz(void)
{
	unsigned int hz = 0;
	char buf[32];
	bool cut;

	if (procfs_read("/proc/sys/kernel/perf_event_max_sample_rate", buf,
			sizeof(buf), &cut) <= 0 || sscanf(buf, "%u", &hz) != 1)
		hz = 0;
	return hz;
}

static uint64_t timeval_ns(const struct timeval *tv)
{
	return tv->tv_sec * NSEC_PER_SEC + tv->tv_usec * 1000ull;
}

static uint64_t read_counter(struct recorder *r, enum ws_counter which)
{
	return record_bpf_counter(r->bpf, which);
}

/*
 * CPU time of the traced tasks while sampling, from the scheduler's
 * switches (threads still running at end count up to end), else from the
 * command's rusage; 0 when neither is known.  Measured apart from the
 * samples, it says how many samples there should be.
 */
/*
 * The traced threads' CPU time from the scheduler: what the switches added
 * up, plus the stretches still open on a CPU.  A switch-out between the
 * two reads moves a stretch from one to the other: read again until none
 * came between them.
 */
static uint64_t oncpu_ns(struct recorder *r, uint64_t end)
{
	uint64_t before, open, after = 0;
	int tries;

	for (tries = 0; tries < 8; tries++) {
		before = record_bpf_counter(r->bpf, WS_CNT_ONCPU_NS);
		open = record_bpf_oncpu_open_ns(r->bpf, r->start_ns, end);
		after = record_bpf_counter(r->bpf, WS_CNT_ONCPU_NS);
		if (before == after)
			break;
	}
	return after + open;
}

static uint64_t cpu_sampled_ns(struct recorder *r, const struct rusage *ru,
			       bool exited, uint64_t end)
{
	if (r->o->no_offcpu)
		return exited ? timeval_ns(&ru->ru_utime) +
				timeval_ns(&ru->ru_stime) : 0;
	return oncpu_ns(r, end);
}

static uint64_t steal_since(uint64_t start)
{
	uint64_t now;

	if (start == UINT64_MAX || procfs_steal_ns("/proc", &now) ||
	    now < start)
		return 0;
	return now - start;
}

static int trace_pid(struct recorder *r, uint32_t pid)
{
	int err = record_bpf_trace(r->bpf, pid);

	if (err)
		pr_err("cannot trace PID %u: %s\n", pid, strerror(-err));
	return err;
}

/*
 * -p: the processes the targets had started before (a server's workers,
 * postgres's backends, a shell's job) are traced too, as those they start
 * from now on are.  Read once the targets are traced and followed into
 * their forks, so that no process falls between the two.
 */
static int trace_descendants(struct recorder *r)
{
	const struct record_opts *o = r->o;
	uint32_t *under;
	size_t n, i;
	int err;

	if (!o->n_pids)
		return 0;
	err = procfs_descendants("/proc", o->pids, o->n_pids,
				 WS_MAX_TRACED / 2, &under, &n);
	if (err) {
		pr_err("cannot read the processes under PID %u: %s\n",
		       o->pids[0], strerror(-err));
		return 1;
	}
	r->targets = calloc(o->n_pids + n, sizeof(*r->targets));
	if (!r->targets) {
		free(under);
		return 1;
	}
	memcpy(r->targets, o->pids, o->n_pids * sizeof(*r->targets));
	r->n_targets = o->n_pids;
	/* not whyslow itself, under the shell that -p names (-p $$) */
	for (i = 0; i < n; i++)
		if (under[i] != (uint32_t)getpid())
			r->targets[r->n_targets++] = under[i];
	n = r->n_targets - o->n_pids;
	free(under);
	for (i = o->n_pids; i < r->n_targets; i++) {
		err = record_bpf_trace(r->bpf, r->targets[i]);
		if (err) {
			pr_warn("%zu of the %zu processes under the targets "
				"are not traced: %s\n", r->n_targets - i, n,
				strerror(-err));
			r->n_targets = i;
			break;
		}
	}
	pr_debug("-p: %zu processes under the targets traced too\n",
		 r->n_targets - o->n_pids);
	return 0;
}

static int open_bpf(struct recorder *r)
{
	const struct record_opts *o = r->o;
	const struct record_bpf_knobs k = {
		.all = o->all,
		.freq = o->freq,
		.no_offcpu = o->no_offcpu,
		.no_io = o->no_io,
		.fp_only = o->fp_only,
		.min_block_ns = o->min_block_ns,
		.verbose = o->verbose,
		/* A command that runs CPython, or processes that may (-p, -a:
		 * a machine runs some Python): their first samples have their
		 * Python frames, and no second instance of the programs is
		 * loaded later (another parse of the kernel's BTF: 20 MB);
		 * otherwise the walker waits for one (see collect_loop()). */
		.python = o->all || o->n_pids ||
			  (o->argv && python_command(o->argv[0])),
	};
	size_t i;
	int err = 0;

	r->bpf = record_bpf_open(&k);
	if (!r->bpf)
		return 1;
	collector_set_own_progs(r->coll, record_bpf_func_names(r->bpf));
	for (i = 0; i < o->n_pids && !err; i++)
		err = trace_pid(r, o->pids[i]);
	if (!err && r->child.pid > 0)
		err = trace_pid(r, r->child.pid);
	if (err || record_bpf_attach(r->bpf) || trace_descendants(r))
		return 1;
	r->py = py_attach_new(record_bpf_py_procs_fd(r->bpf));
	if (!r->py)
		return 1;
	if (!o->no_io &&
	    (!(r->io = io_trace_new()) ||
	     !(r->sites = io_sites_new(record_bpf_io_site_rules_fd(r->bpf),
				       record_bpf_io_sites_fd(r->bpf)))))
		return 1;
	r->py_stacks = py_stacks_new();
	if (!r->py_stacks)
		return 1;
	r->splices = splices_new();
	if (!r->splices)
		return 1;
	stack_far_init(&r->far, o->fp_only ? -1 :
				record_bpf_stack_far_fd(r->bpf),
		       record_bpf_stack_far_exe_fd(r->bpf));
	r->offcpu = record_bpf_offcpu_maps(r->bpf);
	r->offcpu.sym = r->sym;
	r->offcpu.splices = r->splices;
	r->offcpu.procfs = "/proc";
	r->offcpu.py = r->py;
	r->offcpu.kinds = &r->ev.kinds;
	r->ev = (struct record_events){
		.sb = r->sb,
		.procs = &r->procs,
		.coll = r->coll,
		.sym = r->sym,
		.py = r->py,
		.offcpu = &r->offcpu,
		.io = r->io,
		.py_stacks = r->py_stacks,
		.sites = r->sites,
		.splices = r->splices,
		.far = &r->far,
		.all = o->all,
	};
	r->rb = ringbuf_new(record_bpf_events_fd(r->bpf),
			    record_events_handle, &r->ev);
	if (!r->rb) {
		pr_err("cannot open the ring buffer: %s\n", strerror(errno));
		return 1;
	}
	return 0;
}

static int open_targets(struct recorder *r)
{
	const struct record_opts *o = r->o;
	struct proc *p;
	size_t i;
	int err;

	r->pid_fds = calloc(o->n_pids + 1, sizeof(*r->pid_fds));
	if (!r->pid_fds)
		return 1;
	for (i = 0; i < o->n_pids; i++)
		r->pid_fds[i] = -1;
	for (i = 0; i < o->n_pids; i++) {
		r->pid_fds[i] = syscall(SYS_pidfd_open, o->pids[i], 0);
		if (r->pid_fds[i] < 0 && errno == ESRCH) {
			pr_err("no process with PID %u\n", o->pids[i]);
			return 1;
		}
	}
	if (o->argv) {
		err = launch_held(o->argv, o->as_root, &r->child);
		if (err) {
			pr_err("cannot start %s: %s\n", o->argv[0],
			       strerror(-err));
			return 1;
		}
		p = proc_table_get(&r->procs, r->child.pid);
		if (!p)
			return 1;
		p->complete = true;	/* its exec is seen by the side-band */
		r->child_pidfd = syscall(SYS_pidfd_open, r->child.pid, 0);
	}
	return 0;
}

static void load_target_maps(struct recorder *r)
{
	size_t i;

	for (i = 0; i < r->n_targets; i++)
		proc_table_load(&r->procs, r->targets[i], "/proc");
}

/* A pidfd turns readable when its process exits, zombie or not. */
static bool pids_alive(const struct recorder *r)
{
	struct pollfd pfd = { .events = POLLIN };
	size_t i;

	for (i = 0; i < r->o->n_pids; i++) {
		pfd.fd = r->pid_fds[i];
		if (pfd.fd < 0 || poll(&pfd, 1, 0) == 0)
			return true;
	}
	return false;
}

static void show_status(struct recorder *r, uint64_t now)
{
	fprintf(stderr, "\r\033[Kwhyslow: %.1f s, %llu samples, %llu lost",
		(now - r->start_ns) / 1e9, (unsigned long long)r->ev.samples,
		(unsigned long long)read_counter(r, WS_CNT_RINGBUF_FULL));
}

/* Every event written so far; the first error stops the recording. */
static void consume(struct recorder *r)
{
	int err = ringbuf_consume(r->rb);

	if (err && !r->ev.err)
		r->ev.err = err;
}

static void collect_loop(struct recorder *r, int *cmd_status, struct rusage *ru)
{
	uint64_t deadline = r->o->duration_s > 0 ?
		r->start_ns + (uint64_t)(r->o->duration_s * NSEC_PER_SEC) : 0;
	bool tty = isatty(STDERR_FILENO) && !r->o->verbose;
	uint64_t last_status = 0, now;
	struct pollfd pfd[3] = {
		{ .fd = ringbuf_epoll_fd(r->rb), .events = POLLIN },
		{ .fd = sideband_epoll_fd(r->sb), .events = POLLIN },
		{ .fd = r->child_pidfd, .events = POLLIN },
	};

	while (!stop_requested && !r->ev.err) {
		poll(pfd, r->child_pidfd >= 0 ? 3 : 2, POLL_MS);
		record_events_drain(&r->ev);
		if (py_attach_seen(r->py))
			record_bpf_load_python(r->bpf);
		consume(r);
		now = monotonic_ns();
		if (r->io && now - r->last_sweep_ns >= IO_SWEEP_MS * 1000000ull) {
			r->ev.err = io_trace_sweep(r->io,
						record_bpf_io_fds_fd(r->bpf),
						&r->procs, false);
			io_sites_sweep(r->sites, &r->procs, false);
			r->last_sweep_ns = now;
		}
		if (r->child.pid > 0 &&
		    (*cmd_status = launch_wait(r->child.pid, WNOHANG, ru)) >= 0) {
			r->child.pid = -1;
			break;
		}
		if (deadline && now >= deadline)
			break;
		if (r->o->n_pids && !pids_alive(r)) {
			r->targets_gone_ns = now;
			break;
		}
		if (tty && now - last_status >= STATUS_MS * 1000000ull) {
			show_status(r, now);
			last_status = now;
		}
	}
	if (tty)
		fprintf(stderr, "\r\033[K");
	/* before the last samples are read: none is missed by the count */
	r->cpu_ns = cpu_sampled_ns(r, ru, *cmd_status >= 0, monotonic_ns());
	r->sampler_ns = record_bpf_sampler_ns(r->bpf);
	r->steal_ns = steal_since(r->steal_start_ns);
	consume(r);
	record_events_drain(&r->ev);
}

static void fill_wall_time(struct recorder *r, struct profile *out,
			   uint32_t child_pid, bool exited)
{
	const struct proc *p = proc_table_find(&r->procs, child_pid);
	uint64_t end = monotonic_ns();
	long n;

	if (exited && p && p->exit_time > r->start_ns)
		end = p->exit_time;	/* the kernel's own exit timestamp */
	out->wall_ns = end - r->start_ns;
	n = sysconf(_SC_NPROCESSORS_ONLN);
	out->n_cpus = n > 0 ? n : 0;
}

/* CPU time from rusage when the command was reaped, else from samples. */
static void fill_cpu_times(struct profile *out, const struct rusage *ru,
			   bool exited)
{
	size_t i;

	if (exited) {
		out->cpu_user_ns = timeval_ns(&ru->ru_utime);
		out->cpu_sys_ns = timeval_ns(&ru->ru_stime);
		out->cpu_from_rusage = true;
		return;
	}
	/* samples in tracing code ran in the kernel */
	out->cpu_sys_ns = out->quality.tracing_ns;
	for (i = 0; i < out->n_stacks; i++) {
		if (out->stacks[i].reason != WAIT_NONE)
			continue;
		if (out->stacks[i].kernel_mode)
			out->cpu_sys_ns += out->stacks[i].ns;
		else
			out->cpu_user_ns += out->stacks[i].ns;
	}
}

/* whyslow's CPU so far, its threads' and that of children other than
 * the command (ru, when it exited and was waited for). */
static uint64_t own_cpu_ns(const struct rusage *cmd, bool exited)
{
	struct rusage self, children;
	uint64_t ns, cmd_ns;

	if (getrusage(RUSAGE_SELF, &self) || getrusage(RUSAGE_CHILDREN,
						       &children))
		return 0;
	ns = timeval_ns(&children.ru_utime) + timeval_ns(&children.ru_stime);
	cmd_ns = exited ? timeval_ns(&cmd->ru_utime) +
			  timeval_ns(&cmd->ru_stime) : 0;
	ns = ns > cmd_ns ? ns - cmd_ns : 0;
	return ns + timeval_ns(&self.ru_utime) + timeval_ns(&self.ru_stime);
}

/* The command as a shell takes it (procfs_argv_join's quoting), or
 * -p's targets, or -a. */
static char *join_command(const struct record_opts *o)
{
	size_t len = 64, i, n = 0, words = 0;
	char *s, *raw;

	for (i = 0; o->argv && o->argv[i]; i++, words++)
		len += strlen(o->argv[i]) + 1;
	/* a byte as '\'' at most, two quotes and a space a word */
	s = calloc(1, 4 * len + 3 * words + o->n_pids * 12);
	if (!s)
		return NULL;
	if (o->argv) {
		raw = malloc(len);
		if (!raw) {
			free(s);
			return NULL;
		}
		for (i = 0; o->argv[i]; i++) {
			strcpy(raw + n, o->argv[i]);
			n += strlen(o->argv[i]) + 1;
		}
		procfs_argv_join(raw, n, s, 4 * len + 3 * words);
		free(raw);
	} else if (o->all) {
		strcpy(s, PROFILE_COMMAND_ALL);
	} else {
		strcpy(s, "-p ");
		for (i = 0; i < o->n_pids; i++)
			sprintf(s + strlen(s), "%s%u", i ? "," : "", o->pids[i]);
	}
	return s;
}

static int read_offcpu(struct recorder *r, uint64_t end_ns,
		       uint64_t *short_ns)
{
	int err;

	if (r->o->no_offcpu)
		return 0;
	err = offcpu_collect(&r->offcpu, r->coll, &r->procs, end_ns, short_ns);
	return err ? err : blocked_collect(&r->blocked, &r->offcpu, r->coll,
					   &r->procs, r->py, &r->ev.kinds,
					   end_ns);
}

/* Data quality lines of the stages, e.g. a Python whyslow cannot walk. */
static int copy_notes(struct recorder *r, struct profile *out)
{
	char **lines, *line;
	size_t n = py_attach_unsupported(r->py, &lines), i;
	int err = 0;

	for (i = 0; i < n && !err; i++)
		err = profile_add_note(out, lines[i]);
	if (!err)
		err = blocked_notes(&r->blocked, out);
	if (!err)
		err = stack_far_notes(&r->far, &r->procs,
				      read_counter(r, WS_CNT_FAR_SKIPPED), out);
	if (!err && r->targets_gone_ns) {
		/* -p: the recording is as long as the processes lasted */
		if (asprintf(&line, "The traced process%s exited %.2f s into "
			     "the recording, which ended with %s%s",
			     r->o->n_pids > 1 ? "es" : "",
			     (r->targets_gone_ns - r->start_ns) / 1e9,
			     r->o->n_pids > 1 ? "them" : "it",
			     r->o->duration_s > 0 ? ", before the -d asked "
			     "for" : "") < 0)
			return -ENOMEM;
		err = profile_add_note(out, line);
		free(line);
	}
	if (!err && r->ev.py_waits_lost) {
		if (asprintf(&line, "%" PRIu64 " waits of Python threads "
			     "lost their Python stack (ring buffer full): "
			     "their native frames are kept",
			     r->ev.py_waits_lost) < 0)
			return -ENOMEM;
		err = profile_add_note(out, line);
		free(line);
	}
	return err;
}

static void copy_symbolizer_stats(const struct symbolizer *sym,
				  struct profile_quality *q)
{
	struct symbolizer_stats st;

	symbolizer_get_stats(sym, &st);
	q->dwarf_refused = st.dwarf_refused;
	q->symbols_refused = st.symbols_refused;
	q->perfmap_lines_skipped = st.perfmap_lines_skipped;
	q->perfmap_bytes_skipped = st.perfmap_bytes_skipped;
	q->perfmap_refused = st.perfmap_refused;
}

/* The path of the command, or of the one process -p names (the recording
 * ends with it), from its thread that ended it (a Go program's main
 * goroutine's, wherever it ran last), else its first; none for -a or
 * several processes. */
static int critical_path(struct recorder *r, struct profile *out,
			 uint32_t child_pid)
{
	struct cp_timeline *tl;
	uint32_t root = child_pid;
	int err;

	if (!root && r->o->n_pids == 1)
		root = r->o->pids[0];
	if (!root)
		return 0;
	err = collector_timeline(r->coll, out, &tl);
	if (err || !tl)
		return err;
	if (r->io) {
		tl->births = io_trace_births(r->io, &tl->n_births);
		err = netwait_split(out, tl, r->io);
		if (err)
			return err;
	}
	return critpath_build(out, tl, &(struct cp_window){
		.root_tid = root,
		.end_tid = r->io ? io_trace_exit_tid(r->io, root) : 0,
		.start = r->start_ns, .end = r->start_ns + out->wall_ns });
}

static int finish_profile(struct recorder *r, struct profile *out,
			  const struct rusage *ru, uint32_t child_pid,
			  bool exited, unsigned int max_hz)
{
	struct symbolizer *sym = r->sym;
	int err = 0;

	fill_wall_time(r, out, child_pid, exited);
	out->quality.cpu_sampled_ns = r->cpu_ns;
	out->quality.sampler_ns = r->sampler_ns;
	out->quality.steal_ns = r->steal_ns;
	out->root_pid = child_pid;
	err = record_bpf_read_py_codes(r->bpf, r->coll);
	if (!err)
		err = read_offcpu(r, r->start_ns + out->wall_ns,
				  &out->quality.offcpu_short_ns);
	if (err) {
		pr_err("cannot read off-CPU data: %s\n", strerror(-err));
		return 1;
	}
	out->quality.blocked_before = r->blocked.found;
	out->quality.blocked_stacks = r->blocked.stacks;
	out->frequency_hz = r->o->freq;
	out->period_ns = NSEC_PER_SEC / r->o->freq;
	out->command = join_command(r->o);
	out->time_ns = r->start_realtime_ns;
	if (r->io)
		err = io_trace_sweep(r->io, record_bpf_io_fds_fd(r->bpf),
				     &r->procs, true);
	if (!err)
		err = collector_finish(r->coll, &r->procs, sym, out->period_ns,
				       out);
	if (!err && !r->o->no_offcpu)
		err = critical_path(r, out, child_pid);
	if (!err && r->io)
		err = io_trace_finish(r->io, &r->procs, child_pid,
				      r->start_ns + out->wall_ns, out);
	out->io.blocked_known = r->io && !r->o->no_offcpu;
	out->quality.kernel_addrs_hidden = symbolizer_kernel_hidden(sym);
	copy_symbolizer_stats(sym, &out->quality);
	if (finish_cancel)
		pr_warn("interrupted: frames not symbolized yet are left "
			"unresolved\n");
	if (err) {
		pr_err("error while symbolizing: %s\n", strerror(-err));
		return 1;
	}
	fill_cpu_times(out, ru, exited);
	if (copy_notes(r, out))
		return 1;
	out->quality.max_hz = max_hz;
	out->quality.offcpu = !r->o->no_offcpu;
	out->quality.min_block_ns = r->o->min_block_ns;
	out->quality.offcpu_dropped = read_counter(r, WS_CNT_OFFCPU_FULL);
	out->quality.stack_collisions = read_counter(r, WS_CNT_STACK_COLLISION);
	out->quality.lost_samples = read_counter(r, WS_CNT_RINGBUF_FULL);
	out->quality.waits_to_map = read_counter(r, WS_CNT_WAIT_TO_MAP);
	out->quality.kstack_errors = read_counter(r, WS_CNT_KSTACK_ERR);
	out->quality.ustack_errors = read_counter(r, WS_CNT_USTACK_ERR);
	out->quality.lost_sideband = sideband_lost(r->sb);
	out->quality.maps_cut = r->procs.maps_cut;
	out->quality.io_dropped = read_counter(r, WS_CNT_IO_DROPPED) +
				  (r->io ? io_trace_births_dropped(r->io) : 0);
	out->quality.untraced_forks = read_counter(r, WS_CNT_TRACED_FULL);
	out->quality.bpf_missed_runs = record_bpf_missed_runs(r->bpf);
	out->quality.waits_end_unseen = read_counter(r, WS_CNT_WAIT_END_UNSEEN);
	out->quality.cfi_unwinding = !r->o->fp_only;
	out->quality.whyslow_cpu_ns = own_cpu_ns(ru, exited);
	return 0;
}

/* symbolizer_ksym_fn: record_bpf_ksym() */
static int kernel_symbol(void *bpf, uint64_t addr, char *buf, size_t size)
{
	return record_bpf_ksym(bpf, addr, buf, size);
}

static void close_recorder(struct recorder *r)
{
	size_t i;

	ringbuf_free(r->rb);
	record_bpf_close(r->bpf);
	sideband_close(r->sb);
	collector_free(r->coll);
	io_trace_free(r->io);
	io_sites_free(r->sites);
	symbolizer_free(r->sym);
	py_attach_free(r->py);
	py_stacks_free(r->py_stacks);
	splices_free(r->splices);
	stack_far_free(&r->far);
	pynative_kinds_free(&r->ev.kinds);
	proc_table_free(&r->procs);
	blocked_free(&r->blocked);
	if (r->child_pidfd >= 0)
		close(r->child_pidfd);
	for (i = 0; r->pid_fds && i < r->o->n_pids; i++)
		if (r->pid_fds[i] >= 0)
			close(r->pid_fds[i]);
	free(r->pid_fds);
	free(r->targets);
}

int record_run(const struct record_opts *given, struct profile *out,
	       struct record_result *res)
{
	struct record_opts opts = *given;	/* -F may be lowered */
	const struct record_opts *o = &opts;
	struct recorder r = { .o = o, .child = { .pid = -1 }, .child_pidfd = -1 };
	struct rusage ru = { 0 };
	unsigned int max_hz = kernel_max_hz();
	uint32_t child_pid = 0;
	int ret;

	res->cmd_status = -1;
	res->running_pid = 0;
	memset(out, 0, sizeof(*out));
	out->quality.requested_hz = o->freq;
	if ((ret = check_environment()))
		return ret;
	if (max_hz && o->freq > max_hz) {
		pr_warn("-F %u is above the kernel's limit "
			"(kernel.perf_event_max_sample_rate = %u); "
			"sampling at %u Hz\n", o->freq, max_hz, max_hz);
		opts.freq = max_hz;
	}
	proc_table_init(&r.procs);
	install_signals();
	r.coll = collector_new();
	r.sym = symbolizer_new(NULL);
	r.sb = sideband_open();
	if (!r.coll || !r.sym || !r.sb) {
		pr_err("cannot open perf side-band events: %s\n",
		       strerror(errno));
		ret = 1;
		goto out;
	}
	if (!o->argv && o->n_pids != 1)
		collector_skip_timeline(r.coll);	/* see critical_path() */
	if ((ret = open_targets(&r)) || (ret = open_bpf(&r)) ||
	    (ret = record_bpf_attach_sampler(r.bpf, o->freq)))
		goto out;
	load_target_maps(&r);
	/* Kernel addresses are looked up in the kernel, one by one; else
	 * kallsyms is read (~70 ms of CPU, half of it the kernel's), on
	 * another thread as the command runs, not beside the verifier. */
	if (record_bpf_has_ksym(r.bpf)) {
		symbolizer_set_kernel_lookup(r.sym, kernel_symbol, r.bpf);
		pr_debug("kernel symbols: looked up in the kernel\n");
	}
	symbolizer_preload_kernel(r.sym);
	child_pid = r.child.pid > 0 ? r.child.pid : 0;
	forward_to = r.child.pid;
	/* before the start: a thread that runs after it is not one */
	if (o->n_pids && !o->no_offcpu &&
	    (ret = blocked_snapshot(&r.blocked, "/proc", r.targets,
				    r.n_targets)))
		goto out;
	r.start_ns = monotonic_ns();
	r.start_realtime_ns = realtime_ns();
	if (procfs_steal_ns("/proc", &r.steal_start_ns))
		r.steal_start_ns = UINT64_MAX;
	record_bpf_set_start(r.bpf, r.start_ns);
	r.offcpu.start_ns = r.start_ns;
	record_events_drain(&r.ev);
	/* after the drain: the Python processes are known, to walk */
	if (o->n_pids && !o->no_offcpu) {
		ret = blocked_seed(&r.blocked, &r.offcpu, r.coll, r.py);
		if (ret)
			goto out;
		r.ev.blocked = &r.blocked;
	}
	if (r.child.pid > 0 && (ret = launch_release(&r.child, o->argv[0])))
		goto out;
	collect_loop(&r, &res->cmd_status, &ru);
	finish_cancel = 0;
	finishing = 1;
	symbolizer_set_cancel(r.sym, &finish_cancel);
	ret = finish_profile(&r, out, &ru, child_pid, res->cmd_status >= 0,
			     max_hz);
	pr_debug("I/O sites: %llu events with stacks, %llu repeats, %llu "
		 "without stacks (ring buffer half full), %llu sites "
		 "registered\n", (unsigned long long)r.ev.io_full,
		 (unsigned long long)r.ev.io_again,
		 (unsigned long long)r.ev.io_untold,
		 (unsigned long long)io_sites_registered(r.sites));
	if (r.ev.err)
		pr_err("error while recording: %s\n", strerror(-r.ev.err));
out:
	finishing = 0;
	close_recorder(&r);
	if (r.child.pid > 0 && ret)
		launch_abort(&r.child);
	else if (r.child.pid > 0)
		res->running_pid = r.child.pid;
	forward_to = 0;
	return ret;
}
