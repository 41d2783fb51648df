/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Will a command run CPython?  What decides whether whyslow loads its
 * Python walker before the command starts (its first samples then have
 * their Python frames) or only once it sees a CPython process.
 */
#ifndef WHYSLOW_PYTHON_COMMAND_H
#define WHYSLOW_PYTHON_COMMAND_H

#include <stdbool.h>

/*
 * argv0 as execvp() finds it (in $PATH when it has no '/'): named
 * python* (python3, python3.12, a pyenv shim), a script whose #! line
 * runs one (directly or through env), or an ELF file that defines
 * _PyRuntime.  False when it cannot be read.
 */
bool python_command(const char *argv0);

#endif
