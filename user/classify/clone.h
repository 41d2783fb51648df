/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Compilers' copies of a function: GCC names them after it with a suffix
 * (foo.constprop.0, foo.isra.0, foo.part.0, foo.cold, foo.lto_priv.0, and
 * combinations), clang's ThinLTO with .llvm.N.  The code is foo's, so a
 * reader and a diff between two builds want it under foo.
 */
#ifndef WHYSLOW_CLASSIFY_CLONE_H
#define WHYSLOW_CLASSIFY_CLONE_H

#include <stddef.h>

/*
 * Where name's clone suffix begins ("foo.isra.0.cold": 3), len when it
 * has none.  Only names of at most CLONE_MAX_NAME bytes are looked at.
 * Pure: the same name always gives the same answer.
 */
#define CLONE_MAX_NAME	65536
size_t clone_suffix_start(const char *name, size_t len);

#endif
