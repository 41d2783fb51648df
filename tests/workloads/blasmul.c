/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Matrix products in Debian's reference BLAS (libblas3, netlib's plain
 * loops), loaded by its path as numpy from Debian finds it when no
 * optimized BLAS is installed: the reference_blas hint's case.  ~0.5 s.
 * Usage: blasmul [BLAS_PATH [ROUNDS]]
 */
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>

#define N	300

typedef void dgemm_fn(const char *ta, const char *tb, const int *m,
		      const int *n, const int *k, const double *alpha,
		      const double *a, const int *lda, const double *b,
		      const int *ldb, const double *beta, double *c,
		      const int *ldc);

static double a[N * N], b[N * N], c[N * N];

static __attribute__((noinline)) void multiply(dgemm_fn *dgemm, int rounds)
{
	const double one = 1.0, zero = 0.0;
	const int n = N;
	int r;

	for (r = 0; r < rounds; r++)
		dgemm("N", "N", &n, &n, &n, &one, a, &n, b, &n, &zero, c, &n);
}

int main(int argc, char **argv)
{
	const char *path = argc > 1 ? argv[1] :
		"/usr/lib/x86_64-linux-gnu/blas/libblas.so.3";
	int rounds = argc > 2 ? atoi(argv[2]) : 60, i;
	void *lib = dlopen(path, RTLD_NOW);
	dgemm_fn *dgemm;

	if (!lib || !(dgemm = (dgemm_fn *)dlsym(lib, "dgemm_"))) {
		fprintf(stderr, "blasmul: %s\n", dlerror());
		return 2;
	}
	for (i = 0; i < N * N; i++) {
		a[i] = (i % 17) * 0.5;
		b[i] = (i % 13) * 0.25;
	}
	multiply(dgemm, rounds);
	fprintf(stderr, "blasmul: %g\n", c[N * N - 1]);
	return 0;
}
