/* The IKE side of ikeflowd: UDP sockets, the engine's window onto the kernel
 * and the configuration (struct ike_env), and the connection lifecycle
 * (auto=start/route/add, up/down, kernel events, reload). */
#ifndef IKEFLOW_IKE_DAEMON_H
#define IKEFLOW_IKE_DAEMON_H

#include <stddef.h>
#include <stdint.h>

#include "common/addr.h"
#include "config/config.h"
#include "keying/ike_env.h"
#include "keying/ikev2_exchange.h"

#define IKE_SOCKET_MAX_DGRAM	65536

/* ---- sockets (ike_socket.c) ---- */

/* One received IKE message: non-ESP marker stripped, keepalives dropped. */
typedef void (*ike_socket_rx_fn)(const struct ifl_addr *src, uint16_t sport,
	    const struct ifl_addr *dst, uint16_t dport, const uint8_t *pkt,
	    size_t len, void *arg);

/* Binds ike_port and natt_port on the IPv4 and IPv6 wildcard addresses
 * (IPv6 only when the host has it). bypass: exempt the sockets from IPsec
 * policies (the daemon; tests without XFRM pass 0). 0 / -1. */
int	ike_socket_open(uint16_t ike_port, uint16_t natt_port, int bypass,
	    ike_socket_rx_fn fn, void *arg);
void	ike_socket_close(void);
/* Sends from src:sport (the socket bound to sport; src picks the source
 * address). From natt_port the non-ESP marker goes first. 0 / -1. */
int	ike_socket_send(const struct ifl_addr *src, uint16_t sport,
	    const struct ifl_addr *dst, uint16_t dport, const uint8_t *pkt, size_t len);
/* One NAT-T keepalive (RFC 3948 §2.3): the byte 0xFF without the non-ESP
 * marker, from src:sport. 0 / -1. */
int	ike_socket_keepalive(const struct ifl_addr *src, uint16_t sport,
	    const struct ifl_addr *dst, uint16_t dport);
/* Counters for tests and logs. */
struct ike_socket_stats {
	uint64_t	rx, tx, keepalives, dropped, send_errors;
};
void	ike_socket_stats(struct ike_socket_stats *st);

/* ---- connections (ike_conns.c) ---- */

/* One connection as the IKE side uses it: the configuration's conn copied,
 * left made the local end, and a reqid that stays the connection's for the
 * daemon's life (trap policies and SAs share it). */
struct ike_conn {
	struct cfg_conn	c;
	int		trapped;	/* its auto=route policies are in the kernel */
	int		retired;	/* dropped or replaced by a reload */
	struct ike_conn	*reuse;		/* reload: the old copy standing in */
	int		busy;		/* reload: conns_mark_busy's answer */
	struct ike_conn	*next;
};

/* The connections in force, in configuration order (set by ike_module.c). */
struct ike_conn *ike_conns_list(void);
void	ike_conns_set(struct ike_conn *list);
/* By reqid (ACQUIRE) or by name among the connections in force. */
struct ike_conn *ike_conns_by_reqid(uint32_t reqid);
struct ike_conn *ike_conns_by_name(const char *name);
/* A lookup by name over any list (a reload's old one), made once: NULL
 * when out of memory. skip_retired leaves retired copies out. */
struct ike_conn_index;
struct ike_conn_index *ike_conn_index_new(struct ike_conn *list, int skip_retired);
struct ike_conn *ike_conn_index_name(const struct ike_conn_index *x, const char *name);
void	ike_conn_index_free(struct ike_conn_index *x);

/* Copies cfg's connections, oriented with is_local (NULL: as written),
 * reqids from *next_reqid unless configured, or taken from a connection of
 * the same name in `old` (may be NULL). NULL-terminated list; -1 on memory. */
int	ike_conns_build(const struct ifl_config *cfg,
	    int (*is_local)(const struct ifl_addr *a, void *arg),
	    const struct ike_conn *old, uint32_t *next_reqid, struct ike_conn **out);
void	ike_conns_free(struct ike_conn *list);
/* 1 when the two conns negotiate the same way (the memory may differ). */
int	ike_conn_same(const struct cfg_conn *a, const struct cfg_conn *b);

/* Responder choices over a connection list (see keying/ike_env.h). */
const struct cfg_conn *ike_conns_match_addr(const struct ike_conn *list,
	    const struct ifl_addr *local, const struct ifl_addr *remote);
/* The same among connections of IKE version `version` (1 or 2). */
const struct cfg_conn *ike_conns_match_addr_v(const struct ike_conn *list,
	    const struct ifl_addr *local, const struct ifl_addr *remote,
	    int version);
const struct cfg_conn *ike_conns_match_id(const struct ike_conn *list,
	    const struct cfg_conn *cur, const struct ifl_addr *local,
	    const struct ifl_addr *remote, const struct cfg_id *peer,
	    const struct cfg_id *us);

/* auto=route: trap policies in the kernel (out, with the template). 0 / -1. */
int	ike_conn_trap(struct ike_conn *ic);
void	ike_conn_untrap(struct ike_conn *ic);
/* 1 when (local, remote) is one of the connection's trap selectors. */
int	ike_conn_trap_covers(const struct ike_conn *ic, const struct ifl_subnet *local,
	    const struct ifl_subnet *remote);

/* ---- env (ike_env.c) ---- */

/* The daemon's struct ike_env: sockets, XFRM, configuration. */
void	ike_env_daemon(struct ike_env *env);
/* A traffic selector as the kernel's subnet selector (smallest covering). */
void	ike_ts_subnet(const struct ikev2_ts *ts, struct ifl_subnet *out);

/* ---- control commands (ike_ctl.c) ---- */
int	ike_ctl_register(void);

/* ---- the engine behind the commands (ike_module.c) ---- */
int	ike_conns_up(const char *name, char *msg, size_t len);
int	ike_conns_down(const char *name, char *msg, size_t len);
/* How long up/down wait for their result: one exchange's retransmissions
 * until the engine gives up, and 10 s more. */
uint32_t ike_conns_wait_ms(void);
/* The engine's counters (show crypto ikev2 stats). 0 / -1 (no engine). */
int	ike_engine_stats(struct ikev2_engine_stats *st);

#endif
