// SPDX-License-Identifier: GPL-2.0
/* The one switch of log.h: whether debug messages print (-v). */
#include "lib/log.h"

bool log_verbose;
