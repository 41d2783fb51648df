/* SPDX-License-Identifier: GPL-2.0 */
/* A client of a local server that burns CPU for each request.  The server
 * is a child process on 127.0.0.1 (a thread per connection, MS ms of CPU
 * a request); the client makes N requests, K at a time (K = 1: one after
 * another), then ends the server.  Prints on stderr, measured with
 * CLOCK_MONOTONIC, the client's time for its requests: client_ns=...
 * Usage: cpuserve N K MS */
#include <arpa/inet.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "burn.h"

DEFINE_BURN(serve_work, 0x2545f4914f6cdd1dull)

static uint64_t work_iters;
static int port;
static unsigned int next_req, n_reqs;

static void *serve_one(void *arg)
{
	int fd = (int)(intptr_t)arg;
	char buf[64];

	if (read(fd, buf, sizeof(buf)) > 0) {
		burn_sink += serve_work(work_iters);
		if (write(fd, "OK\n", 3) != 3)
			perror("write");
	}
	close(fd);
	return NULL;
}

static void serve(int lfd)
{
	pthread_t t;
	int fd;

	for (;;) {
		fd = accept(lfd, NULL, NULL);
		if (fd < 0)
			continue;
		if (pthread_create(&t, NULL, serve_one, (void *)(intptr_t)fd))
			close(fd);
		else
			pthread_detach(t);
	}
}

static __attribute__((noinline)) int fetch_one(void)
{
	struct sockaddr_in sa = { .sin_family = AF_INET,
				  .sin_port = htons(port) };
	char buf[64];
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	inet_pton(AF_INET, "127.0.0.1", &sa.sin_addr);
	if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof(sa)))
		return -1;
	if (write(fd, "GET\n", 4) != 4)
		return -1;
	while (recv(fd, buf, sizeof(buf), 0) > 0)
		;
	close(fd);
	return 0;
}

static void *client(void *arg)
{
	(void)arg;
	while (__atomic_fetch_add(&next_req, 1, __ATOMIC_RELAXED) < n_reqs)
		if (fetch_one())
			perror("fetch");
	return NULL;
}

int main(int argc, char **argv)
{
	struct sockaddr_in sa = { .sin_family = AF_INET };
	socklen_t len = sizeof(sa);
	pthread_t t[64];
	unsigned int k, i;
	uint64_t start;
	pid_t server;
	int lfd;

	if (argc != 4)
		return 2;
	n_reqs = atoi(argv[1]);
	k = atoi(argv[2]);
	k = k < 1 ? 1 : k > 64 ? 64 : k;
	work_iters = arg_double(argc, argv, 3, 20) * BURN_ITERS_PER_SEC / 1000;
	lfd = socket(AF_INET, SOCK_STREAM, 0);
	inet_pton(AF_INET, "127.0.0.1", &sa.sin_addr);
	if (lfd < 0 || bind(lfd, (struct sockaddr *)&sa, sizeof(sa)) ||
	    listen(lfd, 64) || getsockname(lfd, (struct sockaddr *)&sa, &len))
		return 1;
	port = ntohs(sa.sin_port);
	server = fork();
	if (server == 0)
		serve(lfd);
	close(lfd);
	start = now_ns();
	for (i = 0; i < k; i++)
		pthread_create(&t[i], NULL, client, NULL);
	for (i = 0; i < k; i++)
		pthread_join(t[i], NULL);
	fprintf(stderr, "client_ns=%llu\n",
		(unsigned long long)(now_ns() - start));
	kill(server, SIGKILL);
	waitpid(server, NULL, 0);
	return 0;
}
