// SPDX-License-Identifier: GPL-2.0
/*
 * profile.proto → struct profile: the front end of the reader.  It gunzips,
 * checks the file looks like a profile, and sends it to whyslow.c or to
 * foreign.c after the standard parts (decode.c).  See pprof.h for what goes
 * where, and the README ("Saved profiles") for the layout of whyslow's data
 * in it.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include "lib/sudo.h"
#include "pprof/decode.h"
#include "pprof/folded_read.h"
#include "pprof/foreign.h"
#include "pprof/internal.h"
#include "pprof/pprof.h"
#include "pprof/protobuf.h"
#include "pprof/whyslow.h"

/* held: bytes of the file kept besides data (gzip'd), within the budget */
static int decode(const uint8_t *data, size_t len, size_t held,
		  struct profile *out, char *errbuf, size_t errlen)
{
	struct reader rd = { .err = errbuf, .errlen = errlen, .base = data,
			     .budget = 2 * len + PPROF_BUDGET_BASE };
	struct tables t = { 0 };
	int err, i;

	rd.budget -= held < rd.budget ? held : rd.budget;
	rd.limit = rd.budget;
	err = pprof_collect_top(&rd, data, len);
	if (err)
		goto out;
	rd.strs = rd.top.of[PROFILE_STRING_TABLE];
	rd.n_strs = rd.top.n[PROFILE_STRING_TABLE];
	if (!rd.n_strs || rd.strs[0].len) {
		err = pprof_fail(&rd, "not a pprof profile: no string table "
			   "starting with \"\"");
		goto out;
	}
	err = pprof_tables_read(&rd, &t);
	if (err)
		goto out;
	if (rd.top.has_whyslow)
		err = pprof_whyslow_read(&rd, &t, out);
	else
		err = pprof_foreign_read(&rd, &t, out);
out:
	pprof_tables_free(&t);
	for (i = 0; i < PROFILE_FIELDS; i++)
		free(rd.top.of[i]);
	if (err == -ENOMEM && !rd.failed)
		snprintf(errbuf, errlen, "out of memory");
	return rd.failed ? -EINVAL : err;
}

/* gunzip, at most PPROF_MAX_INFLATED bytes. */
static int inflate_all(const uint8_t *data, size_t len, struct pb_buf *out,
		       char *err, size_t errlen)
{
	z_stream z = { 0 };
	int zr = Z_OK;

	if (inflateInit2(&z, 15 + 32) != Z_OK)
		return -ENOMEM;
	z.next_in = (uint8_t *)data;
	while (zr != Z_STREAM_END) {
		if (out->len >= PPROF_MAX_INFLATED) {
			snprintf(err, errlen, "over %u bytes once decompressed",
				 PPROF_MAX_INFLATED);
			zr = Z_DATA_ERROR;
			break;
		}
		if (!z.avail_in && len) {
			z.avail_in = len > UINT32_MAX ? UINT32_MAX : len;
			len -= z.avail_in;
		}
		if (out->cap - out->len < READ_CHUNK) {
			if (!out->cap)
				out->cap = READ_CHUNK;
			out->data = realloc(out->data, out->cap * 2);
			if (!out->data) {
				inflateEnd(&z);
				return -ENOMEM;
			}
			out->cap *= 2;
		}
		z.next_out = out->data + out->len;
		z.avail_out = out->cap - out->len;
		zr = inflate(&z, Z_NO_FLUSH);
		out->len = out->cap - z.avail_out;
		if (zr == Z_BUF_ERROR && !z.avail_in && !len) {
			snprintf(err, errlen, "truncated gzip data");
			break;
		}
		if (zr != Z_OK && zr != Z_STREAM_END && zr != Z_BUF_ERROR) {
			snprintf(err, errlen, "corrupt gzip data (%s)",
				 z.msg ? z.msg : "inflate failed");
			break;
		}
	}
	inflateEnd(&z);
	if (zr != Z_STREAM_END && !err[0])
		snprintf(err, errlen, "corrupt gzip data");
	return zr == Z_STREAM_END ? 0 : -EINVAL;
}

/* Could a profile.proto start with this byte: the one-byte key of a field
 * 1..14 with the wire type profile.proto gives it? */
static bool plausible_key(uint8_t c)
{
	uint8_t num = c >> 3, wire = c & 7;

	if (c & 0x80)
		return false;	/* field 16 and up: only 100, never first */
	if (num == PROFILE_COMMENT)
		return wire == PB_LEN || wire == PB_VARINT;
	if ((num >= PROFILE_SAMPLE_TYPE && num <= PROFILE_STRING_TABLE) ||
	    num == PROFILE_PERIOD_TYPE)
		return wire == PB_LEN;
	return num >= PROFILE_DROP_FRAMES && num <= PROFILE_DEFAULT_SAMPLE_TYPE &&
	       wire == PB_VARINT;
}

int pprof_read(const uint8_t *data, size_t len, struct profile *out,
	       char *err, size_t errlen)
{
	struct pb_buf raw = { 0 };
	int ret;

	memset(out, 0, sizeof(*out));
	err[0] = '\0';
	if (len >= 2 && data[0] == 0x1f && data[1] == 0x8b) {
		ret = inflate_all(data, len, &raw, err, errlen);
		if (!ret)
			ret = decode(raw.data, raw.len, len, out, err,
				     errlen);
		pb_buf_free(&raw);
	} else if (!len) {
		snprintf(err, errlen, "empty file");
		ret = -EINVAL;
	} else if (!plausible_key(data[0])) {
		snprintf(err, errlen, "not a pprof profile (neither gzip data "
			 "nor profile.proto)");
		ret = -EINVAL;
	} else {
		ret = decode(data, len, 0, out, err, errlen);
	}
	return ret;
}

int pprof_load(const char *path, struct profile *out, char *err,
	       size_t errlen)
{
	struct pb_buf buf = { 0 };
	struct stat st;
	ssize_t got;
	int fd, ret;

	memset(out, 0, sizeof(*out));
	/* As the user, and a FIFO must not hang us. */
	fd = sudo_open_input(path);
	if (fd < 0 || fstat(fd, &st)) {
		ret = fd < 0 ? fd : -errno;
		snprintf(err, errlen, "%s", strerror(-ret));
		goto out;
	}
	if (!S_ISREG(st.st_mode) || (uint64_t)st.st_size > PPROF_MAX_INFLATED) {
		snprintf(err, errlen, S_ISREG(st.st_mode) ? "file too large" :
			 "not a regular file");
		ret = -EINVAL;
		goto out;
	}
	do {
		if (buf.cap - buf.len < READ_CHUNK) {
			buf.cap = buf.cap ? buf.cap * 2 : READ_CHUNK * 4;
			buf.data = realloc(buf.data, buf.cap);
			if (!buf.data) {
				snprintf(err, errlen, "out of memory");
				ret = -ENOMEM;
				goto out;
			}
		}
		got = read(fd, buf.data + buf.len, buf.cap - buf.len);
		if (got > 0)
			buf.len += got;
	} while (got > 0 && buf.len <= PPROF_MAX_INFLATED);
	if (got < 0) {
		ret = -errno;
		snprintf(err, errlen, "%s", strerror(errno));
		goto out;
	}
	/* folded stacks are text, a profile.proto never is */
	ret = folded_detect(buf.data, buf.len) ?
	      folded_read(buf.data, buf.len, out, err, errlen) :
	      pprof_read(buf.data, buf.len, out, err, errlen);
out:
	if (fd >= 0)
		close(fd);
	pb_buf_free(&buf);
	return ret;
}
