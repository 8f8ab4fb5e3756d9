/* The kernel's SAs and policies as text, in the layout of `ip -s xfrm
 * state` / `ip -s xfrm policy`, for the diagnostic bundle. The SA dump
 * parser (xfrm_sa_info) never takes key material, so there is none here to
 * strip; each SA says so instead of the key lines. Also the policies this
 * module installed, for show crypto ruleset detail. */
#include "config.h"

#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "ctl/ctl.h"
#include "kernel/xfrm_priv.h"

static const char *
mode_word(int mode)
{
	switch (mode) {
	case 0:	return "transport";
	case 1:	return "tunnel";
	case 2:	return "ro";
	case 3:	return "in_trigger";
	case 4:	return "beet";
	default: return "?";
	}
}

static const char *
proto_word(uint8_t p, char *b, size_t len)
{
	switch (p) {
	case 0:			return "any";
	case IPPROTO_ESP:	return "esp";
	case IPPROTO_AH:	return "ah";
	case IPPROTO_COMP:	return "comp";
	case IPPROTO_TCP:	return "tcp";
	case IPPROTO_UDP:	return "udp";
	case IPPROTO_ICMP:	return "icmp";
	default:
		snprintf(b, len, "%u", p);
		return b;
	}
}

static const char *
stamp(uint64_t t, char *b, size_t len)
{
	time_t tt = (time_t)t;
	struct tm tm;

	if (t == 0)
		return "-";
	gmtime_r(&tt, &tm);
	strftime(b, len, "%Y-%m-%d %H:%M:%S", &tm);
	return b;
}

static int
sa_line(const struct xfrm_sa_info *sa, void *arg)
{
	struct buf *out = arg;
	char a[ADDR_STRLEN], b[ADDR_STRLEN], p[8], t1[32], t2[32];

	buf_printf(out, "src %s dst %s\n", addr_str(&sa->src, a, sizeof(a)),
	    addr_str(&sa->dst, b, sizeof(b)));
	buf_printf(out, "\tproto %s spi 0x%08x(%u) reqid %u(0x%08x) mode %s\n",
	    proto_word(sa->proto, p, sizeof(p)), sa->spi, sa->spi, sa->reqid,
	    sa->reqid, mode_word(sa->mode));
	buf_printf(out, "\treplay-window %u%s\n", sa->replay_window,
	    sa->larval ? " (larval: SPI allocated, no keys yet)" : "");
	buf_printf(out, "\t(keys not shown)\n");
	buf_printf(out, "\tlifetime current:\n");
	buf_printf(out, "\t  %llu(bytes), %llu(packets)\n",
	    (unsigned long long)sa->bytes, (unsigned long long)sa->packets);
	buf_printf(out, "\t  add %s use %s (UTC)\n", stamp(sa->add_time, t1, sizeof(t1)),
	    stamp(sa->use_time, t2, sizeof(t2)));
	buf_printf(out, "\tstats:\n");
	buf_printf(out, "\t  replay-window %u replay %u failed %u\n",
	    sa->replay_window, sa->replay, sa->integrity_failed);
	return 0;
}

int
xfrm_show_state(struct buf *out)
{
	int ret = xfrm_sa_dump(sa_line, out);

	if (ret < 0)
		buf_printf(out, "%% SA dump failed: %s\n", strerror(-ret));
	return ret;
}

/* 3.. are per-socket policies (the IKE sockets' bypass): the kernel adds
 * XFRM_POLICY_MAX to their direction. */
static const char *
dir_word(enum xfrm_pol_dir d)
{
	static const char *const w[] = { "in", "out", "fwd", "in (socket)",
	    "out (socket)", "fwd (socket)" };

	return (unsigned)d < sizeof(w) / sizeof(w[0]) ? w[d] : "?";
}

static void
selector(struct buf *out, const struct ifl_subnet *src, const struct ifl_subnet *dst,
    uint8_t proto, uint16_t sport, uint16_t dport)
{
	char s[SUBNET_STRLEN], d[SUBNET_STRLEN], p[8];

	buf_printf(out, "src %s dst %s", subnet_str(src, s, sizeof(s)),
	    subnet_str(dst, d, sizeof(d)));
	if (proto)
		buf_printf(out, " proto %s", proto_word(proto, p, sizeof(p)));
	if (sport)
		buf_printf(out, " sport %u", sport);
	if (dport)
		buf_printf(out, " dport %u", dport);
	buf_printf(out, "\n");
}

static int
pol_line(const struct xfrm_pol_info *pol, void *arg)
{
	struct buf *out = arg;
	char a[ADDR_STRLEN], b[ADDR_STRLEN], t1[32], t2[32];

	selector(out, &pol->src, &pol->dst, pol->proto, pol->sport, pol->dport);
	buf_printf(out, "\tdir %s priority %u index %u\n", dir_word(pol->dir),
	    pol->priority, pol->index);
	buf_printf(out, "\tlifetime current:\n");
	buf_printf(out, "\t  add %s use %s (UTC)\n", stamp(pol->add_time, t1, sizeof(t1)),
	    stamp(pol->use_time, t2, sizeof(t2)));
	if (pol->reqid || pol->tmpl_dst.family) {
		buf_printf(out, "\ttmpl src %s dst %s\n",
		    pol->tmpl_src.family ? addr_str(&pol->tmpl_src, a, sizeof(a)) : "0.0.0.0",
		    pol->tmpl_dst.family ? addr_str(&pol->tmpl_dst, b, sizeof(b)) : "0.0.0.0");
		buf_printf(out, "\t\tproto esp reqid %u mode %s\n", pol->reqid,
		    pol->transport ? "transport" : "tunnel");
	}
	return 0;
}

int
xfrm_show_policy(struct buf *out)
{
	int ret = xfrm_policy_dump(pol_line, out);

	if (ret < 0)
		buf_printf(out, "%% policy dump failed: %s\n", strerror(-ret));
	return ret;
}

void
xfrm_show_owned_policies(struct buf *out)
{
	const struct xfrm_pol_cfg *p;
	size_t n = xfrm_reg_pol_count();
	char a[ADDR_STRLEN], b[ADDR_STRLEN];

	buf_printf(out, "Ikeflowd XFRM policies: %zu\n\n", n);
	for (size_t i = 0; (p = xfrm_reg_pol_get(i)) != NULL; i++) {
		selector(out, &p->src, &p->dst, p->proto, p->sport, p->dport);
		buf_printf(out, "\tdir %s priority %u\n", dir_word(p->dir),
		    xfrm_policy_priority(p));
		if (p->transport)
			buf_printf(out, "\ttmpl proto esp reqid %u mode transport\n",
			    p->reqid);
		else
			buf_printf(out, "\ttmpl src %s dst %s proto esp reqid %u mode tunnel\n",
			    addr_str(&p->tmpl_src, a, sizeof(a)),
			    addr_str(&p->tmpl_dst, b, sizeof(b)), p->reqid);
	}
}
