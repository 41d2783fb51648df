// SPDX-License-Identifier: GPL-2.0
/*
 * The summary's Data quality section: what was lost, cut short or left
 * unsymbolized, and what recording cost.  Built as a string before the
 * other sections so that its room is reserved in the budget up front.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/util.h"
#include "analyze/aggregate.h"
#include "analyze/hints_rules.h"
#include "analyze/shortfall.h"
#include "report/md_quality.h"
#include "report/md_util.h"

#define NOTE_MAX_BYTES		300	/* a note in Data quality */
#define MAX_NOTES		10	/* notes shown; JSON has them all */

/* Why the CFI walk stopped short, when it did: "; of which ...". */
static void quality_unwind_stops(FILE *f, const struct profile_quality *q)
{
	const struct {
		uint64_t n;
		const char *why;
	} stops[] = {
		{ q->truncated_copy_end, "stack copy too short" },
		{ q->truncated_no_cfi, "no CFI (JIT or stripped code)" },
		{ q->truncated_no_copy, "no stack copy" },
		{ q->truncated_bad_rule, "CFI rule not followed" },
	};
	const char *sep = "; of which ";
	size_t i;

	for (i = 0; i < ARRAY_SIZE(stops); i++) {
		if (!stops[i].n)
			continue;
		fprintf(f, "%s%" PRIu64 " %s", sep, stops[i].n, stops[i].why);
		sep = ", ";
	}
}

static void quality_stacks(FILE *f, const struct aggregate *agg,
			   const struct profile_quality *q)
{
	fprintf(f, "- Truncated stacks: %.1f%% of samples (%" PRIu64,
		pct_of(agg->truncated_samples, agg->samples),
		agg->truncated_samples);
	quality_unwind_stops(f, q);
	fputc(')', f);
	if (agg->truncated_samples > q->py_truncated_samples)
		fputs(q->cfi_unwinding ?
		      ": callers above the cut are missing, so totals of outer "
		      "functions are low" :
		      ": usually code built without frame pointers "
		      "(-fno-omit-frame-pointer); callers above the cut are "
		      "missing, so totals of outer functions are low", f);
	if (q->py_truncated_samples)
		fprintf(f, "; %.1f%% of samples had Python stacks cut short "
			"(deeper than the walker's bound of %d frames, a frame "
			"unreadable or not valid code), whose outermost frames "
			"are missing", pct_of(q->py_truncated_samples,
					      agg->samples),
			PROFILE_PY_MAX_FRAMES);
	if (q->py_invalid_samples)
		fprintf(f, "; in %" PRIu64 " samples the Python walk met a "
			"frame whose code object did not validate and ended "
			"there, showing no frame from it on",
			q->py_invalid_samples);
	if (q->py_native_mismatch_samples)
		fprintf(f, "; in %.1f%% of samples CPython's native frames did "
			"not match the Python frames, so the C code between "
			"Python calls is missing (only what ran below the "
			"innermost Python frame is shown)",
			pct_of(q->py_native_mismatch_samples, agg->samples));
	fputs(q->cfi_unwinding ?
	      ".\n- Unwinding: frame pointers, completed with .eh_frame rules "
	      "from an 8 KiB copy of the user stack per sample (2 KiB per "
	      "wait of 100 µs or more, and the first of each stack; shorter "
	      "waits get the frames CFI found there put back, the callers "
	      "that all such stacks had where frame pointers found none); a "
	      "stack deeper than its copy (8 KiB, or up to 64 KiB for a "
	      "process whose samples kept needing more) ends there" :
	      ".\n- Unwinding: user stacks follow frame pointers only "
	      "(--fp-only), so a function that sets up no frame (a leaf, or "
	      "code built without them) hides its caller even in stacks not "
	      "counted as truncated", f);
	fprintf(f, ".\n- Frames without symbols: %.1f%% (%" PRIu64 " of %"
		PRIu64 "), in %.1f%% of samples (not counted as truncated)"
		".\n- Stack read errors: %" PRIu64 " kernel, %" PRIu64
		" user.\n",
		pct_of(q->frames_unresolved, q->frames_total),
		q->frames_unresolved, q->frames_total,
		pct_of(q->unresolved_samples, agg->samples), q->kstack_errors,
		q->ustack_errors);
	if (agg->empty_samples)
		fprintf(f, "- Samples without any frame: %" PRIu64
			" (in no function or path).\n", agg->empty_samples);
}

