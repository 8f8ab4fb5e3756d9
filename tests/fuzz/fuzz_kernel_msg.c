/* libFuzzer target: what ikeflowd reads from the kernel. Byte 0 modulo 3
 * picks: 0, an XFRM netlink datagram (a dump reply or a batch of events);
 * 1, /proc/net/xfrm_stat text; 2, an rtnetlink datagram (a route lookup's
 * answer, an address dump or event). Datagrams are checked and walked as
 * the daemon does (nl_datagram_ok, then libmnl), each message given to
 * every parser of its bus (each must refuse a type not its own). In
 * monitor mode XFRM messages describe SAs and policies another daemon
 * installed, so nothing in them is trusted.
 * Checks beyond no crash: what parses also prints and matches (subnets,
 * ranges, addresses: UBSan sees a prefix length past the family's), the
 * dump's fast path agrees with the full parse, the extack text ends
 * inside its buffer. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <libmnl/libmnl.h>

#include "common/addr.h"
#include "kernel/nl.h"
#include "kernel/route_msg.h"
#include "kernel/xfrm_msg.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FUZZ_CHECK(x)	do { if (!(x)) abort(); } while (0)

static void
use_addr(const struct ifl_addr *a)
{
	char s[ADDR_STRLEN];

	FUZZ_CHECK(a->family == 0 || a->family == AF_INET || a->family == AF_INET6);
	addr_str(a, s, sizeof(s));
	FUZZ_CHECK(strlen(s) < sizeof(s));
}

static void
use_subnet(const struct ifl_subnet *n)
{
	char s[SUBNET_STRLEN];
	struct ifl_addr lo, hi;

	use_addr(&n->addr);
	if (n->addr.family == 0)
		return;
	/* a parser hands on no prefix longer than its family's */
	FUZZ_CHECK(n->plen <= addr_len(&n->addr) * 8);
	subnet_str(n, s, sizeof(s));
	FUZZ_CHECK(strlen(s) < sizeof(s));
	subnet_range(n, &lo, &hi);
	FUZZ_CHECK(addr_in_subnet(&lo, n) && addr_in_subnet(&hi, n));
	FUZZ_CHECK(addr_in_subnet(&n->addr, n));
}

static void
one_message(const struct nlmsghdr *nlh)
{
	struct xfrm_sa_info sa;
	struct xfrm_pol_info pol;
	struct xfrm_acquire acq;
	struct st_dir_counters c;
	struct ifl_addr dst;
	uint32_t spi;
	uint8_t proto;
	char msg[64];
	int hard = -1, err, full, fast;

	full = xfrm_msg_parse_sa(nlh, &sa, &hard);
	if (full == 0) {
		use_addr(&sa.src);
		use_addr(&sa.dst);
		FUZZ_CHECK(hard == 0 || hard == 1);
		(void)xfrm_msg_type_name(nlh->nlmsg_type);
	}
	fast = xfrm_msg_sa_fast(nlh, &dst, &spi, &proto, &c);
	if (fast == 0) {
		use_addr(&dst);
		/* the dump's fast path reads the same SA the full parse does */
		if (full == 0) {
			FUZZ_CHECK(addr_cmp(&dst, &sa.dst) == 0);
			FUZZ_CHECK(spi == sa.spi && proto == sa.proto);
			FUZZ_CHECK(c.octets == sa.bytes && c.packets == sa.packets);
		}
	}
	if (xfrm_msg_parse_policy(nlh, &pol) == 0) {
		use_subnet(&pol.src);
		use_subnet(&pol.dst);
		use_addr(&pol.tmpl_src);
		use_addr(&pol.tmpl_dst);
		(void)xfrm_pol_dir_name(pol.dir);
	}
	if (xfrm_msg_parse_acquire(nlh, &acq) == 0) {
		use_subnet(&acq.src);
		use_subnet(&acq.dst);
		use_addr(&acq.pkt_src);
		use_addr(&acq.pkt_dst);
		use_addr(&acq.tmpl_src);
		use_addr(&acq.tmpl_dst);
	}
	memset(msg, 'x', sizeof(msg));
	if (xfrm_msg_parse_error(nlh, &err, msg, sizeof(msg)) == 0)
		FUZZ_CHECK(memchr(msg, '\0', sizeof(msg)) != NULL);
}

static void
one_route_message(const struct nlmsghdr *nlh)
{
	const struct ifaddrmsg *ifa;
	struct ifl_addr a, gw;
	uint32_t oif;

	if (route_msg_path(nlh, &oif, &gw) == 0)
		use_addr(&gw);
	else
		FUZZ_CHECK(oif == 0 && gw.family == 0);
	if ((ifa = route_msg_ifa(nlh, &a)) != NULL) {
		use_addr(&a);
		FUZZ_CHECK(a.family == ifa->ifa_family);
	} else
		FUZZ_CHECK(a.family == 0);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint32_t *buf;
	const struct nlmsghdr *nlh;
	int left;

	if (size < 1)
		return 0;
	if (data[0] % 3 == 1) {
		struct st_ipsec_global g;
		char *text = malloc(size);

		FUZZ_CHECK(text != NULL);
		memcpy(text, data + 1, size - 1);
		text[size - 1] = '\0';
		FUZZ_CHECK(xfrm_stat_parse(text, &g) == 0);
		FUZZ_CHECK(g.in_decrypt_fails == 0);
		free(text);
		return 0;
	}
	/* netlink messages are 4-byte aligned in the socket's buffer */
	FUZZ_CHECK((buf = malloc(size + 4)) != NULL);
	memcpy(buf, data + 1, size - 1);
	left = (int)(size - 1);
	if (!nl_datagram_ok(buf, size - 1))
		left = 0;
	for (nlh = (const void *)buf; mnl_nlmsg_ok(nlh, left);
	    nlh = mnl_nlmsg_next(nlh, &left)) {
		if (data[0] % 3 == 0)
			one_message(nlh);
		else
			one_route_message(nlh);
	}
	free(buf);
	return 0;
}
