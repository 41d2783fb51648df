/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the writers' tests share: rendering a profile in one format, and
 * the hand-built profiles several of them render (a client waiting on the
 * network, a Python script with its source, a run that does I/O).
 */
#ifndef WHYSLOW_REPORT_FIXTURE_H
#define WHYSLOW_REPORT_FIXTURE_H

#include "profile_fixture.h"
#include "output_check.h"

#include "report/report.h"

/* p rendered in format; malloc'd. */
static inline char *render(const struct profile *p,
			   enum report_format format, int top,
			   int budget_tokens)
{
	struct report_opts opts = {
		.format = format,
		.top = top,
		.budget_tokens = budget_tokens,
	};

	return report_text(p, &opts);
}

static inline char *render_md(const struct profile *p)
{
	return render(p, FORMAT_MD, 0, 0);
}

static inline const char *last_line(const char *text)
{
	size_t len = strlen(text);
	const char *line;

	assert_true(len > 1 && text[len - 1] == '\n');
	for (line = text + len - 1; line > text && line[-1] != '\n'; line--)
		;
	return line;
}

/*
 * "./client" (pid 100) parses for cpu_samples samples and waits net_ns on
 * the network in fetch_one, 1% of it in waits too short to keep a stack;
 * the wall time is the two together.
 */
static inline struct profile *client_profile(uint64_t cpu_samples,
					     uint64_t net_ns)
{
	struct profile *p = fx_new("./client");
	uint32_t m, parse, fetch, recv, k;

	p->wall_ns = cpu_samples * FX_PERIOD_NS + net_ns;
	p->cpu_user_ns = cpu_samples * FX_PERIOD_NS;
	p->cpu_sys_ns = 0;
	p->root_pid = 100;
	p->quality.offcpu = true;
	p->quality.min_block_ns = 10000;
	p->quality.offcpu_short_ns = 10000000ull;	/* the stackless wait */
	fx_proc(p, 100, 1, "client", "/home/u/client");
	m = fx_frame_at(p, "main", "client", CLASS_APP, "client.c", 60);
	parse = fx_frame_at(p, "parse", "client", CLASS_APP, "client.c", 20);
	fetch = fx_frame_at(p, "fetch_one", "client", CLASS_APP, "client.c",
			    42);
	recv = fx_frame(p, "recv", "libc.so.6", CLASS_RUNTIME);
	k = fx_frame(p, "tcp_recvmsg", "[kernel]", CLASS_KERNEL);
	FX_STACK(p, 100, 100, cpu_samples, m, parse);
	FX_WAIT(p, 100, 100, 50, WAIT_NETWORK, net_ns - net_ns / 100,
		"recv from 127.0.0.1:8080", m, fetch, recv, k);
	fx_wait(p, fx_stack_n(p, 100, 100, 40, NULL, 0), WAIT_NETWORK,
		net_ns / 100, "recv from 127.0.0.1:8080");
	return p;
}

/*
 * python3 linkcheck.py: Checker.check runs line 3 for 700 samples and
 * calls a C extension from line 4 for 300; the source is in dir.
 */
static inline struct profile *python_profile(const char *dir, char **file)
{
	static const char source[] =
		"class Checker:\n"
		"    def check(self):\n"
		"        for url in self.urls:  # `slow` | here  \n"
		"            self.seen |= {match_links(url, PATTERN, "
		"flags=IGNORECASE | MULTILINE | DOTALL | VERBOSE | ASCII)}\n";
	struct profile *p = fx_new("python3 linkcheck.py");
	uint32_t mod, c3, c4, ext;

	*file = fx_write_file(dir, "linkcheck.py", source,
			      sizeof(source) - 1);
	fx_proc(p, 100, 1, "python3", "/usr/bin/python3.12");
	mod = fx_frame_at(p, "<module>", "linkcheck.py", CLASS_APP, *file, 9);
	c3 = fx_frame_at(p, "Checker.check", "linkcheck.py", CLASS_APP,
			  *file, 3);
	c4 = fx_frame_at(p, "Checker.check", "linkcheck.py", CLASS_APP,
			  *file, 4);
	ext = fx_frame(p, "match_links", "_speedups.so", CLASS_LIBRARY);
	FX_STACK(p, 100, 100, 700, mod, c3);
	FX_STACK(p, 100, 100, 300, mod, c4, ext);
	return p;
}

