/*
 * bench:io workload: HTTP/1.1 keep-alive request/response over loopback, both ends in this container.
 * A forked server answers each request head with a fixed 200 response (BODY bytes); the client sends
 * requests at `rate` per second (0 = as fast as it can) until `seconds` pass or `max` requests are done
 * (bounded in count and time). Prints {"ops":requests,"seconds":elapsed,"cpu":user+sys seconds of both ends}.
 * Usage: httpio <seconds> <max-requests> <body-bytes> <rate>
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Reads until the head's blank line; returns 0 at EOF. */
static int read_head(int fd, char *buf, size_t cap)
{
	size_t got = 0;
	for (;;) {
		ssize_t n = read(fd, buf + got, cap - got - 1);
		if (n <= 0)
			return 0;
		got += n;
		buf[got] = 0;
		if (strstr(buf, "\r\n\r\n"))
			return 1;
		if (got >= cap - 1)
			return 0;
	}
}

int main(int argc, char **argv)
{
	if (argc != 5) {
		fprintf(stderr, "usage: httpio <seconds> <max-requests> <body-bytes> <rate>\n");
		return 2;
	}
	double seconds = atof(argv[1]);
	long max = atol(argv[2]);
	int body = atoi(argv[3]);
	double rate = atof(argv[4]);
	if (body < 0 || body > 65536)
		return 2;

	int ls = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	int one = 1;
	setsockopt(ls, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(ls, (struct sockaddr *)&a, sizeof(a)) || listen(ls, 1))
		return 1;
	socklen_t al = sizeof(a);
	getsockname(ls, (struct sockaddr *)&a, &al);

	static char resp[70000];
	int hl = snprintf(resp, sizeof(resp), "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: %d\r\n\r\n", body);
	memset(resp + hl, 'x', body);
	int rlen = hl + body;

	pid_t child = fork();
	if (child == 0) {
		int c = accept(ls, NULL, NULL);
		setsockopt(c, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
		char buf[4096];
		while (read_head(c, buf, sizeof(buf)))
			if (write(c, resp, rlen) != rlen)
				break;
		_exit(0);
	}
	close(ls);
	int s = socket(AF_INET, SOCK_STREAM, 0);
	if (connect(s, (struct sockaddr *)&a, sizeof(a)))
		return 1;
	setsockopt(s, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	const char req[] = "GET /ticket HTTP/1.1\r\nHost: bench\r\nUser-Agent: httpio\r\nAccept: */*\r\n\r\n";
	static char in[70000];
	long ops = 0;
	double t0 = now(), t = t0;
	while (ops < max && t - t0 < seconds) {
		if (write(s, req, sizeof(req) - 1) != (ssize_t)(sizeof(req) - 1))
			return 1;
		int got = 0;
		while (got < rlen) {
			ssize_t n = read(s, in, sizeof(in));
			if (n <= 0)
				return 1;
			got += n;
		}
		ops++;
		if (rate > 0) {
			/* Paced: sleep while ahead of schedule (clock_gettime is a vDSO call, not a traced syscall). */
			t = now();
			double ahead = t0 + ops / rate - t;
			if (ahead > 0.0005) {
				struct timespec ts = { .tv_sec = (time_t)ahead, .tv_nsec = (long)((ahead - (time_t)ahead) * 1e9) };
				nanosleep(&ts, NULL);
			}
		} else if ((ops & 63) == 0) {
			t = now();
		}
	}
	t = now();
	close(s);
	waitpid(child, NULL, 0);
	struct rusage self, kids;
	getrusage(RUSAGE_SELF, &self);
	getrusage(RUSAGE_CHILDREN, &kids);
	double cpu = self.ru_utime.tv_sec + self.ru_utime.tv_usec / 1e6 + self.ru_stime.tv_sec + self.ru_stime.tv_usec / 1e6 +
		     kids.ru_utime.tv_sec + kids.ru_utime.tv_usec / 1e6 + kids.ru_stime.tv_sec + kids.ru_stime.tv_usec / 1e6;
	printf("{\"ops\":%ld,\"seconds\":%.3f,\"cpu\":%.3f}\n", ops, t - t0, cpu);
	return 0;
}
