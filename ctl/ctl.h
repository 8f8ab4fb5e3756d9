/* Control socket commands. Every `ikeflowctl WORDS...` request is matched
 * against the registered command prefixes (longest match wins) and the handler
 * writes its text answer into `out`. Handlers only read state: they run on the
 * event loop and must not block. */
#ifndef IKEFLOW_CTL_H
#define IKEFLOW_CTL_H

#include <stdint.h>

#include "common/buf.h"

/* argv[0..argc) are the words after the matched prefix. Return 0, or -1 with
 * a one-line error message written into out (shown to the user, exit 1). */
typedef int (*ctl_cmd_fn)(int argc, char **argv, struct buf *out, void *arg);

/* prefix: words separated by single spaces, e.g. "show crypto ipsec sa". */
int	ctl_register(const char *prefix, const char *usage, const char *help,
	    ctl_cmd_fn fn, void *arg);
void	ctl_unregister_all(void);
/* A long answer is made in parts, so that the event loop is never held by
 * one big render: a handler writes the first part into out and hands the
 * rest to fn with ctl_answer_more(). On the control socket fn is called
 * again each time the part before has gone out; it appends the next part
 * to out and returns 1 while there is more, 0 after the last (then
 * done(arg) is called; also when the client goes away). */
typedef int (*ctl_more_fn)(struct buf *out, void *arg);
struct ctl_more {
	ctl_more_fn	 fn;
	void		(*done)(void *arg);
	void		*arg;
};
/* From a handler only, once per request; -1 if one is already pending. */
int	ctl_answer_more(ctl_more_fn fn, void (*done)(void *), void *arg);

/* Runs one request line as the control socket does (used by tests too);
 * the whole answer, parts included, ends up in out. */
int	ctl_dispatch(const char *line, struct buf *out);
/* The same, leaving the parts to come in *more (more->fn NULL: none) for
 * the caller to run (ctl_more_run) when it has room for them. */
int	ctl_dispatch_more(const char *line, struct buf *out, struct ctl_more *more);
/* Appends the next part; 1 while there is more, 0 after the last (more is
 * then released and cleared). */
int	ctl_more_run(struct ctl_more *more, struct buf *out);
/* Drops the parts not run (a client gone). */
void	ctl_more_free(struct ctl_more *more);
/* printf into a buf: the handlers' one output primitive. */
int	buf_printf(struct buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Answers that come later. A handler that waits for something (up, down)
 * calls ctl_defer() and returns 0: the client gets "WAIT <wait_ms>" and what
 * the handler wrote so far at once, every ctl_stream_line() as it happens,
 * and the result with ctl_stream_end() (OK or ERR, then body), which ends
 * the stream. The loop goes on meanwhile: the daemon serves everything
 * else. ctl_defer() returns NULL when the request cannot wait (ctl_dispatch
 * called directly, as tests do): answer at once then. gone(arg) is called
 * when the client goes away, when wait_ms pass without a result (the client
 * then gets ERR, "No result within N s") or at ctl_close(); the stream is
 * not to be used after it. */
struct ctl_stream;
typedef void (*ctl_gone_fn)(void *arg);
struct ctl_stream *ctl_defer(uint32_t wait_ms, ctl_gone_fn gone, void *arg);
void	ctl_stream_line(struct ctl_stream *s, const char *line);
void	ctl_stream_end(struct ctl_stream *s, int ok, const char *body);

int	ctl_listen(const char *path);	/* socket on the event loop; 0 / -1 */
void	ctl_close(void);

#endif
