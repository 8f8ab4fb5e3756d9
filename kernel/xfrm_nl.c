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
#include "kernel/nl.h"
#include "kernel/xfrm_priv.h"

#define EV_RCVBUF_START	(1 << 20)
#define EV_RCVBUF_MAX	(64 << 20)

struct xfrm_ctx xfrm_ctx;
uint8_t xfrm_reqbuf[IFL_XFRM_BUFSZ] __attribute__((aligned(8)));
static uint8_t evbuf[IFL_XFRM_BUFSZ] __attribute__((aligned(8)));

const char *
xfrm_nl_errtail(char *dst, size_t len)
{
	return nl_errtail(xfrm_ctx.errmsg, dst, len);
}

int
xfrm_nl_request(struct nlmsghdr *nlh, mnl_cb_t cb, void *arg)
{
	xfrm_ctx.errmsg[0] = '\0';
	if (xfrm_ctx.req == NULL)
		return -ENOTCONN;
	/* read-only (monitor mode): the kernel's SAD and SPD are another
	 * daemon's, so nothing but a query may reach it */
	if (xfrm_ctx.opts.read_only && nlh->nlmsg_type != XFRM_MSG_GETSA &&
	    nlh->nlmsg_type != XFRM_MSG_GETPOLICY) {
		log_err("xfrm: %s refused: the kernel interface is read-only "
		    "(mode = monitor)", xfrm_msg_type_name(nlh->nlmsg_type));
		return -EPERM;
	}
	return nl_request(xfrm_ctx.req, &xfrm_ctx.seq, nlh, cb, arg,
	    xfrm_ctx.errmsg, sizeof(xfrm_ctx.errmsg));
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

		if (!nl_datagram_ok(evbuf, (size_t)n)) {
			log_warnx("xfrm: a damaged event datagram (%zd bytes) dropped", n);
			left = 0;
		}
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

	xfrm_ctx.ev = nl_open(NETLINK_XFRM, 0);
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
	loop_fd_name(fd, "XFRM events");
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
