/* The diagnostic bundle: a gzipped tar of everything that helps with a
 * support case and nothing that could leak a key. It is written piece by
 * piece through an output callback (a file for ikeflowctl, an HTTP answer
 * for the web page): no more than one piece is in memory at a time.
 *
 * The daemon's views come through `ask` (the control socket for
 * ikeflowctl, ctl_dispatch in the daemon itself); the configuration files
 * (masked), /proc/net/xfrm_stat, the kernel's SAs and policies (when the
 * daemon does not answer) and --check-config are gathered here. What could
 * not be had is listed in MANIFEST with the reason, and in report. */
#ifndef IKEFLOW_CTL_BUNDLE_H
#define IKEFLOW_CTL_BUNDLE_H

#include <stddef.h>

#include "common/buf.h"

/* Writes len bytes of the archive; 0, or -1 to abandon it. */
typedef int (*bundle_write_fn)(const void *data, size_t len, void *arg);
/* Runs one control command: 0 with the answer in out, 1 when the daemon
 * answered with an error (its text in out), -1 when it could not be asked
 * (why says why). */
typedef int (*bundle_ask_fn)(const char *cmd, struct buf *out, char *why,
	    size_t whylen, void *arg);

struct bundle_src {
	bundle_ask_fn	 ask;		/* NULL: no daemon to ask */
	void		*ask_arg;
	const char	*daemon_conf;	/* ikeflowd.conf */
	const char	*ikeflowd;	/* the binary, for --check-config; NULL: skipped */
	const char	*state_dir;	/* NULL: as ikeflowd.conf says (daemon down) */
	const char	*top;		/* the directory everything is under */
};

/* 0, or -1 when the archive could not be written (report says why). report
 * gets one line per piece left out and why. */
int	bundle_write(const struct bundle_src *src, bundle_write_fn w, void *warg,
	    struct buf *report);

/* "ikeflow-techsupport-HOST-YYYYmmdd-HHMMSS" (local time) into dst. */
const char *bundle_name(char *dst, size_t len);

#endif
