/* SPDX-License-Identifier: GPL-2.0 */
/* Burns CPU in spin_forever() until killed, for -p and -a tests.
 * Usage: spinner [MAX_SECONDS]  -- a safety net: SIGALRM ends it after
 * MAX_SECONDS (default 120) should a test fail to kill it. */
#include <unistd.h>
#include "burn.h"

DEFINE_BURN(spin_forever, 0x9e3779b97f4a7c15ull)

int main(int argc, char **argv)
{
	alarm((unsigned int)arg_double(argc, argv, 1, 120));
	for (;;)
		burn_sink += spin_forever(BURN_ITERS_PER_SEC / 100);
}