static void quality_offcpu(FILE *f, const struct aggregate *agg,
			   const struct profile_quality *q)
{
	char min_block[DURATION_SIZE];

	if (!q->offcpu) {
		fputs("- Off-CPU traced: no; only on-CPU time is known.\n", f);
		return;
	}
	fprintf(f, "- Off-CPU traced: yes; %" PRIu64 " intervals dropped (map "
		"full), %" PRIu64 " stack collisions",
		q->offcpu_dropped, q->stack_collisions);
	if (q->min_block_ns) {
		fmt_duration(min_block, q->min_block_ns);
		fprintf(f, "; waits shorter than %s (%.1f%% of off-CPU "
			"time) keep no kernel stack, their time, user stack "
			"and target still count", min_block,
			pct_of(q->offcpu_short_ns, agg->time.offcpu_ns));
	}
	fputs(".\n", f);
}

/* I/O events lost, or I/O not traced when waits show it happened. */
static void quality_io(FILE *f, const struct profile *p,
		       const struct aggregate *agg)
{
	const uint64_t *ns = agg->time.ns;
	char n[NUM_SIZE];

	if (p->quality.io_dropped)
		fprintf(f, "- I/O events lost: %" PRIu64 " (ring buffer or BPF "
			"map full, or untimed reads and writes on a "
			"descriptor another thread closed); file, endpoint "
			"and program figures are low.\n",
			p->quality.io_dropped);
	/* fewer untimed calls than this are at most a few ms of estimated
	 * time: not worth a line of the budget */
	if (p->quality.io_untimed >= 1000) {
		hint_fmt_count(n, p->quality.io_untimed);
		fprintf(f, "- Reads and writes a thread repeats on one "
			"descriptor are timed 1 in %d: %s were not, their "
			"on-CPU time taken from the thread's last timed call "
			"there (counts, bytes and off-CPU time are exact).\n",
			(int)p->quality.io_timed_every, n);
	}
	if (!p->io.traced &&
	    (ns[WAIT_DISK] || ns[WAIT_NETWORK] || ns[WAIT_PIPE] ||
	     ns[WAIT_CHILD]))
		fputs("- I/O syscalls not traced: the files, endpoints and "
		      "programs behind the waits are unknown.\n", f);
}

static void quality_sampling(FILE *f, const struct profile *p,
			     const struct aggregate *agg)
{
	const struct profile_quality *q = &p->quality;
	char period[DURATION_SIZE];

	fmt_duration(period, p->period_ns);
	fprintf(f, "- Frequency: %" PRIu32 " Hz, one sample = %s of CPU time",
		p->frequency_hz, period);
	if (q->requested_hz > q->max_hz && q->max_hz)
		fprintf(f, "; %" PRIu32 " Hz requested, clamped to the kernel "
			"limit kernel.perf_event_max_sample_rate = %" PRIu32,
			q->requested_hz, q->max_hz);
	fputs(".\n", f);
	if (q->kernel_addrs_hidden)
		fputs("- Kernel addresses hidden (kernel.kptr_restrict): "
		      "kernel frames are unresolved.\n", f);
	fprintf(f, "- Uncertainty: `~` marks a share resting on fewer than "
		"%d samples; ± is its standard error in percentage points, "
		"100·√(p(1−p)/n), n = %" PRIu64 ".\n",
		MIN_TRUSTED_SAMPLES, agg->samples);
}

/* Samples fewer than the CPU time measured stands for: lost in the full
 * ring buffer, or never taken. */
static void quality_shortfall(FILE *f, const struct profile *p,
			      const struct aggregate *agg)
{
	uint64_t lost = p->quality.lost_samples;
	struct shortfall sf;

	if (!shortfall_of(p, agg->samples, &sf))
		return;
	fprintf(f, "- Missing samples: %" PRIu64 " samples kept of ≈%" PRIu64
		" expected from %.2f s of CPU at %" PRIu32 " Hz: %.1f%% "
		"missing", sf.kept, sf.expected,
		p->quality.cpu_sampled_ns / 1e9, p->frequency_hz,
		sf.missing_pct);
	if (lost)
		fprintf(f, "; %" PRIu64 " of them lost (ring buffer full)", lost);
	if (sf.kept + lost < sf.expected - sf.expected / 50)
		fprintf(f, "; %s never taken: the sampling timer fired late "
			"(%s)%s", lost ? "the rest were" : "they were",
			shortfall_steal_notable(p) ?
			"the hypervisor's steal, below" :
			"its own cost, or a busy or virtual CPU",
			p->frequency_hz > 1000 ? "; a lower -F loses fewer" : "");
	fputs("; shares stay right, times from samples are low.\n", f);
}

