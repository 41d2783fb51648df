/* SPDX-License-Identifier: GPL-2.0 */
/* Fetches N times, one after another, from a TCP server that answers each
 * request after a delay: the wall time is mostly waiting on the network.
 * With "poll", each answer is awaited in poll() on a wakeup socketpair
 * first and the connection second, as curl's multi interface polls.
 * Usage: tcp_client PORT [N [poll]]   (127.0.0.1, default N = 20) */
#include <arpa/inet.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static int wakeup[2] = { -1, -1 };	/* a socketpair, with "poll" */

static __attribute__((noinline)) int await_answer(int fd)
{
	struct pollfd pfd[2] = {
		{ .fd = wakeup[0], .events = POLLIN },
		{ .fd = fd, .events = POLLIN },
	};

	return poll(pfd, 2, -1) < 0 ? -1 : 0;
}

static __attribute__((noinline)) int fetch_one(int port)
{
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons(port) };
	char buf[256];
	ssize_t n;
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	inet_pton(AF_INET, "127.0.0.1", &sa.sin_addr);
	if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof(sa)))
		return -1;
	if (write(fd, "GET\n", 4) != 4)
		return -1;
	do {
		if (wakeup[0] >= 0 && await_answer(fd))
			return -1;
	} while ((n = recv(fd, buf, sizeof(buf), 0)) > 0);
	close(fd);
	return 0;
}

int main(int argc, char **argv)
{
	int port = argc > 1 ? atoi(argv[1]) : 0;
	int n = argc > 2 ? atoi(argv[2]) : 20, i;

	if (port <= 0) {
		fprintf(stderr, "usage: tcp_client PORT [N]\n");
		return 2;
	}
	if (argc > 3 && !strcmp(argv[3], "poll") &&
	    socketpair(AF_UNIX, SOCK_STREAM, 0, wakeup)) {
		perror("socketpair");
		return 1;
	}
	for (i = 0; i < n; i++)
		if (fetch_one(port)) {
			perror("fetch_one");
			return 1;
		}
	return 0;
}
