#include "config.h"

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "common/loop.h"
#include "ctl/ctl_client.h"

/* An answer bigger than this is not something the daemon would send. */
#define CTL_ANSWER_MAX	(256u << 20)

int
ctl_client_connect(const char *path, char *err, size_t errlen)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	int fd;

	if (strlen(path) >= sizeof(sun.sun_path)) {
		snprintf(err, errlen, "path too long");
		return -1;
	}
	strcpy(sun.sun_path, path);
	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) < 0) {
		snprintf(err, errlen, "socket: %s", strerror(errno));
		return -1;
	}
	if (connect(fd, (struct sockaddr *)&sun, sizeof(sun)) < 0) {
		snprintf(err, errlen, "%s", strerror(errno));
		close(fd);
		return -1;
	}
	return fd;
}

int
ctl_client_send(int fd, const char *line, char *err, size_t errlen)
{
	size_t len = strlen(line), off = 0;
	char buf[CTL_LINE_MAX + 1];

	if (len > CTL_LINE_MAX - 1 || strchr(line, '\n')) {
		snprintf(err, errlen, "request too long or not one line");
		return -1;
	}
	memcpy(buf, line, len);
	buf[len++] = '\n';
	while (off < len) {
		ssize_t n = send(fd, buf + off, len - off, MSG_NOSIGNAL);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			snprintf(err, errlen, "send: %s", strerror(errno));
			return -1;
		}
		off += (size_t)n;
	}
	return 0;
}

int
ctl_client_read_some(int fd, struct buf *resp)
{
	for (;;) {
		ssize_t n;

		if (resp->len > CTL_ANSWER_MAX || buf_reserve(resp, 16384) < 0)
			return -1;
		n = recv(fd, resp->data + resp->len, resp->cap - resp->len,
		    MSG_DONTWAIT);
		if (n == 0)
			return 1;
		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				return 0;
			return -1;
		}
		resp->len += (size_t)n;
	}
}

int
ctl_client_parse(const struct buf *resp, const char **body, size_t *bodylen)
{
	const char *d = (const char *)resp->data;
	size_t ok = strlen(CTL_STATUS_OK), er = strlen(CTL_STATUS_ERR);

	if (resp->len > ok && memcmp(d, CTL_STATUS_OK "\n", ok + 1) == 0) {
		*body = d + ok + 1;
		*bodylen = resp->len - ok - 1;
		return CTL_R_OK;
	}
	if (resp->len > er && memcmp(d, CTL_STATUS_ERR "\n", er + 1) == 0) {
		*body = d + er + 1;
		*bodylen = resp->len - er - 1;
		return CTL_R_ERR;
	}
	return CTL_R_PROTO;
}

/* A waiting answer's head: "WAIT <ms>" and the progress lines, handed to
 * fn as they complete. Returns the offset where the final answer starts
 * (its OK/ERR line), 0 while it has not come yet, -1 when malformed. *pos
 * is where to go on; *wait_ms the daemon's announced wait. */
static long
stream_scan(const struct buf *resp, size_t *pos, long *wait_ms,
    ctl_progress_fn fn, void *arg)
{
	const char *d = (const char *)resp->data;
	size_t pl = strlen(CTL_STREAM_PREFIX);

	for (;;) {
		const char *nl = memchr(d + *pos, '\n', resp->len - *pos);
		size_t start = *pos, n;

		if (nl == NULL)
			return 0;
		n = (size_t)(nl - (d + start));
		*pos = start + n + 1;
		if (*wait_ms < 0) {
			char head[32];

			if (n >= sizeof(head))
				return -1;
			memcpy(head, d + start, n);
			head[n] = '\0';
			if (sscanf(head, CTL_STATUS_WAIT " %ld", wait_ms) != 1 || *wait_ms < 0)
				return -1;
			continue;
		}
		if (n >= pl && memcmp(d + start, CTL_STREAM_PREFIX, pl) == 0) {
			if (fn != NULL)
				fn(d + start + pl, n - pl, arg);
			continue;
		}
		if ((n == strlen(CTL_STATUS_OK) && memcmp(d + start, CTL_STATUS_OK, n) == 0) ||
		    (n == strlen(CTL_STATUS_ERR) && memcmp(d + start, CTL_STATUS_ERR, n) == 0))
			return (long)start;
		return -1;
	}
}

