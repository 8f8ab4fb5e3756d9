/* The netlink sockets: requests and their acks or dumps, and the event
 * socket, whose messages and losses it hands up to the handlers the
 * module's setup gave (xfrm_ctx.ev_msg, ev_lost): it calls nothing above. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <sys/socket.h>

#include "common/buf.h"
#include "common/log.h"
#include "common/loop.h"
#include "kernel/xfrm_priv.h"

#ifndef NETLINK_EXT_ACK
#define NETLINK_EXT_ACK	11
#endif
#ifndef NETLINK_CAP_ACK
#define NETLINK_CAP_ACK	10
#endif

#define EV_RCVBUF_START	(1 << 20)
#define EV_RCVBUF_MAX	(64 << 20)

struct xfrm_ctx xfrm_ctx;
uint8_t xfrm_reqbuf[IFL_XFRM_BUFSZ] __attribute__((aligned(8)));
static uint8_t rxbuf[IFL_XFRM_BUFSZ];
static uint8_t evbuf[IFL_XFRM_BUFSZ];

struct mnl_socket *
xfrm_nl_open(unsigned groups)
{
	struct mnl_socket *nl;
	int one = 1;

	nl = mnl_socket_open2(NETLINK_XFRM, SOCK_CLOEXEC);
	if (nl == NULL)
		return NULL;
	/* Capped acks keep the kernel from echoing requests (and their keys)
	 * back; extended acks give its reason for a refusal. */
	mnl_socket_setsockopt(nl, NETLINK_CAP_ACK, &one, sizeof(one));
	mnl_socket_setsockopt(nl, NETLINK_EXT_ACK, &one, sizeof(one));
	if (mnl_socket_bind(nl, groups, MNL_SOCKET_AUTOPID) < 0) {
		int e = errno;

		mnl_socket_close(nl);
		errno = e;
		return NULL;
	}
	return nl;
}

const char *
xfrm_nl_errtail(char *dst, size_t len)
{
	if (xfrm_ctx.errmsg[0])
		snprintf(dst, len, " (%s)", xfrm_ctx.errmsg);
	else if (len)
		dst[0] = '\0';
	return dst;
}

static int
err_cb(const struct nlmsghdr *nlh, void *arg)
{
	int err = 0;

	(void)arg;
	if (xfrm_msg_parse_error(nlh, &err, xfrm_ctx.errmsg, sizeof(xfrm_ctx.errmsg)) < 0) {
		errno = EBADMSG;
		return MNL_CB_ERROR;
	}
	if (err == 0)
		return MNL_CB_STOP;
	errno = -err;
	return MNL_CB_ERROR;
}

static int
done_cb(const struct nlmsghdr *nlh, void *arg)
{
	(void)nlh;
	(void)arg;
	return MNL_CB_STOP;
}

static int
noop_cb(const struct nlmsghdr *nlh, void *arg)
{
	(void)nlh;
	(void)arg;
	return MNL_CB_OK;
}

int
xfrm_nl_request(struct nlmsghdr *nlh, mnl_cb_t cb, void *arg)
{
	static mnl_cb_t ctl[NLMSG_MIN_TYPE] = {
		[NLMSG_NOOP] = noop_cb,
		[NLMSG_ERROR] = err_cb,
		[NLMSG_DONE] = done_cb,
		[NLMSG_OVERRUN] = noop_cb,
	};
	struct mnl_socket *nl = xfrm_ctx.req;
	uint32_t portid;
	ssize_t n;
	int ret = -1;

	xfrm_ctx.errmsg[0] = '\0';
	if (nl == NULL)
		return -ENOTCONN;
	/* Every non-dump request is acked, so the end of a reply is unambiguous. */
	if (!(nlh->nlmsg_flags & NLM_F_DUMP))
		nlh->nlmsg_flags |= NLM_F_ACK;
	nlh->nlmsg_seq = ++xfrm_ctx.seq;
	portid = mnl_socket_get_portid(nl);
	/* Leftovers of a request abandoned half-way (a reply that failed to
	 * parse, the rest of its dump) would fail this one's sequence check. */
	while ((n = recv(mnl_socket_get_fd(nl), rxbuf, sizeof(rxbuf), MSG_DONTWAIT)) > 0)
		wipe(rxbuf, (size_t)n);
	if (mnl_socket_sendto(nl, nlh, nlh->nlmsg_len) < 0)
		return -errno;
	for (;;) {
		n = mnl_socket_recvfrom(nl, rxbuf, sizeof(rxbuf));
		if (n < 0) {
			if (errno == EINTR)
				continue;
			ret = -1;
			break;
		}
		ret = mnl_cb_run2(rxbuf, n, nlh->nlmsg_seq, portid, cb, arg, ctl,
		    NLMSG_MIN_TYPE);
		wipe(rxbuf, n);
		if (ret <= MNL_CB_STOP)
			break;
	}
	if (ret < 0)
		return errno ? -errno : -EIO;
	return 0;
}

