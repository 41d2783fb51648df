// SPDX-License-Identifier: GPL-2.0
/*
 * C++ as most of it is built: -O2 without frame pointers (see the
 * Makefile).  A namespace, a class template and std::sort, so symbols
 * are mangled (_ZN3geo5IndexIiE7rebuildEi), and a function GCC clones
 * for its constant argument (crunch -> _ZL6crunchmm.constprop.0; the
 * Makefile's bin/noclone/cxx_geo is built without that clone, for
 * whyslow diff).  Each round: rebuild sorts 200000 ints, crunch runs
 * 20M steps.  Usage: cxx_geo [ROUNDS] (default 20).
 */
#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <vector>

namespace geo {

template <typename T> class Index {
public:
	explicit Index(uint32_t seed) : seed_(seed) {}
	__attribute__((noinline)) long rebuild(int n);

private:
	std::vector<T> keys_;
	uint32_t seed_;
};

template <typename T> long Index<T>::rebuild(int n)
{
	keys_.resize(n);
	for (T &k : keys_) {
		seed_ = seed_ * 1103515245u + 12345u;
		k = (T)(seed_ >> 8);
	}
	std::sort(keys_.begin(), keys_.end());
	return (long)keys_[n / 2];
}

} // namespace geo

static __attribute__((noinline)) uint64_t crunch(uint64_t iters, uint64_t inc)
{
	uint64_t x = inc;

	for (uint64_t i = 0; i < iters; i++) {
		x = x * 6364136223846793005ull + inc;
		__asm__ volatile("" : "+r"(x));
	}
	return x;
}

int main(int argc, char **argv)
{
	int rounds = argc > 1 ? atoi(argv[1]) : 20;
	geo::Index<int> idx(1);
	long sum = 0;

	for (int r = 0; r < rounds; r++) {
		sum += idx.rebuild(200000);
		sum += (long)crunch(20000000, 7);
	}
	fprintf(stderr, "cxx_geo: %ld\n", sum & 1);
	return 0;
}
