/* SPDX-License-Identifier: GPL-2.0 */
/* A short-lived program: ~30 ms of CPU in one function, then exit. */
#include "burn.h"

DEFINE_BURN(short_burst, 0x9e3779b97f4a7c15ull)

int main(int argc, char **argv)
{
	double scale = arg_double(argc, argv, 1, 1.0);

	burn_sink += short_burst((uint64_t)(BURN_ITERS_PER_SEC * 0.03 * scale));
	return 0;
}
