/* Routes for tunnels through rtnetlink (libmnl), charon's install_routes:
 * a tunnel-mode child's remote subnets get a route in a table of their own
 * (220), via the interface and next hop towards the peer, with the
 * gateway's own address inside the local subnet as source (so that the
 * gateway's own traffic to the remote subnet is sourced inside the
 * protected one); a policy rule (ip rule: lookup 220, priority 220) sends
 * every lookup through that table first.
 *
 * Without such a route a gateway that has no route covering the remote
 * subnet never hands the traffic to the out policy: nothing leaves.
 *
 * Each route is shared by the children that need it (a rekeyed pair and
 * its successor, the children of a reauthentication) and goes when the
 * last one does. A route to the same subnet already in the table that this
 * module did not add is left alone, as is a rule that was already there.
 * A routed connection's trap holds its routes too (route_trap_add).
 * Errors are logged naming the connection, the subnet and the kernel's
 * reason; a child without its route stays up. */
#ifndef IKEFLOW_ROUTE_H
#define IKEFLOW_ROUTE_H

#include <stddef.h>
#include <stdint.h>
#include <net/if.h>

#include "common/addr.h"

#define IFL_ROUTE_TABLE		220
#define IFL_ROUTE_PRIO		220
#define IFL_ROUTE_CONN_MAX	64

/* One route this module installed. */
struct route_info {
	struct ifl_subnet dst;			/* the remote subnet */
	struct ifl_addr	gw;			/* next hop; unset: the peer is on-link */
	struct ifl_addr	src;			/* preferred source; unset: none */
	struct ifl_addr	peer;			/* the tunnel's peer it leads towards */
	uint32_t	oif;
	char		ifname[IF_NAMESIZE];
	uint32_t	table;
	char		conn[IFL_ROUTE_CONN_MAX];	/* the connection that added it */
	size_t		users;			/* children using it */
	int		waiting;		/* not in yet: its source is tentative */
};

/* Opens the rtnetlink socket and adds the rule (IPv4, and IPv6 where the
 * kernel has it) unless an identical one is there. 0 / -errno (logged). */
int	route_init(uint32_t table, uint32_t prio);
int	route_running(void);
/* Removes the routes it added, and the rules it added; closes the socket. */
void	route_shutdown(void);

/* Child `user` (its inbound SPI) of connection conn needs a route to dst
 * towards peer; the source is the first address of this host inside one
 * of the local subnets (scope global), if any. A route it already has to
 * dst takes one more user and moves to peer's path if the peer differs.
 * 0 / -errno (logged). */
int	route_child_add(const char *conn, uint32_t user, const struct ifl_subnet *dst,
	    const struct ifl_addr *peer, const struct ifl_subnet *local, size_t nlocal);
/* The child's peer moved (NAT): its routes go to the new peer's path. */
int	route_child_move(uint32_t user, const struct ifl_addr *peer);
/* The child is gone: routes nobody else uses are removed. */
void	route_child_del(uint32_t user);

/* A routed connection (auto=route) needs its routes while its trap
 * policies are in: without one, a gateway with no route covering the
 * remote subnet never hands the first packet to the trap, and no ACQUIRE
 * comes. The trap holds them as one more user, keyed by its reqid. */
int	route_trap_add(const char *conn, uint32_t reqid, const struct ifl_subnet *dst,
	    const struct ifl_addr *peer, const struct ifl_subnet *local, size_t nlocal);
void	route_trap_del(uint32_t reqid);

/* An IPv6 source still tentative (duplicate address detection) makes the
 * kernel refuse the route: it waits, listed, and goes in on the address
 * event that makes the source usable (without a source if the address
 * fails detection or goes). The daemon reads the event socket on its
 * loop: route_events_fd (-1: none) readable -> route_events_read. */
int	route_events_fd(void);
void	route_events_read(void);

/* The routes installed now, in the order they were added (the diagnostic
 * bundle, status views). fn returns !0 to stop. */
typedef int (*route_fn)(const struct route_info *r, void *arg);
void	route_walk(route_fn fn, void *arg);
size_t	route_count(void);

#endif