/*
 * A virtual CPU the hypervisor gave to something else: its task still
 * counts as running (wall time, the scheduler's CPU time) but is not,
 * so no sample is taken and rusage, which leaves steal out, is lower.
 */
static void quality_steal(FILE *f, const struct profile *p)
{
	char steal[DURATION_SIZE], all[DURATION_SIZE], held[DURATION_SIZE];
	char sched[DURATION_SIZE], rusage[DURATION_SIZE];
	int64_t held_ns = shortfall_held_ns(p);

	if (!shortfall_steal_notable(p))
		return;
	fmt_duration(steal, p->quality.steal_ns);
	fmt_duration(all, p->wall_ns * p->n_cpus);
	fprintf(f, "- Steal: the hypervisor took %s of the %s of the "
		"machine's %" PRIu32 " CPUs during the recording (%.0f%%, "
		"/proc/stat)", steal, all, p->n_cpus, shortfall_steal_pct(p));
	if (held_ns >= 0) {
		fmt_duration(held, (uint64_t)held_ns < p->quality.steal_ns ?
				   (uint64_t)held_ns : p->quality.steal_ns);
		fmt_duration(sched, p->quality.cpu_sampled_ns);
		fmt_duration(rusage, p->cpu_user_ns + p->cpu_sys_ns);
		fprintf(f, ", up to %s of it from the traced tasks while on a "
			"CPU (the scheduler's clock counted %s of CPU, rusage "
			"%s): such time counts as on a CPU in wall and "
			"critical-path times and takes no samples.\n", held,
			sched, rusage);
		return;
	}
	fputs(": time stolen from a traced task counts as on a CPU in wall "
	      "and critical-path times, takes no samples, and is not in "
	      "rusage's CPU time.\n", f);
}

/* The sampler's cost, when it is a large part of the time measured. */
static void quality_cost(FILE *f, const struct profile *p)
{
	if (!shortfall_costly(p))
		return;
	fprintf(f, "- Sampling cost: the sampler itself ran %.2f s, %.0f%% of "
		"the %.2f s of CPU time measured (the sampled tasks pay for "
		"it): CPU times are inflated; use a lower -F than %" PRIu32
		".\n", p->quality.sampler_ns / 1e9, shortfall_cost_pct(p),
		p->quality.cpu_sampled_ns / 1e9, p->frequency_hz);
}

/*
 * What whyslow cost the run: its tracing code on the traced threads (left
 * out of the stacks) and its own process.  Shares are of the CPU time,
 * which includes the first.  Profiles saved before it was counted say
 * nothing.
 */
static void quality_overhead(FILE *f, const struct profile *p,
			     const struct aggregate *agg)
{
	const struct profile_quality *q = &p->quality;
	uint64_t cpu = p->cpu_user_ns + p->cpu_sys_ns;
	char tracing[DURATION_SIZE], own[DURATION_SIZE];

	if (!q->tracing_samples && !q->whyslow_cpu_ns)
		return;
	if (!cpu)
		cpu = agg->time.ns[WAIT_NONE] + q->tracing_ns;
	fmt_duration(tracing, q->tracing_ns);
	fmt_duration(own, q->whyslow_cpu_ns);
	fprintf(f, "- whyslow's own cost: its tracing code (BPF programs, "
		"tracepoints, perf output of its side-band records) ran %s "
		"on the traced threads, %.1f%% of the CPU time (%" PRIu64
		" samples), cut from every stack: functions, paths and "
		"on-CPU time leave it out, the CPU and wall times include "
		"it%s; whyslow's own process used %s of CPU, %.1f%% as much "
		"as the traced programs.\n", tracing,
		pct_of(q->tracing_ns, cpu), q->tracing_samples,
		agg->cp_known ? " (the critical path gives it to the samples "
		"of the same run)" : "", own, pct_of(q->whyslow_cpu_ns, cpu));
}

/* The record stage's own lines, in full in the JSON only. */
static void quality_notes(FILE *f, const struct profile *p)
{
	char note[CLEAN_SIZE(NOTE_MAX_BYTES)];
	size_t i;

	for (i = 0; i < p->n_notes && i < MAX_NOTES; i++) {
		md_text(note, p->notes[i], NOTE_MAX_BYTES, false, true);
		fprintf(f, "- %s\n", note);
	}
	if (p->n_notes > MAX_NOTES)
		fprintf(f, "- %zu more notes: see the JSON output.\n",
			p->n_notes - MAX_NOTES);
}

