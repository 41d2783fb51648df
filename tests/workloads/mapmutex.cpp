// SPDX-License-Identifier: GPL-2.0
/* Four threads count into one std::map behind one std::mutex, a short
 * critical section each time: the work is serial, and the lock and
 * unlock that hand it over are std::mutex's, inlined from libstdc++'s
 * headers (gthr-default.h) into count_into().  Built -O2 without frame
 * pointers; prints on stderr.  Usage: mapmutex [ROUNDS]  (default
 * 300000) */
#include <cstdio>
#include <cstdlib>
#include <map>
#include <mutex>
#include <thread>
#include <vector>

static std::mutex map_mu;
static std::map<int, long> counts;

__attribute__((noinline)) static void count_into(int t, long rounds)
{
	for (long i = 0; i < rounds; i++) {
		std::lock_guard<std::mutex> g(map_mu);
		counts[(i * 7 + t) % 10000] += i;
	}
}

int main(int argc, char **argv)
{
	long rounds = argc > 1 ? atol(argv[1]) : 300000;
	std::vector<std::thread> pool;

	for (int t = 0; t < 4; t++)
		pool.emplace_back(count_into, t, rounds);
	for (auto &th : pool)
		th.join();
	fprintf(stderr, "keys %zu\n", counts.size());
	return 0;
}