/* ---- event socket ---- */

static void
ev_set_rcvbuf(int size)
{
	int fd = mnl_socket_get_fd(xfrm_ctx.ev);

	/* FORCE needs CAP_NET_ADMIN, which the daemon has; fall back for tools. */
	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &size, sizeof(size)) < 0)
		setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof(size));
	xfrm_ctx.ev_rcvbuf = size;
}

static void
ev_read(int fd, uint32_t events, void *arg)
{
	ssize_t n;

	(void)events;
	(void)arg;
	for (;;) {
		n = recv(fd, evbuf, sizeof(evbuf), MSG_DONTWAIT);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				break;
			if (errno == ENOBUFS) {
				/* Events were lost: grow the buffer and rebuild
				 * what they would have told from a full dump. */
				if (xfrm_ctx.ev_rcvbuf < EV_RCVBUF_MAX)
					ev_set_rcvbuf(xfrm_ctx.ev_rcvbuf * 2);
				log_warnx("xfrm: kernel events lost (receive buffer full), "
				    "resynchronising; buffer now %d bytes", xfrm_ctx.ev_rcvbuf);
				if (xfrm_ctx.ev_lost != NULL)
					xfrm_ctx.ev_lost();
				continue;
			}
			log_err("xfrm: event socket: %s", strerror(errno));
			break;
		}
		int left = (int)n;

		for (const struct nlmsghdr *nlh = (const void *)evbuf;
		    mnl_nlmsg_ok(nlh, left); nlh = mnl_nlmsg_next(nlh, &left))
			if (xfrm_ctx.ev_msg != NULL)
				xfrm_ctx.ev_msg(nlh);
		wipe(evbuf, (size_t)n);
	}
}

int
xfrm_events_open(void)
{
	static int groups[] = { XFRMNLGRP_ACQUIRE, XFRMNLGRP_EXPIRE,
	    XFRMNLGRP_SA, XFRMNLGRP_POLICY, XFRMNLGRP_MAPPING };
	int fd;

	xfrm_ctx.ev = xfrm_nl_open(0);
	if (xfrm_ctx.ev == NULL) {
		log_err("xfrm: event socket: %s", strerror(errno));
		return -errno;
	}
	for (size_t i = 0; i < sizeof(groups) / sizeof(groups[0]); i++) {
		if (mnl_socket_setsockopt(xfrm_ctx.ev, NETLINK_ADD_MEMBERSHIP,
		    &groups[i], sizeof(int)) < 0) {
			int e = errno;

			log_err("xfrm: joining event group %d: %s", groups[i], strerror(e));
			xfrm_events_close();
			return -e;
		}
	}
	ev_set_rcvbuf(EV_RCVBUF_START);
	fd = mnl_socket_get_fd(xfrm_ctx.ev);
	fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
	if (loop_fd_add(fd, EPOLLIN, ev_read, NULL) < 0) {
		xfrm_events_close();
		return -EIO;
	}
	return 0;
}

void
xfrm_events_close(void)
{
	if (xfrm_ctx.ev == NULL)
		return;
	loop_fd_del(mnl_socket_get_fd(xfrm_ctx.ev));
	mnl_socket_close(xfrm_ctx.ev);
	xfrm_ctx.ev = NULL;
}
