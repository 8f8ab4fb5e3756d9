/* strongSwan's updown contract: when a tunnel's child SA comes up or goes
 * down, the connection's leftupdown command (or, with leftfirewall=yes, the
 * shipped script with "iptables") runs under /bin/sh with the PLUTO_*
 * environment, once per local x remote selector pair. Scripts run
 * asynchronously from the event loop, with a timeout; ordering is kept per
 * connection (an up always runs before its down). */
#ifndef IKEFLOW_UPDOWN_H
#define IKEFLOW_UPDOWN_H

#include <stddef.h>
#include <stdint.h>

#include "keying/ike_env.h"

/* What the environment says beyond the child itself. */
struct updown_ctx {
	const char	*path;		/* PATH= for the script */
	const char	*iface;		/* PLUTO_INTERFACE: the one with c->local */
	const char	*my_id, *peer_id;	/* IKE identities, as text */
	uint32_t	uniqueid;	/* the IKE SA's (its SA ID) */
	uint32_t	mark, mark_mask;	/* mark_mask 0: no PLUTO_MARK_* */
};

/* The environment of one selector pair (ts_local[i], ts_remote[j]) of c,
 * for PLUTO_VERB up-* (up) or down-*: a NULL-terminated array of
 * "NAME=value" strings, or NULL on memory. No key material goes in it. */
char	**updown_env(const struct ike_child_sa *c, size_t i, size_t j, int up,
	    const struct updown_ctx *x);
void	updown_env_free(char **env);

/* The daemon's hook where a child's SAs and policies went in (up = 1,
 * after install_child) or its SAs were removed (up = 0, remove_child).
 * Only a new tunnel runs up, and only its end runs down: rekeys and
 * reauthentications that continue the tunnel run nothing. Does nothing
 * unless the module runs. */
void	updown_child(const struct ike_child_sa *c, int up);

struct cfg_conn;

/* The command line of a connection: its leftupdown, else with
 * leftfirewall=yes the script quoted for sh and "iptables"; NULL when it
 * has none (or on memory). The caller frees it. */
char	*updown_command(const struct cfg_conn *cc, const char *script);

/* runner.c, in a job process: has the runner run the request
 * "CMD\0VAR=VALUE\0..." with its output on out; the wait status, or -1. */
int	runner_run(const char *msg, size_t len, int out);

/* Jobs queued or running (tests, shutdown). */
size_t	updown_pending(void);

/* Jobs of connection conn queued or running: `ikeflowctl up` answers once
 * the up scripts of its new tunnel ran (charon runs them before it says
 * the CHILD_SA is established), so traffic sent at once passes a firewall
 * that leftfirewall opens. */
size_t	updown_conn_pending(const char *conn);

/* daemon/updown_hold.c: what ikeflowd sends to a peer waits while the up
 * scripts of its new tunnel run (charon answers only after them), then
 * goes in order. start: from the up's queueing; send: from the IKE send
 * path, 1 if the message was taken; release: when the connection's last
 * script ended (conn NULL: all, at shutdown; send 0 drops them). */
void	updown_hold_start(const char *conn, const struct ifl_addr *peer);
int	updown_hold_send(const struct ifl_addr *src, uint16_t sport,
	    const struct ifl_addr *dst, uint16_t dport, const uint8_t *pkt,
	    size_t len);
void	updown_hold_release(const char *conn, int send);

#endif