#define MS	1000000ull

/*
 * python3 linkcheck.py for 4 s: 42 requests one at a time to
 * 127.0.0.1:8080 from check (3.6 s, off-CPU), which also runs re._compile
 * (30 samples) and git 12 times; read_file (10 samples) opens four pages
 * five times each; /etc/hosts fails to open twice.
 */
static inline struct profile *io_profile(void)
{
	struct profile *p = fx_new("python3 linkcheck.py links.md");
	uint32_t mod, check, conn, rf, rc;
	struct io_endpoint *e;
	int32_t site, fsite;
	struct io_file *f;
	char path[64];
	int i;

	p->wall_ns = 4000 * MS;
	p->root_pid = 100;
	p->quality.offcpu = true;
	p->quality.io_dropped = 3;
	p->quality.untraced_forks = 2;
	p->quality.bpf_missed_runs = 5;
	p->quality.waits_end_unseen = 4;
	p->io.blocked_known = true;
	fx_proc(p, 100, 1, "python3", "/usr/bin/python3");
	mod = fx_frame_at(p, "<module>", "linkcheck.py", CLASS_APP,
			  "/home/u/linkcheck.py", 30);
	check = fx_frame_at(p, "check", "linkcheck.py", CLASS_APP,
			    "/home/u/linkcheck.py", 17);
	rf = fx_frame_at(p, "read_file", "linkcheck.py", CLASS_APP,
			 "/home/u/linkcheck.py", 8);
	rc = fx_frame_at(p, "re._compile", "re/__init__.py", CLASS_LIBRARY,
			 "/usr/lib/python3.12/re/__init__.py", 280);
	conn = fx_frame(p, "connect", "libc.so.6", CLASS_RUNTIME);
	FX_STACK(p, 100, 100, 30, mod, check, rc);
	FX_STACK(p, 100, 100, 10, mod, rf);
	FX_WAIT(p, 100, 100, 42, WAIT_NETWORK, 3600 * MS,
		"recv from 127.0.0.1:8080", mod, check, conn);
	site = FX_IO_SITE(p, 100, mod, check, conn);
	fsite = FX_IO_SITE(p, 100, mod, rf);
	for (i = 0; i < 4; i++) {
		snprintf(path, sizeof(path), "/home/u/pages/p%d.html", i);
		f = fx_io_file(p, path, 5, (30 - i) * MS, fsite);
		f->reads = 10;
		f->read_bytes = 40000;
		f->blocked_ns = 2 * MS;
	}
	f = fx_io_file(p, "/etc/hosts", 1, 100000, IO_NO_SITE);
	f->failed_opens = 2;
	f->reads = 2;
	f->read_bytes = 300;
	e = fx_io_endpoint(p, "127.0.0.1:8080", "tcp", site);
	e->connections = e->requests = e->sends = 42;
	e->request_ns = 3600 * MS;
	e->max_in_flight = 1;
	e->receives = 84;
	e->bytes_sent = 42 * 120;
	e->bytes_received = 42 * 20000;
	e->connect_ns = 20 * MS;
	e->send_ns = 5 * MS;
	e->recv_ns = 3500 * MS;
	e->blocked_ns = 3400 * MS;
	fx_io_proc(p, 100, 42, 3600 * MS, 3600 * MS, 1);
	fx_io_spawn(p, "/usr/bin/git", 12, 600 * MS, site);
	return p;
}

#endif
