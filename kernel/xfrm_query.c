/* The counters of a few SAs, read by asking for each (GETSA) instead of a
 * dump of every SA. A page that shows one tunnel, or the dashboard's first
 * hundred, needs its own SAs' counters of now: with 20,000 SAs a whole dump
 * costs a good part of a second, a query of 200 a few milliseconds. The
 * queries go many to one send and their answers come back together, since
 * in a UML guest or on a loaded machine every system call counts. */
#include "config.h"

#include <errno.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>

#include "common/buf.h"
#include "kernel/nl.h"
#include "kernel/xfrm_priv.h"

/* Queries a send: their answers (each an SA with its keys, about 1 kB of
 * socket buffer) must fit the request socket's default receive buffer, or
 * the kernel drops the ones that do not. */
#define QUERY_BATCH	32
/* How long an answer may take before the batch is given up (the kernel
 * answers at once; only a lost answer makes us wait). */
#define QUERY_WAIT_MS	1000

/* One answer a slot: netlink gives one datagram a receive, so the batch's
 * answers are taken with one recvmmsg, not a recv (and a poll) each: in a
 * UML guest a system call costs a good part of a millisecond. An answer
 * (an SA with its keys) is well under a page. */
#define QUERY_SLOT	4096
static uint8_t qbuf[QUERY_BATCH][QUERY_SLOT] __attribute__((aligned(8)));

struct batch {
	uint32_t	seq0, n, answered;
	size_t		found;
	int		err;		/* the first error other than "no such SA" */
};

static void
answer(struct batch *b, const struct nlmsghdr *nlh, uint32_t portid)
{
	struct st_dir_counters c;
	struct ifl_addr dst;
	uint32_t spi;
	uint8_t proto;
	int err = 0;

	if (nlh->nlmsg_pid != portid || nlh->nlmsg_seq - b->seq0 >= b->n)
		return;		/* not one of this batch's */
	b->answered++;
	if (nlh->nlmsg_type == NLMSG_ERROR) {
		if (xfrm_msg_parse_error(nlh, &err, NULL, 0) < 0)
			err = -EBADMSG;
		/* gone since the state model last heard of it: its final
		 * counters come with the kernel's delete event */
		if (err != 0 && err != -ESRCH && err != -ENOENT && b->err == 0)
			b->err = err;
		return;
	}
	if (xfrm_msg_sa_fast(nlh, &dst, &spi, &proto, &c) == 0) {
		b->found++;
		xfrm_fold_update(&dst, spi, proto, &c);
	}
}

/* Sends up to QUERY_BATCH queries from refs and reads every answer. The
 * kernel answers within the send, so one recvmmsg mostly takes them all. */
static int
query_batch(const struct xfrm_sa_ref *refs, uint32_t n, struct batch *b)
{
	int fd = mnl_socket_get_fd(xfrm_ctx.req);
	uint32_t portid = mnl_socket_get_portid(xfrm_ctx.req);
	struct mmsghdr mm[QUERY_BATCH];
	struct iovec iov[QUERY_BATCH];
	size_t off = 0;

	b->seq0 = xfrm_ctx.seq + 1;
	b->n = n;
	b->answered = 0;
	for (uint32_t i = 0; i < n; i++) {
		struct nlmsghdr *nlh = xfrm_msg_sa_id(xfrm_reqbuf + off,
		    sizeof(xfrm_reqbuf) - off, XFRM_MSG_GETSA, NULL, &refs[i].dst,
		    refs[i].proto, refs[i].spi);

		if (nlh == NULL)
			return -EINVAL;
		/* no ack asked: each query gets one answer, the SA or an error */
		nlh->nlmsg_seq = ++xfrm_ctx.seq;
		off += NLMSG_ALIGN(nlh->nlmsg_len);
	}
	if (send(fd, xfrm_reqbuf, off, 0) < 0)
		return -errno;
	while (b->answered < n) {
		uint32_t want = n - b->answered;
		int got;

		memset(mm, 0, want * sizeof(mm[0]));
		for (uint32_t i = 0; i < want; i++) {
			iov[i].iov_base = qbuf[i];
			iov[i].iov_len = QUERY_SLOT;
			mm[i].msg_hdr.msg_iov = &iov[i];
			mm[i].msg_hdr.msg_iovlen = 1;
		}
		if ((got = recvmmsg(fd, mm, want, MSG_DONTWAIT, NULL)) < 0) {
			struct pollfd p = { fd, POLLIN, 0 };
			int r;

			if (errno == EINTR)
				continue;
			if (errno != EAGAIN && errno != EWOULDBLOCK)
				return -errno;
			/* an answer still to come: only a lost one keeps us */
			if ((r = poll(&p, 1, QUERY_WAIT_MS)) == 0)
				return -ETIMEDOUT;
			if (r < 0 && errno != EINTR)
				return -errno;
			continue;
		}
		for (int i = 0; i < got; i++) {
			int left = (int)mm[i].msg_len;

			if (mm[i].msg_hdr.msg_flags & MSG_TRUNC) {
				/* cannot be read: counted, as not found */
				b->answered++;
				if (b->err == 0)
					b->err = -EMSGSIZE;
			} else
				for (const struct nlmsghdr *nlh = (const void *)qbuf[i];
				    mnl_nlmsg_ok(nlh, left); nlh = mnl_nlmsg_next(nlh, &left))
					answer(b, nlh, portid);
			/* answers carry the SAs' keys */
			wipe(qbuf[i], mm[i].msg_len < QUERY_SLOT ? mm[i].msg_len : QUERY_SLOT);
		}
	}
	return 0;
}

int
xfrm_fold_sas(const struct xfrm_sa_ref *refs, size_t n)
{
	struct batch b;
	size_t found = 0;
	int ret;

	if (xfrm_ctx.req == NULL)
		return -ENOTCONN;
	memset(&b, 0, sizeof(b));
	for (size_t i = 0; i < n; i += QUERY_BATCH) {
		uint32_t m = n - i < QUERY_BATCH ? (uint32_t)(n - i) : QUERY_BATCH;

		b.found = 0;
		ret = query_batch(refs + i, m, &b);
		found += b.found;
		if (ret < 0) {
			/* what a next request reads must be its own answers */
			nl_drain(xfrm_ctx.req);
			return ret;
		}
	}
	if (b.err != 0)
		return b.err;
	return (int)(found > INT32_MAX ? INT32_MAX : found);
}
