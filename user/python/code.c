// SPDX-License-Identifier: GPL-2.0
/*
 * Code objects, as the BPF side copies them out of a process, turned into
 * a UTF-8 function name, a file and a line.  The copied strings and line
 * tables are untrusted bytes: every index is checked against the copy's
 * length.
 */
#include <limits.h>
#include <stddef.h>
#include <string.h>

#include "python/code.h"

/* ---- strings ------------------------------------------------------------ */

#define REPLACEMENT_CHAR	0xfffd

static size_t utf8_encode(uint32_t cp, char out[4])
{
	if ((cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff)
		cp = REPLACEMENT_CHAR;	/* lone surrogates, junk */
	if (cp < 0x80) {
		out[0] = cp;
		return 1;
	}
	if (cp < 0x800) {
		out[0] = 0xc0 | cp >> 6;
		out[1] = 0x80 | (cp & 0x3f);
		return 2;
	}
	if (cp < 0x10000) {
		out[0] = 0xe0 | cp >> 12;
		out[1] = 0x80 | (cp >> 6 & 0x3f);
		out[2] = 0x80 | (cp & 0x3f);
		return 3;
	}
	out[0] = 0xf0 | cp >> 18;
	out[1] = 0x80 | (cp >> 12 & 0x3f);
	out[2] = 0x80 | (cp >> 6 & 0x3f);
	out[3] = 0x80 | (cp & 0x3f);
	return 4;
}

/*
 * A PyUnicode's data as copied (kind 0 ASCII, 1 Latin-1, 2 UCS-2, 4 UCS-4
 * units in host order) to UTF-8 in out (size > 0).  The copy ends at a NUL
 * unit or at its length; what follows a NUL is ignored.  Whole units only,
 * so a cut string stays valid UTF-8.  True when no NUL was found.
 */
static bool decode_pystr(const uint8_t *raw, size_t raw_len, int kind,
			 char *out, size_t size)
{
	size_t unit = kind == 0 ? 1 : kind, n = 0, i;

	out[0] = '\0';
	if (unit != 1 && unit != 2 && unit != 4)
		return false;
	for (i = 0; i + unit <= raw_len; i += unit) {
		uint32_t cp;
		uint16_t u16;
		char enc[4];
		size_t len;

		if (unit == 1) {
			cp = raw[i];	/* a stray high byte in "ASCII": Latin-1 */
		} else if (unit == 2) {
			memcpy(&u16, raw + i, 2);
			cp = u16;
		} else {
			memcpy(&cp, raw + i, 4);
		}
		if (!cp)
			return false;
		len = utf8_encode(cp, enc);
		if (n + len >= size)
			break;
		memcpy(out + n, enc, len);
		n += len;
	}
	out[n] = '\0';
	return true;
}

/* ---- line tables --------------------------------------------------------- */

static int valid_line(int64_t line)
{
	return line > 0 && line <= INT_MAX ? (int)line : 0;
}

/*
 * 3.10 (PEP 626; CPython 3.10 Objects/lnotab_notes.txt): (byte delta,
 * signed line delta) pairs from offset 0 and line co_firstlineno.  Each
 * pair ends a range of delta bytes; its line is the running line after
 * adding the line delta, except -128: no line (the running line stays).
 * Empty ranges only carry line deltas too big for one byte.
 * instr counts code units, as 3.10's f_lasti does (frame.f_lasti in Python
 * is twice it): ranges are in bytes.
 */
static int line_pep626(const uint8_t *t, size_t len, int firstlineno,
		       int64_t instr)
{
	int64_t target = instr * 2, end = 0, line = firstlineno;
	size_t i;

	for (i = 0; i + 1 < len; i += 2) {
		int64_t start = end;
		int ldelta = (int8_t)t[i + 1];

		end += t[i];
		if (ldelta != -128)
			line += ldelta;
		if (target >= start && target < end)
			return ldelta == -128 ? 0 : valid_line(line);
	}
	return 0;	/* beyond the table, or beyond the copied part */
}

/* Locations varint: 6-bit chunks, least significant first, bit 6 = more.
 * A byte with bit 7 set starts the next entry: this one was cut. */
static bool read_varint(const uint8_t *t, size_t len, size_t *pos,
			uint64_t *out)
{
	uint64_t v = 0;
	int shift;

	for (shift = 0; shift < 36 && *pos < len; shift += 6) {
		uint8_t b = t[(*pos)++];

		if (b & 0x80)
			return false;
		v |= (uint64_t)(b & 0x3f) << shift;
		if (!(b & 0x40)) {
			*out = v;
			return true;
		}
	}
	return false;
}

static bool read_svarint(const uint8_t *t, size_t len, size_t *pos,
			 int64_t *out)
{
	uint64_t u;

	if (!read_varint(t, len, pos, &u))
		return false;
	*out = u & 1 ? -(int64_t)(u >> 1) : (int64_t)(u >> 1);
	return true;
}

enum {
	LOC_ONE_LINE0 = 10,	/* 10..12: line delta = code - 10 */
	LOC_ONE_LINE2 = 12,
	LOC_NO_COLUMNS = 13,	/* svarint line delta */
	LOC_LONG = 14,		/* svarint line delta, then columns */
	LOC_NONE = 15,		/* no location */
};

/*
 * 3.11+ location table (CPython Objects/locations.md): entries of a head
 * byte (bit 7 set, code in bits 3-6, length - 1 in code units in bits
 * 0-2) and bytes with bit 7 clear.  The line is a running sum of deltas
 * from co_firstlineno; only codes 10-14 change it, 15 has no line.
 */
static int line_locations(const uint8_t *t, size_t len, int firstlineno,
			  int64_t instr)
{
	int64_t line = firstlineno, pos = 0;
	size_t i = 0;

	while (i < len) {
		uint8_t head = t[i];
		int code = head >> 3 & 15;
		int64_t delta = 0;
		size_t next = i + 1;

		if (!(head & 0x80))
			return 0;	/* not an entry start: corrupt */
		if (code >= LOC_ONE_LINE0 && code <= LOC_ONE_LINE2)
			delta = code - LOC_ONE_LINE0;
		else if ((code == LOC_NO_COLUMNS || code == LOC_LONG) &&
			 !read_svarint(t, len, &next, &delta))
			return 0;	/* cut in the middle of the entry */
		line += delta;
		if (line < INT_MIN || line > INT_MAX)
			return 0;
		pos += (head & 7) + 1;
		if (instr < pos)
			return code == LOC_NONE ? 0 : valid_line(line);
		for (i = next; i < len && !(t[i] & 0x80); i++)
			;
	}
	return 0;
}

int python_code_resolve(const struct ws_py_code *c, int minor, int instr,
			struct python_frame *out)
{
	size_t lt_len;

	if (!c || !out)
		return -EINVAL;
	memset(out, 0, sizeof(*out));
	if (minor < PYTHON_MIN_MINOR || minor > PYTHON_MAX_MINOR)
		return PYTHON_E_UNSUPPORTED;

	if (minor >= 11)
		out->name_truncated = decode_pystr((const uint8_t *)c->qualname,
						   sizeof(c->qualname),
						   c->qualname_kind, out->name,
						   sizeof(out->name));
	if (!out->name[0])
		out->name_truncated = decode_pystr((const uint8_t *)c->name,
						   sizeof(c->name), c->name_kind,
						   out->name,
						   sizeof(out->name));
	out->file_truncated = decode_pystr((const uint8_t *)c->filename,
					   sizeof(c->filename),
					   c->filename_kind, out->file,
					   sizeof(out->file));
	out->firstlineno = c->firstlineno;

	lt_len = c->linetable_len;
	if (lt_len > sizeof(c->linetable))
		lt_len = sizeof(c->linetable);
	if (instr < 0)
		out->line = 0;
	else if (minor == 10)
		out->line = line_pep626(c->linetable, lt_len, c->firstlineno,
					instr);
	else
		out->line = line_locations(c->linetable, lt_len,
					   c->firstlineno, instr);
	return 0;
}
