// SPDX-License-Identifier: GPL-2.0
/* A pool of four workers, each job logged through one std::mutex held
 * across the sink's 500 us wait (a slow device, a flush): the workers
 * take turns on the log, their waits on the mutex shorter than 2 ms.
 * Built as most software is, -O2 without frame pointers, so that only
 * CFI unwinds its waits.  Prints on stderr, measured with steady_clock:
 * lock_wait_ns (waiting for the mutex, all workers), held_ns (holding
 * it) and wall_ns.
 * Usage: sinklock [JOBS]  (default 400) */
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <mutex>
#include <thread>
#include <vector>

using clk = std::chrono::steady_clock;

static std::mutex log_mu;
static std::atomic<int> next_job;
static std::atomic<long long> log_wait_ns, held_ns;
static volatile double sink;

static long long ns_since(clk::time_point t)
{
	return std::chrono::duration_cast<std::chrono::nanoseconds>(
		clk::now() - t).count();
}

__attribute__((noinline)) static void log_line(int job)
{
	auto t = clk::now();
	std::lock_guard<std::mutex> g(log_mu);
	log_wait_ns += ns_since(t);
	t = clk::now();
	sink = job;
	std::this_thread::sleep_for(std::chrono::microseconds(500));
	held_ns += ns_since(t);
}

static void worker(int jobs)
{
	for (int job; (job = next_job++) < jobs;) {
		double s = 0;
		for (int k = 0; k < 20000; k++)
			s += k * 0.5;
		sink = s;
		log_line(job);
	}
}

int main(int argc, char **argv)
{
	int jobs = argc > 1 ? atoi(argv[1]) : 400;
	auto start = clk::now();
	std::vector<std::thread> ts;

	for (int i = 0; i < 4; i++)
		ts.emplace_back(worker, jobs);
	for (auto &t : ts)
		t.join();
	fprintf(stderr, "lock_wait_ns=%lld held_ns=%lld wall_ns=%lld\n",
		(long long)log_wait_ns, (long long)held_ns, ns_since(start));
	return 0;
}
