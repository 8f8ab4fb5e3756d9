/* The web bench's cheap request, made over and over by one process: what a
 * monitoring poll waits for while the big documents are served.
 *
 * usage: web-probe ADDR PORT PATH [PAUSE_MS]
 * Until SIGTERM or SIGINT: connect, GET PATH (Connection: close), read the
 * answer whole, print its wall time in seconds (one line each, as curl's
 * %{time_total}; 999 for a failed or non-200 answer), pause PAUSE_MS
 * (default 10).
 *
 * Why not curl in a shell loop, as before: in the one-CPU UML guest each
 * curl is a fork and two execs (ip netns exec, then curl and its shared
 * libraries), tens of ms of the guest's CPU at normal priority, over and
 * over. That work took the CPU from ikeflowd in the middle of its turns and
 * was then counted as ikeflowd's stall. A deployed poller is remote; one
 * process making plain requests costs the guest a few system calls each. */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static volatile sig_atomic_t stop;

static void
on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* one request: 1 when answered 200 and read to its end, else 0 */
static int
request(const struct sockaddr_in *sin, const char *req, size_t reqlen)
{
	char buf[16384], head[12];
	size_t got = 0, off = 0, k;
	ssize_t n;
	int fd, ok = 0;

	if ((fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0)) < 0)
		return 0;
	if (connect(fd, (const struct sockaddr *)sin, sizeof(*sin)) < 0)
		goto out;
	while (off < reqlen) {
		if ((n = write(fd, req + off, reqlen - off)) < 0) {
			if (errno == EINTR && !stop)
				continue;
			goto out;
		}
		off += (size_t)n;
	}
	/* the status line is in the first bytes; the rest is read to EOF */
	for (;;) {
		if ((n = read(fd, buf, sizeof(buf))) < 0) {
			if (errno == EINTR && !stop)
				continue;
			ok = 0;
			goto out;
		}
		if (n == 0)
			break;
		for (k = 0; got < sizeof(head) && k < (size_t)n; k++)
			head[got++] = buf[k];
		if (got == sizeof(head) && k > 0)
			ok = memcmp(head, "HTTP/1.1 200", 12) == 0 ||
			    memcmp(head, "HTTP/1.0 200", 12) == 0;
	}
out:
	close(fd);
	return ok;
}

int
main(int argc, char **argv)
{
	struct sockaddr_in sin;
	struct sigaction sa;
	struct timespec pause;
	char req[512];
	long pause_ms = 10;
	int reqlen;

	if (argc < 4 || argc > 5) {
		fprintf(stderr, "usage: web-probe ADDR PORT PATH [PAUSE_MS]\n");
		return 2;
	}
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = htons((uint16_t)atoi(argv[2]));
	if (inet_pton(AF_INET, argv[1], &sin.sin_addr) != 1) {
		fprintf(stderr, "web-probe: bad address %s\n", argv[1]);
		return 2;
	}
	if (argc == 5)
		pause_ms = atol(argv[4]);
	reqlen = snprintf(req, sizeof(req), "GET %s HTTP/1.1\r\nHost: %s:%s\r\n"
	    "User-Agent: web-probe\r\nConnection: close\r\n\r\n", argv[3], argv[1], argv[2]);
	if (reqlen < 0 || (size_t)reqlen >= sizeof(req)) {
		fprintf(stderr, "web-probe: path too long\n");
		return 2;
	}
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	pause.tv_sec = pause_ms / 1000;
	pause.tv_nsec = (pause_ms % 1000) * 1000000L;
	setvbuf(stdout, NULL, _IOLBF, 0);
	while (!stop) {
		double t0 = now();
		int ok = request(&sin, req, (size_t)reqlen);

		if (stop)	/* cut short by the signal: not a wait */
			break;
		if (ok)
			printf("%.6f\n", now() - t0);
		else
			printf("999\n");
		nanosleep(&pause, NULL);
	}
	return 0;
}
