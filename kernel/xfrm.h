/* The Linux IPsec stack through XFRM netlink (libmnl): SPIs, SAs, policies,
 * kernel events and the data-plane counters folded into the state model.
 *
 * Two netlink sockets: a request socket (one request at a time, synchronous
 * ack) and a non-blocking event socket on the event loop. Functions return 0
 * or -errno; every kernel error is logged once, naming the SA (SPI, peer,
 * direction) or the policy (selector, direction) and the kernel's message.
 * Key material is never logged, and every buffer that held it is wiped.
 *
 * Algorithms are given as IKEv2 transform IDs (kernel/xfrm_algs.h maps them
 * to kernel names); addresses as struct ifl_addr; SPIs in host order. */
#ifndef IKEFLOW_XFRM_H
#define IKEFLOW_XFRM_H

#include <stddef.h>
#include <stdint.h>

#include "common/addr.h"
#include "state/state.h"

#define IFL_XFRM_SPI_MIN	0xc0000000u
#define IFL_XFRM_SPI_MAX	0xcfffffffu
#define IFL_XFRM_REFRESH_MS	5000
#define IFL_XFRM_REPLAY_WINDOW	32

struct xfrm_opts {
	uint32_t	spi_min, spi_max;	/* 0, 0: the default range above */
	uint32_t	refresh_ms;		/* counter dump-and-fold interval; 0: 5 s */
	int		no_events;		/* no event socket (tools, tests) */
	int		no_timer;		/* no refresh timer (tools, tests) */
	int		read_only;		/* queries only (monitor mode) */
};

/* Policy directions: the kernel's XFRM_POLICY_IN/OUT/FWD values. */
enum xfrm_pol_dir { IFL_XFRM_IN = 0, IFL_XFRM_OUT = 1, IFL_XFRM_FWD = 2 };

/* One SA to install. Keys are raw bytes; for AES-GCM the 4-byte salt follows
 * the key (encr_key_len = keylen/8 + 4). The caller keeps ownership of its
 * key buffers (and wipes them); the module wipes its own copies. */
struct xfrm_sa_cfg {
	struct ifl_addr	src, dst;		/* outer addresses */
	uint32_t	spi;
	uint8_t		proto;			/* IPPROTO_ESP (0 = ESP) */
	enum st_sa_dir	dir;			/* ST_SA_IN: dst is ours */
	int		transport;		/* 0 tunnel, 1 transport */
	uint32_t	reqid;
	uint16_t	encr;			/* IKEv2 ENCR_* (12, 20, 3) */
	uint16_t	encr_keylen;		/* bits; 0 = the transform's default */
	uint16_t	integ;			/* IKEv2 AUTH_* (1, 2, 12, 13, 14); 0 with AEAD */
	const uint8_t	*encr_key;
	size_t		encr_key_len;
	const uint8_t	*integ_key;
	size_t		integ_key_len;
	int		esn;			/* extended sequence numbers */
	uint32_t	replay_window;		/* packets; 0 = 32 */
	/* Lifetimes; 0 = no limit. */
	uint64_t	soft_sec, hard_sec;
	uint64_t	soft_bytes, hard_bytes;
	uint64_t	soft_packets, hard_packets;
	/* NAT-T: ESP in UDP (ports in host order). */
	int		encap;
	uint16_t	encap_sport, encap_dport;
	/* Transport mode: the selector of the traffic (optional; zero = any). */
	struct ifl_subnet sel_src, sel_dst;
	uint8_t		sel_proto;
	/* Tunnel mode: the family of the traffic inside, AF_INET or AF_INET6;
	 * IFL_XFRM_BOTH_FAMILIES for a child with selectors of both; 0 = the
	 * outer family.  The kernel sends only traffic of the SA's selector
	 * family through it: IPv4 in IPv6 (or the reverse) needs this. */
	int		inner_family;
};
#define IFL_XFRM_BOTH_FAMILIES	(-1)

/* One policy. A "trap" policy (auto=route) is an out policy with a template
 * for which no SA exists yet: the kernel sends ACQUIRE on matching traffic. */
struct xfrm_pol_cfg {
	struct ifl_subnet src, dst;		/* selector */
	uint8_t		proto;			/* 0 = any */
	uint16_t	sport, dport;		/* host order; 0 = any */
	enum xfrm_pol_dir dir;
	uint32_t	priority;		/* 0 = xfrm_policy_priority() */
	/* template */
	int		transport;		/* 0 tunnel, 1 transport */
	struct ifl_addr	tmpl_src, tmpl_dst;	/* tunnel endpoints (unset in transport) */
	uint8_t		tmpl_proto;		/* IPPROTO_ESP (0 = ESP) */
	uint32_t	reqid;
};