int
ctl_client_request(const char *path, const char *line, struct buf *body,
    int timeout_ms, char *err, size_t errlen)
{
	return ctl_client_request_progress(path, line, body, timeout_ms, NULL, NULL,
	    err, errlen);
}

int
ctl_client_request_progress(const char *path, const char *line, struct buf *body,
    int timeout_ms, ctl_progress_fn fn, void *arg, char *err, size_t errlen)
{
	struct buf *resp = NULL, view;
	uint64_t deadline = loop_now_ms() + (uint64_t)timeout_ms;
	const char *b;
	size_t blen, pos = 0, wlen = strlen(CTL_STATUS_WAIT);
	long wait_ms = -1, final = -1;
	int fd, rc = CTL_R_PROTO, r, streaming = -1;

	if ((fd = ctl_client_connect(path, err, errlen)) < 0)
		return CTL_R_UNREACHABLE;
	if (ctl_client_send(fd, line, err, errlen) < 0)
		goto out;
	if ((resp = buf_new(4096)) == NULL) {
		snprintf(err, errlen, "out of memory");
		goto out;
	}
	for (;;) {
		struct pollfd pfd = { .fd = fd, .events = POLLIN };
		uint64_t now;

		r = ctl_client_read_some(fd, resp);
		if (streaming < 0 && resp->len > wlen)
			streaming = memcmp(resp->data, CTL_STATUS_WAIT " ", wlen + 1) == 0;
		if (streaming == 1 && final < 0) {
			long had = wait_ms;

			final = stream_scan(resp, &pos, &wait_ms, fn, arg);
			if (final == 0)
				final = -1;
			else if (final < 0 || wait_ms < 0) {
				snprintf(err, errlen, "malformed progress in the answer");
				goto out;
			}
			/* the daemon said how long it may take: wait that, and a bit */
			if (had < 0 && wait_ms >= 0)
				deadline = loop_now_ms() + (uint64_t)wait_ms + CTL_WAIT_SLACK_MS;
		}
		if (r != 0)
			break;
		now = loop_now_ms();
		if (now >= deadline) {
			if (wait_ms >= 0)
				snprintf(err, errlen, "no result within %ld s",
				    (wait_ms + CTL_WAIT_SLACK_MS) / 1000);
			else
				snprintf(err, errlen, "no answer within %d ms", timeout_ms);
			goto out;
		}
		if (poll(&pfd, 1, (int)(deadline - now)) < 0 && errno != EINTR) {
			snprintf(err, errlen, "poll: %s", strerror(errno));
			goto out;
		}
	}
	if (r < 0) {
		snprintf(err, errlen, "reading the answer: %s",
		    resp->failed ? "too large" : strerror(errno));
		goto out;
	}
	view = *resp;
	if (streaming == 1) {
		if (final < 0) {
			snprintf(err, errlen, "the daemon ended the answer before its result");
			goto out;
		}
		view.data = resp->data + final;
		view.len = resp->len - (size_t)final;
	}
	rc = ctl_client_parse(&view, &b, &blen);
	if (rc == CTL_R_PROTO)
		snprintf(err, errlen, "malformed answer (%zu bytes)", resp->len);
	else if (buf_put(body, b, blen) < 0) {
		snprintf(err, errlen, "out of memory");
		rc = CTL_R_PROTO;
	}
out:
	buf_free(resp);
	close(fd);
	return rc;
}

int
ctl_client_join(int argc, char **argv, char *line, size_t len)
{
	size_t off = 0;

	if (len == 0)
		return -1;
	line[0] = '\0';
	for (int i = 0; i < argc; i++) {
		size_t w = strlen(argv[i]);

		if (strpbrk(argv[i], "\r\n"))
			return -1;
		if (off + w + (i > 0) + 1 > len)
			return -1;
		if (i > 0)
			line[off++] = ' ';
		memcpy(line + off, argv[i], w);
		off += w;
		line[off] = '\0';
	}
	return 0;
}
