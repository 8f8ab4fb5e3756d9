/* One synchronous netlink request on a libmnl socket, shared by the XFRM
 * (kernel/xfrm_*.c) and routing (kernel/route.c) interfaces: send, read
 * until the ack or the end of a dump, keep the kernel's extack reason. */
#ifndef IKEFLOW_NL_H
#define IKEFLOW_NL_H

#include <stddef.h>
#include <stdint.h>
#include <libmnl/libmnl.h>

/* A socket of that netlink family with capped and extended acks, bound to
 * the multicast groups (0: none). NULL and errno on failure. */
struct mnl_socket *nl_open(int bus, unsigned groups);
/* Sends nlh (its sequence from ++*seq; NLM_F_ACK added unless a dump) and
 * reads until the ack or the dump's end, calling cb for every data message.
 * 0 or -errno; the kernel's extack message is left in errmsg ("" if none).
 * The receive buffer is wiped after each read (XFRM replies carry keys). */
int	nl_request(struct mnl_socket *nl, uint32_t *seq, struct nlmsghdr *nlh,
	    mnl_cb_t cb, void *arg, char *errmsg, size_t errlen);
/* A request of type (NLM_F_REQUEST | flags) at buf, with a zeroed family
 * header of body bytes (at mnl_nlmsg_get_payload) after it; buf must hold
 * both. */
struct nlmsghdr *nl_msg_start(void *buf, uint16_t type, uint16_t flags,
	    size_t body);
/* " (errmsg)" for a log line, "" when the kernel gave no reason; dst. */
const char *nl_errtail(const char *errmsg, char *dst, size_t len);

/* Reads and wipes whatever waits on the socket: leftovers of a request
 * abandoned half-way (a reply that failed to parse, the rest of a dump or
 * of a batch of queries) would fail the next one's sequence check, and
 * answers about SAs carry their keys. */
void	nl_drain(struct mnl_socket *nl);

/* A dump read in steps from a non-blocking socket, so that a long one
 * (tens of thousands of SAs) never holds the event loop: start sends the
 * request; each step reads what one receive gives (cb for every data
 * message) and says NL_DUMP_MORE (call again), NL_DUMP_WAIT (nothing
 * ready: wait for the socket) or NL_DUMP_DONE; -errno on failure, with the
 * kernel's extack message in errmsg. */
enum { NL_DUMP_DONE = 0, NL_DUMP_MORE = 1, NL_DUMP_WAIT = 2 };
int	nl_dump_start(struct mnl_socket *nl, uint32_t *seq, struct nlmsghdr *nlh);
int	nl_dump_step(struct mnl_socket *nl, uint32_t seq, mnl_cb_t cb, void *arg,
	    char *errmsg, size_t errlen);

/* 1 when every message of a received datagram lies inside it, else 0.
 * libmnl's walk trusts nlmsg_len: one past 2^31 reads as negative and
 * passes its check (the parsers then read past the buffer), one within 3
 * of 2^32 aligns to 0 and the walk never moves on. The kernel sends
 * neither; a damaged datagram is dropped whole, not walked. buf is
 * aligned as a receive buffer is. */
static inline int
nl_datagram_ok(const void *buf, size_t n)
{
	const unsigned char *p = buf;

	while (n >= sizeof(struct nlmsghdr)) {
		size_t l = ((const struct nlmsghdr *)(const void *)p)->nlmsg_len;

		if (l < sizeof(struct nlmsghdr) || l > n)
			return 0;
		l = MNL_ALIGN(l);
		if (l >= n)
			break;
		p += l;
		n -= l;
	}
	return 1;
}

#endif