/* An SA as the kernel reports it (dump, GETSA, EXPIRE, DELSA). No keys. */
struct xfrm_sa_info {
	struct ifl_addr	src, dst;
	uint32_t	spi;
	uint8_t		proto;
	uint8_t		mode;			/* XFRM_MODE_* */
	uint32_t	reqid;
	uint64_t	bytes, packets;		/* curlft: inner bytes */
	uint64_t	add_time, use_time;	/* curlft: seconds since the epoch */
	uint32_t	replay_window, replay, integrity_failed;	/* stats */
	uint64_t	lastused;		/* XFRMA_LASTUSED, 0 if never */
	int		larval;			/* an SPI allocation, no keys yet (dumps, GETSA) */
	/* NEWSA/UPDSA only (dumps, GETSA, events): what another daemon
	 * installed, for the monitor. Algorithms as IKEv2 transform IDs
	 * (0 = none or unknown to kernel/xfrm_algs.c); never the keys. */
	uint16_t	encr, encr_keylen, integ;
	int		esn, encap;
	uint64_t	soft_sec, hard_sec;	/* lifetimes configured, 0 = none */
	uint64_t	soft_bytes, hard_bytes;
};

/* A policy as the kernel reports it (dump, NEWPOLICY/DELPOLICY events). */
struct xfrm_pol_info {
	struct ifl_subnet src, dst;
	uint8_t		proto;
	uint16_t	sport, dport;
	enum xfrm_pol_dir dir;
	uint32_t	priority, index;
	uint64_t	add_time, use_time;
	uint32_t	reqid;			/* first template's, 0 if none */
	struct ifl_addr	tmpl_src, tmpl_dst;
	int		transport;
};

/* ACQUIRE: traffic hit an out policy without an SA. */
struct xfrm_acquire {
	struct ifl_subnet src, dst;		/* selector of the policy */
	uint8_t		proto;
	uint16_t	sport, dport;
	struct ifl_addr	pkt_src, pkt_dst;	/* the packet that triggered it */
	struct ifl_addr	tmpl_src, tmpl_dst;	/* the template's tunnel endpoints */
	int		transport;
	uint32_t	reqid;
	uint32_t	policy_index;
	uint32_t	seq;			/* the kernel's acquire sequence */
};

/* Callbacks to the keying side; any may be NULL. They run on the event loop. */
struct xfrm_handlers {
	void	(*on_acquire)(const struct xfrm_acquire *acq, void *arg);
	/* soft expiry: rekey; hard: the kernel removed the SA (final counters
	 * in sa, already folded into the state model). */
	void	(*on_expire)(const struct xfrm_sa_info *sa, int hard, void *arg);
	/* An SA deleted by anyone (us included); final counters already folded. */
	void	(*on_sa_deleted)(const struct xfrm_sa_info *sa, void *arg);
	/* A policy added, updated or deleted by anyone. */
	void	(*on_policy_change)(const struct xfrm_pol_info *pol, int deleted, void *arg);
	void	*arg;
	/* NEWSA/UPDSA by anyone (larval SAs included: check sa->larval). */
	void	(*on_sa_new)(const struct xfrm_sa_info *sa, void *arg);
	/* Events were lost and the registry's SAs resynced: a handler that
	 * follows SAs of others dumps again. */
	void	(*on_resync)(void *arg);
};

/* ---- lifecycle ---- */
int	xfrm_init(const struct xfrm_opts *opts);	/* NULL: defaults */
void	xfrm_shutdown(void);				/* closes sockets, keeps kernel state */
void	xfrm_set_handlers(const struct xfrm_handlers *h);	/* copied */

/* ---- SPIs ---- */
/* A larval inbound SA (src = peer, dst = us) with a fresh SPI from the range. */
int	xfrm_spi_alloc(const struct ifl_addr *src, const struct ifl_addr *dst,
	    uint8_t proto, uint32_t reqid, uint32_t *spi);
/* The negotiation failed: delete the larval SA. */
int	xfrm_spi_release(const struct ifl_addr *src, const struct ifl_addr *dst,
	    uint8_t proto, uint32_t spi);

/* ---- SAs ---- */
int	xfrm_sa_add(const struct xfrm_sa_cfg *sa);	/* NEWSA */
int	xfrm_sa_update(const struct xfrm_sa_cfg *sa);	/* UPDSA: fills a larval SA */
/* -ENOENT if the kernel has no such SA. Its final counters are folded when
 * the kernel's DELSA notice arrives (on_sa_deleted follows). */
int	xfrm_sa_del(const struct ifl_addr *src, const struct ifl_addr *dst,
	    uint8_t proto, uint32_t spi);
/* GETSA for one SA; also folds its counters into the state model. */
int	xfrm_sa_query(const struct ifl_addr *dst, uint8_t proto, uint32_t spi,
	    struct xfrm_sa_info *out);
void	xfrm_sa_counters(const struct xfrm_sa_info *sa, struct st_dir_counters *c);
/* The counters of a few SAs, each asked for (GETSA, many to a send), folded
 * into the state model: a page showing a few tunnels reads its own SAs of
 * now without a dump of all. The number of SAs found (those gone are not an
 * error), or -errno. */
