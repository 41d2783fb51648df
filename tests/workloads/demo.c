/* SPDX-License-Identifier: GPL-2.0 */
/*
 * demo: the example `make demo` profiles.
 *
 * It reads a stream of 4 MiB blocks (made up by fill_buffer) and computes
 * the CRC-32 of each block twice: once bit by bit (crc32_bitwise, 8 shifts
 * and tests per byte) and once with a 256-entry lookup table (crc32_table,
 * one lookup per byte).  Both give the same answer, but the bitwise one
 * does several times the work, so whyslow should name crc32_bitwise as the
 * hot function and crc32_table as a much cheaper second; fill_buffer is a
 * small third.
 *
 * Try:  sudo ./whyslow record -- tests/workloads/demo
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#define BLOCK_SIZE (4u << 20)
#define BLOCKS 20

/* Fill the buffer with reproducible pseudo-random bytes: block n of the
 * stream. */
static __attribute__((noinline)) void fill_buffer(uint8_t *buf, size_t len,
						  uint32_t n)
{
	uint32_t x = 12345 + n;

	for (size_t i = 0; i < len; i++) {
		x = x * 1103515245u + 12345u;
		buf[i] = x >> 24;
	}
}

/* The slow way: process each byte one bit at a time. */
static __attribute__((noinline)) uint32_t crc32_bitwise(const uint8_t *buf, size_t len)
{
	uint32_t crc = 0xffffffffu;

	for (size_t i = 0; i < len; i++) {
		crc ^= buf[i];
		for (int bit = 0; bit < 8; bit++)
			crc = (crc >> 1) ^ (0xedb88320u & -(crc & 1));
	}
	return ~crc;
}

static uint32_t table[256];

static void make_table(void)
{
	for (uint32_t n = 0; n < 256; n++) {
		uint32_t c = n;

		for (int bit = 0; bit < 8; bit++)
			c = (c >> 1) ^ (0xedb88320u & -(c & 1));
		table[n] = c;
	}
}

/* The fast way: one table lookup per byte. */
static __attribute__((noinline)) uint32_t crc32_table(const uint8_t *buf, size_t len)
{
	uint32_t crc = 0xffffffffu;

	for (size_t i = 0; i < len; i++)
		crc = (crc >> 8) ^ table[(crc ^ buf[i]) & 0xff];
	return ~crc;
}

int main(void)
{
	uint8_t *buf = malloc(BLOCK_SIZE);
	uint32_t slow = 0, fast = 0;
	int mismatches = 0;

	if (!buf) {
		perror("malloc");
		return 1;
	}
	make_table();
	for (uint32_t n = 0; n < BLOCKS; n++) {
		fill_buffer(buf, BLOCK_SIZE, n);
		slow = crc32_bitwise(buf, BLOCK_SIZE);
		fast = crc32_table(buf, BLOCK_SIZE);
		mismatches += slow != fast;
	}
	printf("crc32 of %u blocks of %u MiB: last %08x, %d mismatches\n",
	       BLOCKS, BLOCK_SIZE >> 20, fast, mismatches);
	free(buf);
	return mismatches ? 1 : 0;
}
