#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "common/buf.h"
#include "common/log.h"
#include "kernel/nl.h"
#include "kernel/xfrm_msg.h"

#ifndef NETLINK_EXT_ACK
#define NETLINK_EXT_ACK	11
#endif
#ifndef NETLINK_CAP_ACK
#define NETLINK_CAP_ACK	10
#endif

static uint8_t rxbuf[IFL_XFRM_BUFSZ] __attribute__((aligned(8)));

struct nl_err {
	char	*msg;
	size_t	 len;
};

const char *
nl_errtail(const char *errmsg, char *dst, size_t len)
{
	if (errmsg[0])
		snprintf(dst, len, " (%s)", errmsg);
	else if (len)
		dst[0] = '\0';
	return dst;
}

struct mnl_socket *
nl_open(int bus, unsigned groups)
{
	struct mnl_socket *nl;
	int one = 1;

	nl = mnl_socket_open2(bus, SOCK_CLOEXEC);
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

/* Control callbacks get the data callback's argument, not ours: the
 * current request's extack buffer is kept here (one request at a time). */
static struct nl_err *cur_err;

static int
err_cb(const struct nlmsghdr *nlh, void *arg)
{
	int err = 0;

	(void)arg;
	if (xfrm_msg_parse_error(nlh, &err, cur_err->msg, cur_err->len) < 0) {
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

static mnl_cb_t ctl[NLMSG_MIN_TYPE] = {
	[NLMSG_NOOP] = noop_cb,
	[NLMSG_ERROR] = err_cb,
	[NLMSG_DONE] = done_cb,
	[NLMSG_OVERRUN] = noop_cb,
};

void
nl_drain(struct mnl_socket *nl)
{
	ssize_t n;

	while ((n = recv(mnl_socket_get_fd(nl), rxbuf, sizeof(rxbuf), MSG_DONTWAIT)) > 0)
		wipe(rxbuf, (size_t)n);
}

struct nlmsghdr *
nl_msg_start(void *buf, uint16_t type, uint16_t flags, size_t body)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);

	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = NLM_F_REQUEST | flags;
	mnl_nlmsg_put_extra_header(nlh, body);
	return nlh;
}

int
nl_request(struct mnl_socket *nl, uint32_t *seq, struct nlmsghdr *nlh,
    mnl_cb_t cb, void *arg, char *errmsg, size_t errlen)
{
	struct nl_err e = { errmsg, errlen };
	uint32_t portid;
	ssize_t n;
	int ret = -1;

	if (errlen)
		errmsg[0] = '\0';
	if (nl == NULL)
		return -ENOTCONN;
	cur_err = &e;
	/* Every non-dump request is acked, so the end of a reply is unambiguous.
	 * (A new object's EXCL and REPLACE flags share bits with DUMP's.) */
	if ((nlh->nlmsg_flags & NLM_F_DUMP) != NLM_F_DUMP)
		nlh->nlmsg_flags |= NLM_F_ACK;
	nlh->nlmsg_seq = ++*seq;
	portid = mnl_socket_get_portid(nl);
	nl_drain(nl);
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
		if (!nl_datagram_ok(rxbuf, (size_t)n)) {
			log_warnx("netlink: a damaged reply (%zd bytes) dropped", n);
			wipe(rxbuf, (size_t)n);
			errno = EBADMSG;
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

int
nl_dump_start(struct mnl_socket *nl, uint32_t *seq, struct nlmsghdr *nlh)
{
	if (nl == NULL)
		return -ENOTCONN;
	nlh->nlmsg_seq = ++*seq;
	nl_drain(nl);
	if (mnl_socket_sendto(nl, nlh, nlh->nlmsg_len) < 0)
		return -errno;
	return 0;
}

int
nl_dump_step(struct mnl_socket *nl, uint32_t seq, mnl_cb_t cb, void *arg,
    char *errmsg, size_t errlen)
{
	struct nl_err e = { errmsg, errlen };
	ssize_t n;
	int ret;

	if (errlen)
		errmsg[0] = '\0';
	n = recv(mnl_socket_get_fd(nl), rxbuf, sizeof(rxbuf), MSG_DONTWAIT);
	if (n < 0) {
		if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)
			return NL_DUMP_WAIT;
		return -errno;
	}
	if (!nl_datagram_ok(rxbuf, (size_t)n)) {
		log_warnx("netlink: a damaged dump reply (%zd bytes) dropped", n);
		wipe(rxbuf, (size_t)n);
		return -EBADMSG;
	}
	cur_err = &e;
	errno = 0;
	ret = mnl_cb_run2(rxbuf, (size_t)n, seq, mnl_socket_get_portid(nl), cb, arg,
	    ctl, NLMSG_MIN_TYPE);
	wipe(rxbuf, (size_t)n);
	if (ret < 0)
		return errno ? -errno : -EIO;
	return ret == MNL_CB_STOP ? NL_DUMP_DONE : NL_DUMP_MORE;
}
