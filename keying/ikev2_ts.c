#include "config.h"

#include <string.h>

#include "keying/ikev2_ts.h"

static int
acmp(const struct ifl_addr *a, const struct ifl_addr *b)
{
	return memcmp(a->u.raw, b->u.raw, addr_len(a));
}

static void
ts_from_subnet(const struct ifl_subnet *n, uint8_t proto, uint16_t port,
    struct ikev2_ts *ts)
{
	memset(ts, 0, sizeof(*ts));
	ts->type = n->addr.family == AF_INET6 ? IKEV2_TS_IPV6_ADDR_RANGE :
	    IKEV2_TS_IPV4_ADDR_RANGE;
	ts->proto = proto;
	ts->sport = port;
	ts->eport = port ? port : 0xffff;
	subnet_range(n, &ts->start, &ts->end);
}

size_t
ikev2_ts_from_end(const struct cfg_end *end, const struct ifl_addr *host,
    struct ikev2_ts *out, size_t max)
{
	struct ifl_subnet h;
	size_t n = 0;
	int i;

	for (i = 0; i < end->nsubnets && n < max; i++)
		ts_from_subnet(&end->subnets[i], end->proto, end->port, &out[n++]);
	if (n == 0 && host && host->family && max > 0) {
		h.addr = *host;
		h.plen = (uint8_t)(addr_len(host) * 8);
		ts_from_subnet(&h, end->proto, end->port, &out[n++]);
	}
	return n;
}

int
ikev2_ts_intersect(const struct ikev2_ts *a, const struct ikev2_ts *b,
    struct ikev2_ts *out)
{
	if (a->type != b->type || a->start.family != b->start.family)
		return -1;
	if (a->proto && b->proto && a->proto != b->proto)
		return -1;
	memset(out, 0, sizeof(*out));
	out->type = a->type;
	out->proto = a->proto ? a->proto : b->proto;
	out->sport = a->sport > b->sport ? a->sport : b->sport;
	out->eport = a->eport < b->eport ? a->eport : b->eport;
	if (out->sport > out->eport)
		return -1;
	out->start = acmp(&a->start, &b->start) > 0 ? a->start : b->start;
	out->end = acmp(&a->end, &b->end) < 0 ? a->end : b->end;
	if (acmp(&out->start, &out->end) > 0)
		return -1;
	return 0;
}

static int
ts_eq(const struct ikev2_ts *a, const struct ikev2_ts *b)
{
	return a->type == b->type && a->proto == b->proto &&
	    a->sport == b->sport && a->eport == b->eport &&
	    addr_cmp(&a->start, &b->start) == 0 && addr_cmp(&a->end, &b->end) == 0;
}

size_t
ikev2_ts_narrow(const struct ikev2_ts *theirs, size_t ntheirs,
    const struct ikev2_ts *ours, size_t nours, struct ikev2_ts *out, size_t max)
{
	struct ikev2_ts x;
	size_t i, j, k, n = 0;

	for (i = 0; i < ntheirs; i++)
		for (j = 0; j < nours && n < max; j++) {
			if (ikev2_ts_intersect(&theirs[i], &ours[j], &x) < 0)
				continue;
			for (k = 0; k < n && !ts_eq(&out[k], &x); k++)
				;
			if (k == n)
				out[n++] = x;
		}
	return n;
}

static int
ts_within(const struct ikev2_ts *a, const struct ikev2_ts *w)
{
	return a->type == w->type && (w->proto == 0 || w->proto == a->proto) &&
	    a->sport >= w->sport && a->eport <= w->eport &&
	    acmp(&a->start, &w->start) >= 0 && acmp(&a->end, &w->end) <= 0;
}

int
ikev2_ts_inside(const struct ikev2_ts *ts, size_t n,
    const struct ikev2_ts *within, size_t nwithin)
{
	size_t i, j;

	if (n == 0)
		return 0;
	for (i = 0; i < n; i++) {
		for (j = 0; j < nwithin && !ts_within(&ts[i], &within[j]); j++)
			;
		if (j == nwithin)
			return 0;
	}
	return 1;
}

void
ikev2_ts_to_st(const struct ikev2_ts *ts, struct st_ts *out)
{
	size_t alen = addr_len(&ts->start), i;
	unsigned plen = 0;

	memset(out, 0, sizeof(*out));
	/* the common prefix of start and end */
	for (i = 0; i < alen; i++) {
		uint8_t d = ts->start.u.raw[i] ^ ts->end.u.raw[i];

		if (d == 0) {
			plen += 8;
			continue;
		}
		while (!(d & 0x80)) {
			plen++;
			d <<= 1;
		}
		break;
	}
	out->net.addr = ts->start;
	out->net.plen = (uint8_t)plen;
	/* the network address of that prefix */
	for (i = 0; i < alen; i++) {
		unsigned bits = plen > i * 8 ? plen - i * 8 : 0;

		if (bits < 8)
			out->net.addr.u.raw[i] &= (uint8_t)(0xff00 >> bits);
	}
	out->proto = ts->proto;
	out->port = ts->sport == ts->eport ? ts->sport : 0;
}

int
ikev2_ts_same(const struct ikev2_ts *a, size_t na, const struct ikev2_ts *b,
    size_t nb)
{
	size_t i;

	if (na != nb)
		return 0;
	for (i = 0; i < na; i++)
		if (a[i].type != b[i].type || a[i].proto != b[i].proto ||
		    a[i].sport != b[i].sport || a[i].eport != b[i].eport ||
		    addr_cmp(&a[i].start, &b[i].start) != 0 ||
		    addr_cmp(&a[i].end, &b[i].end) != 0)
			return 0;
	return 1;
}
