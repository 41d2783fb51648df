/* SPDX-License-Identifier: GPL-2.0 */
/* Burns CPU in long_burn() for a long time (~60 s), with default signal
 * dispositions, for the tests that interrupt a recording.
 * Usage: sigwait [SECONDS]  (default 60) */
#include "burn.h"

DEFINE_BURN(long_burn, 0x9e3779b97f4a7c15ull)

int main(int argc, char **argv)
{
	double secs = arg_double(argc, argv, 1, 60);

	for (double t = 0; t < secs; t += 0.01)
		burn_sink += long_burn(BURN_ITERS_PER_SEC / 100);
	return 0;
}