/* What whyslow did not see at all: its figures are low by unknown
 * amounts. */
static void quality_untraced(FILE *f, const struct profile_quality *q)
{
	if (q->untraced_forks)
		fprintf(f, "- Processes not traced: %" PRIu64 " children of "
			"traced processes (whyslow's map of them full); their "
			"time is missing.\n", q->untraced_forks);
	if (q->bpf_missed_runs)
		fprintf(f, "- Tracing runs skipped by the kernel: %" PRIu64
			" (a BPF program already running on that CPU); waits, "
			"samples or children may be missing.\n",
			q->bpf_missed_runs);
	if (q->waits_end_unseen)
		fprintf(f, "- Waits whose end the kernel did not report: %"
			PRIu64 " (its tracepoints run no BPF program while "
			"some tasks are current); each ends where its "
			"thread's CPU time says, without its kernel stack.\n",
			q->waits_end_unseen);
}

/* Another tool's file: what it holds and the notes on it, no counters
 * that were never recorded. */
static void quality_foreign(FILE *f, const struct profile *p,
			    const struct aggregate *agg)
{
	fprintf(f, "\n## Data quality\n\n- Samples: %" PRIu64 " in the "
		"file; losses, truncation and symbolization were not "
		"recorded.\n", agg->samples);
	if (p->quality.offcpu)
		fputs("- Off-CPU: waits from the file's values and reason "
		      "labels.\n", f);
	fprintf(f, "- Uncertainty: `~` marks a share resting on fewer than "
		"%d samples; ± is its standard error in percentage points, "
		"100·√(p(1−p)/n), n = %" PRIu64 ".\n",
		MIN_TRUSTED_SAMPLES, agg->samples);
	quality_notes(f, p);
}

/* The data-quality section as a string, to reserve its room up front. */
/* Lines of Data quality on how whyslow measures, not on what went
 * wrong: a budget too small for the whole section goes without them. */
static bool method_line(const char *line)
{
	static const char *const prefixes[] = {
		"- Unwinding: frame pointers, completed", "- Uncertainty: ",
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(prefixes); i++)
		if (!strncmp(line, prefixes[i], strlen(prefixes[i])))
			return true;
	return false;
}

bool md_quality_brief(char *quality)
{
	char *line = quality, *end, *out = quality;
	bool cut = false;
	size_t len;

	for (; *line; line = end) {
		end = strchr(line, '\n');
		end = end ? end + 1 : line + strlen(line);
		len = end - line;
		if (method_line(line)) {
			cut = true;
			continue;
		}
		memmove(out, line, len);
		out += len;
	}
	*out = '\0';
	return cut;
}

char *md_quality(const struct profile *p, const struct aggregate *agg,
		 const struct unnamed_code *unnamed)
{
	const struct profile_quality *q = &p->quality;
	char *text = NULL;
	size_t len = 0;
	FILE *f;

	f = open_memstream(&text, &len);
	if (!f)
		return NULL;
	if (p->foreign) {
		quality_foreign(f, p, agg);
		goto out;
	}
	fprintf(f, "\n## Data quality\n\n"
		"- Samples: %" PRIu64 " kept, %" PRIu64 " lost (ring buffer "
		"full), %" PRIu64 " mmap/comm records lost",
		agg->samples, q->lost_samples, q->lost_sideband);
	if (q->waits_to_map)
		fprintf(f, "; %" PRIu64 " long waits kept without their kernel "
			"stack (ring buffer full)", q->waits_to_map);
	fputs(".\n", f);
	quality_untraced(f, q);
	quality_shortfall(f, p, agg);
	quality_steal(f, p);
	quality_cost(f, p);
	quality_overhead(f, p, agg);
	if (q->maps_cut)
		fprintf(f, "- Memory maps cut short: %" PRIu64 " processes' "
			"/proc maps over whyslow's caps; frames in the rest "
			"are unsymbolized.\n", q->maps_cut);
	quality_stacks(f, agg, q);
	md_quality_symbols(f, q);
	md_unnamed_quality(f, unnamed, agg->samples);
	quality_offcpu(f, agg, q);
	quality_io(f, p, agg);
	quality_sampling(f, p, agg);
	quality_notes(f, p);
out:
	if (fclose(f)) {
		free(text);
		return NULL;
	}
	return text;
}
