/* IKE's UDP sockets: ports 500 and 4500, IPv4 and IPv6, on the wildcard
 * address. The local address of every datagram comes from IP_PKTINFO /
 * IPV6_PKTINFO and replies leave from it, so a multi-homed gateway answers
 * from the address the peer used. On 4500 the kernel takes ESP-in-UDP for
 * itself (UDP_ENCAP_ESPINUDP); what reaches us there starts with the 4-byte
 * non-ESP marker (RFC 3948 §2.2), or is a NAT-T keepalive. */
#include "config.h"

#include <errno.h>
#include <netinet/in.h>
#include <netinet/udp.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "common/log.h"
#include "common/loop.h"
#include "daemon/ike_daemon.h"
#include "kernel/xfrm.h"

#ifndef UDP_ENCAP
#define UDP_ENCAP		100
#endif
#ifndef UDP_ENCAP_ESPINUDP
#define UDP_ENCAP_ESPINUDP	2
#endif

#define SOCK_READS_PER_EVENT	64
#define SOCK_TURN_BUDGET_US	10000	/* then back to the loop: see sock_readable */
#define SOCK_RCVBUF		(4 * 1024 * 1024)
#define SOCK_NSOCK		4

struct ike_sock {
	int		fd;
	int		family;
	uint16_t	port;
	int		natt;
};

static struct {
	struct ike_sock	s[SOCK_NSOCK];
	int		n;
	uint16_t	natt_port;
	ike_socket_rx_fn fn;
	void		*arg;
	struct ike_socket_stats st;
	uint8_t		rxbuf[IKE_SOCKET_MAX_DGRAM];
} sk;

static const uint8_t non_esp_marker[4];

static const char *
peer_str(const struct ifl_addr *a, uint16_t port, char *dst, size_t len)
{
	char s[ADDR_STRLEN];

	snprintf(dst, len, a->family == AF_INET6 ? "[%s]:%u" : "%s:%u",
	    addr_str(a, s, sizeof(s)), port);
	return dst;
}

static void
sock_rx(struct ike_sock *s, const uint8_t *p, size_t len,
    const struct ifl_addr *src, uint16_t sport, const struct ifl_addr *dst)
{
	char peer[ADDR_STRLEN + 10];

	if (s->natt) {
		if (len == 1 && p[0] == 0xff) {
			sk.st.keepalives++;
			return;
		}
		if (len < sizeof(non_esp_marker) ||
		    memcmp(p, non_esp_marker, sizeof(non_esp_marker)) != 0) {
			sk.st.dropped++;
			log_debug("IKE: %zu bytes from %s on port %u without the "
			    "non-ESP marker dropped", len,
			    peer_str(src, sport, peer, sizeof(peer)), s->port);
			return;
		}
		p += sizeof(non_esp_marker);
		len -= sizeof(non_esp_marker);
	}
	sk.st.rx++;
	if (sk.fn)
		sk.fn(src, sport, dst, s->port, p, len, sk.arg);
}

static int
sock_read_one(struct ike_sock *s)
{
	union {
		struct cmsghdr	align;
		uint8_t		buf[CMSG_SPACE(sizeof(struct in6_pktinfo)) +
				    CMSG_SPACE(sizeof(struct in_pktinfo))];
	} cbuf;
	struct sockaddr_storage from;
	struct iovec iov = { sk.rxbuf, sizeof(sk.rxbuf) };
	struct msghdr msg;
	struct cmsghdr *cm;
	struct ifl_addr src, dst;
	uint16_t sport = 0;
	char peer[ADDR_STRLEN + 10];
	ssize_t n;

	memset(&msg, 0, sizeof(msg));
	msg.msg_name = &from;
	msg.msg_namelen = sizeof(from);
	msg.msg_iov = &iov;
	msg.msg_iovlen = 1;
	msg.msg_control = cbuf.buf;
	msg.msg_controllen = sizeof(cbuf.buf);
	if ((n = recvmsg(s->fd, &msg, MSG_DONTWAIT)) < 0) {
		if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)
			return 0;
		/* ICMP errors of earlier sends surface here: not fatal */
		log_debug("IKE: recvmsg on port %u: %s", s->port, strerror(errno));
		return errno == ECONNREFUSED || errno == EHOSTUNREACH ||
		    errno == ENETUNREACH ? 1 : -1;
	}
	if (addr_from_sockaddr((struct sockaddr *)&from, &src, &sport) < 0) {
		sk.st.dropped++;
		return 1;
	}
	if (msg.msg_flags & MSG_TRUNC) {
		sk.st.dropped++;
		log_warnx("IKE: datagram from %s larger than %d bytes dropped",
		    peer_str(&src, sport, peer, sizeof(peer)), IKE_SOCKET_MAX_DGRAM);
		return 1;
	}
	memset(&dst, 0, sizeof(dst));
	for (cm = CMSG_FIRSTHDR(&msg); cm; cm = CMSG_NXTHDR(&msg, cm)) {
		if (cm->cmsg_level == IPPROTO_IP && cm->cmsg_type == IP_PKTINFO) {
			struct in_pktinfo pi;

			memcpy(&pi, CMSG_DATA(cm), sizeof(pi));
			dst.family = AF_INET;
			dst.u.v4 = pi.ipi_addr;
		} else if (cm->cmsg_level == IPPROTO_IPV6 &&
		    cm->cmsg_type == IPV6_PKTINFO) {
			struct in6_pktinfo pi;

			memcpy(&pi, CMSG_DATA(cm), sizeof(pi));
			dst.family = AF_INET6;
			dst.u.v6 = pi.ipi6_addr;
		}
	}
	if (dst.family == 0) {
		sk.st.dropped++;
		log_warnx("IKE: datagram from %s without its local address dropped",
		    peer_str(&src, sport, peer, sizeof(peer)));
		return 1;
	}
	sock_rx(s, sk.rxbuf, (size_t)n, &src, sport, &dst);
	return 1;
}

