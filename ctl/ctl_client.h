/* The control protocol as both ends see it, and the client side of it.
 *
 * A client sends one line of space-separated words (at most CTL_LINE_MAX
 * bytes, newline-terminated); the daemon answers "OK\n" or "ERR\n", then the
 * text body, and closes the connection.
 *
 * A command that waits (up, down) answers "WAIT <ms>\n" first (the longest
 * it will wait), then progress lines, each "| " and the text, as they
 * happen, and at last "OK\n" or "ERR\n" with the body as above. */
#ifndef IKEFLOW_CTL_CLIENT_H
#define IKEFLOW_CTL_CLIENT_H

#include <stddef.h>

#include "common/buf.h"

#define CTL_LINE_MAX	4096
#define CTL_STATUS_OK	"OK"
#define CTL_STATUS_ERR	"ERR"
#define CTL_STATUS_WAIT	"WAIT"
#define CTL_STREAM_PREFIX	"| "

#ifndef RUNSTATEDIR
#define RUNSTATEDIR	"/run"
#endif
#define CTL_SOCKET_DEFAULT	RUNSTATEDIR "/ikeflowd.ctl"

enum ctl_result {
	CTL_R_OK = 0,		/* the daemon answered OK */
	CTL_R_ERR = 1,		/* the daemon answered ERR */
	CTL_R_UNREACHABLE = 2,	/* no daemon at that path (err says why) */
	CTL_R_PROTO = 3,	/* bad or truncated answer, timeout, I/O error */
};

/* Connects (blocking) to the daemon's socket; fd or -1 with err filled. */
int	ctl_client_connect(const char *path, char *err, size_t errlen);
/* Sends one request line; 0 / -1 with err filled. */
int	ctl_client_send(int fd, const char *line, char *err, size_t errlen);
/* Appends what is readable now to resp without blocking; 1 at end of
 * answer (the daemon closed), 0 to call again later, -1 on error. */
int	ctl_client_read_some(int fd, struct buf *resp);
/* Splits a complete answer: CTL_R_OK / CTL_R_ERR with *body pointing into
 * resp, or CTL_R_PROTO. */
int	ctl_client_parse(const struct buf *resp, const char **body, size_t *bodylen);
/* The whole exchange; the answer's body is appended to body. */
int	ctl_client_request(const char *path, const char *line, struct buf *body,
	    int timeout_ms, char *err, size_t errlen);
/* The same, for commands that wait (WAIT answers): fn gets each progress
 * line (without its prefix or newline) as it comes. timeout_ms runs until
 * the daemon answers; after WAIT, the wait it announced and
 * CTL_WAIT_SLACK_MS more. */
typedef void (*ctl_progress_fn)(const char *line, size_t len, void *arg);
#define CTL_WAIT_SLACK_MS	5000
int	ctl_client_request_progress(const char *path, const char *line,
	    struct buf *body, int timeout_ms, ctl_progress_fn fn, void *arg,
	    char *err, size_t errlen);
/* Joins words with single spaces into a request line; -1 if too long or
 * a word holds a newline. */
int	ctl_client_join(int argc, char **argv, char *line, size_t len);

#endif
