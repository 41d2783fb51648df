// SPDX-License-Identifier: GPL-2.0
/* Will a command run CPython?  See command.h. */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "python/command.h"
#include "python/detect.h"

#define SHEBANG_MAX	256

static bool python_name(const char *path, size_t len)
{
	const char *base = path;
	size_t i;

	for (i = 0; i < len; i++)
		if (path[i] == '/')
			base = path + i + 1;
	return len - (base - path) >= 6 && !strncmp(base, "python", 6);
}

/* argv0's file, as execvp() would find it, into buf. */
static bool resolve(const char *argv0, char *buf, size_t size)
{
	const char *path = getenv("PATH"), *end;
	size_t len;

	if (strchr(argv0, '/'))
		return snprintf(buf, size, "%s", argv0) < (int)size;
	for (path = path ? path : "/usr/bin:/bin"; *path; path = end + !!*end) {
		end = strchrnul(path, ':');
		len = end - path;
		if (snprintf(buf, size, "%.*s/%s", (int)len, len ? path : ".",
			     argv0) < (int)size &&
		    !access(buf, X_OK))
			return true;
	}
	return false;
}

/* "#!/usr/bin/python3 -u", "#!/usr/bin/env python3": names a python. */
static bool python_shebang(const char *path)
{
	char line[SHEBANG_MAX], *p, *word;
	size_t n;
	FILE *f = fopen(path, "re");

	if (!f)
		return false;
	n = fread(line, 1, sizeof(line) - 1, f);
	fclose(f);
	line[n] = '\0';
	if (n < 2 || line[0] != '#' || line[1] != '!')
		return false;
	line[strcspn(line, "\n")] = '\0';
	p = line + 2;
	for (word = strtok(p, " \t"); word; word = strtok(NULL, " \t")) {
		if (python_name(word, strlen(word)))
			return true;
		if (!strcmp(word + strlen(word) - (strlen(word) >= 3 ? 3 : 0),
			    "env"))
			continue;	/* env's argument is the interpreter */
		if (word[0] != '-')
			return false;
	}
	return false;
}

bool python_command(const char *argv0)
{
	struct python_info info;
	char path[PATH_MAX];

	if (!argv0 || !resolve(argv0, path, sizeof(path)))
		return false;
	if (python_name(path, strlen(path)) || python_shebang(path))
		return true;
	return python_detect(path, &info) == 0;
}
