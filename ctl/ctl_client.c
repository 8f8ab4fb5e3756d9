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

int
ctl_client_request(const char *path, const char *line, struct buf *body,
    int timeout_ms, char *err, size_t errlen)
{
	struct buf *resp = NULL;
	uint64_t deadline = loop_now_ms() + (uint64_t)timeout_ms;
	const char *b;
	size_t blen;
	int fd, rc = CTL_R_PROTO, r;

	if ((fd = ctl_client_connect(path, err, errlen)) < 0)
		return CTL_R_UNREACHABLE;
	if (ctl_client_send(fd, line, err, errlen) < 0)
		goto out;
	if ((resp = buf_new(4096)) == NULL) {
		snprintf(err, errlen, "out of memory");
		goto out;
	}
	while ((r = ctl_client_read_some(fd, resp)) == 0) {
		struct pollfd pfd = { .fd = fd, .events = POLLIN };
		uint64_t now = loop_now_ms();

		if (now >= deadline) {
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
	rc = ctl_client_parse(resp, &b, &blen);
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