static void
sock_readable(int fd, uint32_t events, void *arg)
{
	struct ike_sock *s = arg;
	uint64_t start = loop_now_us();
	int i;

	(void)fd;
	(void)events;
	/* bounded in count and in time: one busy socket must not starve the
	 * others, and a burst of IKE_SA_INITs whose DH runs in the loop (no
	 * DH workers on one CPU) must not hold AgentX, the web server and
	 * the kernel's events for seconds (64 of them took 7 s in a loaded
	 * one-CPU guest). What is left stays in the socket, readable again
	 * next turn (level-triggered). */
	for (i = 0; i < SOCK_READS_PER_EVENT; i++)
		if (sock_read_one(s) <= 0 ||
		    loop_now_us() - start >= SOCK_TURN_BUDGET_US)
			break;
}

static int
sock_open(int family, uint16_t port, int natt, int bypass)
{
	struct sockaddr_storage ss;
	struct ifl_addr any;
	struct ike_sock *s;
	socklen_t sl;
	int fd, on = 1, encap = UDP_ENCAP_ESPINUDP, rcvbuf = SOCK_RCVBUF;

	if ((fd = socket(family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0)) < 0) {
		if (family == AF_INET6 && errno == EAFNOSUPPORT) {
			log_info("IKE: no IPv6 on this host, IPv4 only");
			return 1;
		}
		log_err("IKE: socket(%s): %s", family == AF_INET ? "IPv4" : "IPv6",
		    strerror(errno));
		return -1;
	}
	if (family == AF_INET6 &&
	    (setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &on, sizeof(on)) < 0 ||
	    setsockopt(fd, IPPROTO_IPV6, IPV6_RECVPKTINFO, &on, sizeof(on)) < 0)) {
		log_err("IKE: IPv6 socket options: %s", strerror(errno));
		goto fail;
	}
	if (family == AF_INET &&
	    setsockopt(fd, IPPROTO_IP, IP_PKTINFO, &on, sizeof(on)) < 0) {
		log_err("IKE: IP_PKTINFO: %s", strerror(errno));
		goto fail;
	}
	/* one loop serves every peer: a burst of IKE_SA_INITs (DH each) must
	 * wait in the socket, not be dropped into the peers' retransmit
	 * timers; above rmem_max when allowed, else as much as it allows */
	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &rcvbuf, sizeof(rcvbuf)) < 0)
		(void)setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof(rcvbuf));
	memset(&any, 0, sizeof(any));
	any.family = (uint8_t)family;
	if (addr_to_sockaddr(&any, port, &ss, &sl) < 0 ||
	    bind(fd, (struct sockaddr *)&ss, sl) < 0) {
		log_err("IKE: cannot bind UDP port %u (%s): %s", port,
		    family == AF_INET ? "IPv4" : "IPv6", strerror(errno));
		goto fail;
	}
	if (bypass && xfrm_socket_bypass(fd, family) < 0) {
		log_err("IKE: port %u: no IPsec policy bypass", port);
		goto fail;
	}
	if (natt && setsockopt(fd, IPPROTO_UDP, UDP_ENCAP, &encap, sizeof(encap)) < 0) {
		/* without it, ESP in UDP would reach us instead of the kernel */
		log_err("IKE: port %u (%s): UDP_ENCAP_ESPINUDP: %s", port,
		    family == AF_INET ? "IPv4" : "IPv6", strerror(errno));
		goto fail;
	}
	s = &sk.s[sk.n];
	s->fd = fd;
	s->family = family;
	s->port = port;
	s->natt = natt;
	if (loop_fd_add(fd, EPOLLIN, sock_readable, s) < 0) {
		log_err("IKE: port %u: cannot watch the socket", port);
		goto fail;
	}
	loop_fd_name(fd, "IKE socket");
	sk.n++;
	return 0;
fail:
	close(fd);
	return -1;
}