struct xfrm_sa_ref {
	struct ifl_addr	dst;
	uint32_t	spi;
	uint8_t		proto;		/* 0: ESP */
};
int	xfrm_fold_sas(const struct xfrm_sa_ref *refs, size_t n);

/* A tunnel's outer addresses or UDP ports moved (a NATed peer behind a new
 * address, RFC 7296 §2.23): its policies' templates and the SA pair go to
 * the new ones in place (XFRM_MSG_MIGRATE), SPIs, keys, sequence numbers
 * and replay windows kept. Selectors and directions as the out policy has
 * them (src = local side). */
struct xfrm_move_cfg {
	struct ifl_subnet local_ts, remote_ts;	/* the out policy's selector */
	uint8_t		proto;			/* selector protocol, 0 = any */
	uint16_t	lport, rport;		/* selector ports, 0 = any */
	int		transport;
	uint32_t	reqid;
	uint32_t	spi_in, spi_out;
	struct ifl_addr	old_local, old_remote, new_local, new_remote;
	int		encap;			/* ESP in UDP after the move */
	uint16_t	encap_lport, encap_rport;	/* host order */
};
int	xfrm_tunnel_move(const struct xfrm_move_cfg *m);

/* ---- policies ---- */
int	xfrm_policy_add(const struct xfrm_pol_cfg *p);		/* NEWPOLICY */
int	xfrm_policy_update(const struct xfrm_pol_cfg *p);	/* UPDPOLICY (add or replace) */
int	xfrm_policy_del(const struct xfrm_pol_cfg *p);
/* Priority from selector specificity (smaller value = preferred), so a
 * narrower selector wins over a broader one that also matches:
 *   ((IFL_XFRM_PRIO_BASE - src plen - dst plen) << 2)
 *     + (no port given ? 2 : 0) + (no protocol given ? 1 : 0)
 * (IPv6 prefix lengths count as they are: policies of both families never
 * compete.) A cfg priority other than 0 is used as it is. */
#define IFL_XFRM_PRIO_BASE	100000u
uint32_t xfrm_policy_priority(const struct xfrm_pol_cfg *p);

/* IKE sockets: never subject to a tunnel policy (IP[V6]_XFRM_POLICY bypass). */
int	xfrm_socket_bypass(int fd, int family);

/* ---- counters ---- */
/* Full SA dump folded into the state model (st_sa_update), a policy dump for
 * xfrm_policy_use_time(), and /proc/net/xfrm_stat into
 * st_ipsec_global_kernel(). Runs on the refresh timer (unless no_timer);
 * this forces one now. Never call it from an SNMP or HTTP request. */
int	xfrm_refresh_now(void);
/* The counters' part of it only (SA dump and xfrm_stat, no policy dump):
 * what st_counters_fresh() runs. It only updates counters in the state
 * model (no row comes or goes), so a reader may call it before answering. */
int	xfrm_fold_now(void);
/* The same refresh read in steps on a socket of its own, so that the event
 * loop serves everything else between them (a dump of 20,000 SAs takes a
 * good part of a second): a few milliseconds of a turn each, then the next
 * step when the socket is ready again. done(0 or -errno, arg) runs once at
 * its end, from the loop. -EBUSY while one is under way. The counters it
 * folds count as read at its start (st_counters_fresh). */
int	xfrm_refresh_start(void (*done)(int ret, void *arg), void *arg);
int	xfrm_refresh_running(void);
/* The last refresh: SAs the kernel listed, and how many the state model knew. */
void	xfrm_refresh_stats(size_t *sas, size_t *folded);
/* Latest use (seconds since the epoch, 0 = never) of any policy with this
 * reqid, as of the last refresh (idle detection). */
uint64_t xfrm_policy_use_time(uint32_t reqid);
typedef int (*xfrm_sa_fn)(const struct xfrm_sa_info *sa, void *arg);	/* !0 stops */
typedef int (*xfrm_pol_fn)(const struct xfrm_pol_info *pol, void *arg);
int	xfrm_sa_dump(xfrm_sa_fn fn, void *arg);
int	xfrm_policy_dump(xfrm_pol_fn fn, void *arg);
/* Parse xfrm_stat text by counter name (unknown names ignored, missing = 0). */
int	xfrm_stat_parse(const char *text, struct st_ipsec_global *out);

/* ---- text (xfrm_show.c) ---- */
struct buf;
/* Every SA / policy the kernel has, `ip -s xfrm state|policy` style, keys
 * never included; 0 or -errno (also said in out). */
int	xfrm_show_state(struct buf *out);
int	xfrm_show_policy(struct buf *out);
/* The policies this module installed (show crypto ruleset detail). */
void	xfrm_show_owned_policies(struct buf *out);

/* ---- cleanup ---- */
/* Remove exactly the SAs and policies this module installed (daemon shutdown). */
int	xfrm_flush_installed(void);

#endif
