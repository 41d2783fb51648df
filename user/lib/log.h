/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Messages to the user, on stderr, each "whyslow: " and a line: errors
 * are printed once, at the edge that gives up (the CLI, the recorder),
 * from the negative errno that came up to it.  fmt is a string literal
 * ending in "\n", as the kernel's pr_err: one fprintf writes the whole
 * line, so lines of two processes never interleave within a line.
 */
#ifndef WHYSLOW_LIB_LOG_H
#define WHYSLOW_LIB_LOG_H

#include <stdbool.h>
#include <stdio.h>

#define LOG_PREFIX	"whyslow: "

/* -v: pr_debug prints; set once by the CLI before any thread starts. */
extern bool log_verbose;

#define pr_err(fmt, ...)	fprintf(stderr, LOG_PREFIX fmt, ##__VA_ARGS__)
#define pr_warn(fmt, ...)	fprintf(stderr, LOG_PREFIX fmt, ##__VA_ARGS__)
#define pr_debug(fmt, ...)						\
	do {								\
		if (log_verbose)					\
			fprintf(stderr, LOG_PREFIX fmt, ##__VA_ARGS__);	\
	} while (0)

#endif
