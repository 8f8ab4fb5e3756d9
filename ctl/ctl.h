/* Control socket commands. Every `ikeflowctl WORDS...` request is matched
 * against the registered command prefixes (longest match wins) and the handler
 * writes its text answer into `out`. Handlers only read state: they run on the
 * event loop and must not block. */
#ifndef IKEFLOW_CTL_H
#define IKEFLOW_CTL_H

#include "common/buf.h"

/* argv[0..argc) are the words after the matched prefix. Return 0, or -1 with
 * a one-line error message written into out (shown to the user, exit 1). */
typedef int (*ctl_cmd_fn)(int argc, char **argv, struct buf *out, void *arg);

/* prefix: words separated by single spaces, e.g. "show crypto ipsec sa". */
int	ctl_register(const char *prefix, const char *usage, const char *help,
	    ctl_cmd_fn fn, void *arg);
void	ctl_unregister_all(void);
/* Runs one request line as the control socket does (used by tests too). */
int	ctl_dispatch(const char *line, struct buf *out);
/* printf into a buf: the handlers' one output primitive. */
int	buf_printf(struct buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

int	ctl_listen(const char *path);	/* socket on the event loop; 0 / -1 */
void	ctl_close(void);

#endif