int
ike_socket_open(uint16_t ike_port, uint16_t natt_port, int bypass,
    ike_socket_rx_fn fn, void *arg)
{
	int r;

	ike_socket_close();
	memset(&sk.st, 0, sizeof(sk.st));
	sk.fn = fn;
	sk.arg = arg;
	sk.natt_port = natt_port;
	if (sock_open(AF_INET, ike_port, 0, bypass) < 0 ||
	    sock_open(AF_INET, natt_port, 1, bypass) < 0)
		goto fail;
	if ((r = sock_open(AF_INET6, ike_port, 0, bypass)) < 0)
		goto fail;
	if (r == 0 && sock_open(AF_INET6, natt_port, 1, bypass) < 0)
		goto fail;
	log_info("IKE: listening on UDP ports %u and %u (%s)", ike_port, natt_port,
	    sk.n > 2 ? "IPv4 and IPv6" : "IPv4");
	return 0;
fail:
	ike_socket_close();
	return -1;
}

void
ike_socket_close(void)
{
	int i;

	for (i = 0; i < sk.n; i++) {
		loop_fd_del(sk.s[i].fd);
		close(sk.s[i].fd);
	}
	sk.n = 0;
}

static int
sock_send(const struct ifl_addr *src, uint16_t sport, const struct ifl_addr *dst,
    uint16_t dport, const uint8_t *pkt, size_t len, int marker)
{
	union {
		struct cmsghdr	align;
		uint8_t		buf[CMSG_SPACE(sizeof(struct in6_pktinfo))];
	} cbuf;
	struct sockaddr_storage to;
	struct iovec iov[2];
	struct msghdr msg;
	struct cmsghdr *cm;
	struct ike_sock *s = NULL;
	char peer[ADDR_STRLEN + 10];
	socklen_t tl;
	int i, niov = 0;

	for (i = 0; i < sk.n; i++)
		if (sk.s[i].family == dst->family && sk.s[i].port == sport)
			s = &sk.s[i];
	if (s == NULL || len > IKE_SOCKET_MAX_DGRAM - sizeof(non_esp_marker) ||
	    addr_to_sockaddr(dst, dport, &to, &tl) < 0) {
		sk.st.send_errors++;
		log_warnx("IKE: no socket to send %zu bytes from port %u to %s", len,
		    sport, peer_str(dst, dport, peer, sizeof(peer)));
		return -1;
	}
	if (s->natt && marker) {
		iov[niov].iov_base = (void *)non_esp_marker;
		iov[niov++].iov_len = sizeof(non_esp_marker);
	}
	iov[niov].iov_base = (void *)pkt;
	iov[niov++].iov_len = len;
	memset(&msg, 0, sizeof(msg));
	memset(&cbuf, 0, sizeof(cbuf));
	msg.msg_name = &to;
	msg.msg_namelen = tl;
	msg.msg_iov = iov;
	msg.msg_iovlen = (size_t)niov;
	if (src && src->family == dst->family && !addr_is_any(src)) {
		msg.msg_control = cbuf.buf;
		cm = (struct cmsghdr *)cbuf.buf;
		if (dst->family == AF_INET) {
			struct in_pktinfo pi;

			memset(&pi, 0, sizeof(pi));
			pi.ipi_spec_dst = src->u.v4;
			msg.msg_controllen = CMSG_SPACE(sizeof(pi));
			cm->cmsg_level = IPPROTO_IP;
			cm->cmsg_type = IP_PKTINFO;
			cm->cmsg_len = CMSG_LEN(sizeof(pi));
			memcpy(CMSG_DATA(cm), &pi, sizeof(pi));
		} else {
			struct in6_pktinfo pi;

			memset(&pi, 0, sizeof(pi));
			pi.ipi6_addr = src->u.v6;
			msg.msg_controllen = CMSG_SPACE(sizeof(pi));
			cm->cmsg_level = IPPROTO_IPV6;
			cm->cmsg_type = IPV6_PKTINFO;
			cm->cmsg_len = CMSG_LEN(sizeof(pi));
			memcpy(CMSG_DATA(cm), &pi, sizeof(pi));
		}
	}
	if (sendmsg(s->fd, &msg, 0) < 0) {
		sk.st.send_errors++;
		log_warnx("IKE: sending %zu bytes to %s: %s", len,
		    peer_str(dst, dport, peer, sizeof(peer)), strerror(errno));
		return -1;
	}
	sk.st.tx++;
	return 0;
}

int
ike_socket_send(const struct ifl_addr *src, uint16_t sport,
    const struct ifl_addr *dst, uint16_t dport, const uint8_t *pkt, size_t len)
{
	return sock_send(src, sport, dst, dport, pkt, len, 1);
}

int
ike_socket_keepalive(const struct ifl_addr *src, uint16_t sport,
    const struct ifl_addr *dst, uint16_t dport)
{
	static const uint8_t ka = 0xff;

	return sock_send(src, sport, dst, dport, &ka, 1, 0);
}

void
ike_socket_stats(struct ike_socket_stats *st)
{
	*st = sk.st;
}
