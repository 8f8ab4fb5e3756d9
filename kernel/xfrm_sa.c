#include "config.h"

#include <errno.h>
#include <string.h>
#include <time.h>
#include <netinet/in.h>

#include "common/buf.h"
#include "common/log.h"
#include "kernel/xfrm_priv.h"

static const char *
sa_dir_name(enum st_sa_dir dir)
{
	return dir == ST_SA_IN ? "in" : dir == ST_SA_OUT ? "out" : "?";
}

static void
log_sa_err(const char *op, uint32_t spi, const struct ifl_addr *src,
    const struct ifl_addr *dst, const char *dir, int err)
{
	char s[ADDR_STRLEN], d[ADDR_STRLEN], tail[300];

	log_err("xfrm: %s SA %08x %s->%s (%s): %s%s", op, spi,
	    src ? addr_str(src, s, sizeof(s)) : "*", addr_str(dst, d, sizeof(d)), dir,
	    strerror(-err), xfrm_nl_errtail(tail, sizeof(tail)));
}

static int
spi_reply_cb(const struct nlmsghdr *nlh, void *arg)
{
	struct xfrm_sa_info *sa = arg;

	if (xfrm_msg_parse_sa(nlh, sa, NULL) < 0) {
		errno = EBADMSG;
		return MNL_CB_ERROR;
	}
	return MNL_CB_OK;
}

static void
log_spi_err(const struct ifl_addr *src, const struct ifl_addr *dst, uint32_t reqid, int err)
{
	char s[ADDR_STRLEN], d[ADDR_STRLEN], tail[300];

	log_err("xfrm: SPI allocation for inbound SA %s->%s reqid %u: %s%s",
	    addr_str(src, s, sizeof(s)), addr_str(dst, d, sizeof(d)), reqid,
	    strerror(-err), xfrm_nl_errtail(tail, sizeof(tail)));
}

int
xfrm_spi_alloc(const struct ifl_addr *src, const struct ifl_addr *dst, uint8_t proto,
    uint32_t reqid, uint32_t *spi)
{
	struct nlmsghdr *nlh;
	struct xfrm_sa_info sa;
	int ret;

	proto = proto ? proto : IPPROTO_ESP;
	nlh = xfrm_msg_allocspi(xfrm_reqbuf, sizeof(xfrm_reqbuf), src, dst, proto, reqid,
	    xfrm_ctx.opts.spi_min, xfrm_ctx.opts.spi_max);
	if (nlh == NULL) {
		ret = -errno;
		xfrm_ctx.errmsg[0] = '\0';
		log_spi_err(src, dst, reqid, ret);
		return ret;
	}
	memset(&sa, 0, sizeof(sa));
	ret = xfrm_nl_request(nlh, spi_reply_cb, &sa);
	if (ret == 0 && sa.spi == 0)
		ret = -EPROTO;
	if (ret < 0) {
		log_spi_err(src, dst, reqid, ret);
		return ret;
	}
	*spi = sa.spi;
	xfrm_reg_sa_add(src, dst, sa.spi, proto, ST_SA_IN, 1);
	log_debug("xfrm: SPI %08x allocated for inbound SA reqid %u", sa.spi, reqid);
	return 0;
}

int
xfrm_spi_release(const struct ifl_addr *src, const struct ifl_addr *dst, uint8_t proto,
    uint32_t spi)
{
	return xfrm_sa_del(src, dst, proto, spi);
}

/* quiet: an error the caller handles is not logged (ESRCH of an update) */
static int
sa_install(uint16_t type, const struct xfrm_sa_cfg *sa, int quiet)
{
	struct nlmsghdr *nlh;
	uint8_t proto = sa->proto ? sa->proto : IPPROTO_ESP;
	int ret;

	nlh = xfrm_msg_sa(xfrm_reqbuf, sizeof(xfrm_reqbuf), type, sa);
	if (nlh == NULL) {
		ret = -errno;
		wipe(xfrm_reqbuf, sizeof(xfrm_reqbuf));
		xfrm_ctx.errmsg[0] = '\0';
		log_sa_err(type == XFRM_MSG_NEWSA ? "add" : "update", sa->spi, &sa->src,
		    &sa->dst, sa_dir_name(sa->dir), ret);
		return ret;
	}
	ret = xfrm_nl_request(nlh, NULL, NULL);
	wipe(xfrm_reqbuf, sizeof(xfrm_reqbuf));
	if (ret < 0 && ret == quiet)
		return ret;
	if (ret < 0) {
		log_sa_err(type == XFRM_MSG_NEWSA ? "add" : "update", sa->spi, &sa->src,
		    &sa->dst, sa_dir_name(sa->dir), ret);
		return ret;
	}
	if (xfrm_reg_sa_add(&sa->src, &sa->dst, sa->spi, proto, sa->dir, 0) == NULL)
		log_warnx("xfrm: SA %08x not remembered for cleanup: out of memory", sa->spi);
	return 0;
}

int
xfrm_sa_add(const struct xfrm_sa_cfg *sa)
{
	return sa_install(XFRM_MSG_NEWSA, sa, 0);
}

/* Fills in an inbound SA whose SPI ALLOCSPI reserved. The kernel drops
 * that larval SA after net.core.xfrm_acq_expires (30 s by default): an
 * answer that came later (a peer slow to answer, retransmissions, a loaded
 * host) finds no SA to update. The SPI is still the one the peer was
 * offered, so the SA is added anew with it; only if another SA took the
 * SPI meanwhile does that fail, and it is logged as an add. */
int
xfrm_sa_update(const struct xfrm_sa_cfg *sa)
{
	struct xfrm_reg_sa *r;
	uint8_t proto = sa->proto ? sa->proto : IPPROTO_ESP;
	char d[ADDR_STRLEN];
	int ret;

	ret = sa_install(XFRM_MSG_UPDSA, sa, -ESRCH);
	if (ret != -ESRCH)
		return ret;
	log_notice("xfrm: SPI %08x to %s: its reservation expired in the kernel "
	    "(net.core.xfrm_acq_expires) before the peer's answer; adding the SA "
	    "with it anew", sa->spi, addr_str(&sa->dst, d, sizeof(d)));
	ret = sa_install(XFRM_MSG_NEWSA, sa, 0);
	if (ret == 0 && (r = xfrm_reg_sa_find(&sa->dst, sa->spi, proto)) != NULL)
		r->readded = (uint64_t)time(NULL);
	return ret;
}

int
xfrm_sa_del(const struct ifl_addr *src, const struct ifl_addr *dst, uint8_t proto,
    uint32_t spi)
{
	struct xfrm_reg_sa *r;
	struct nlmsghdr *nlh;
	const char *dir;
	int ret;

	proto = proto ? proto : IPPROTO_ESP;
	r = xfrm_reg_sa_find(dst, spi, proto);
	dir = r ? sa_dir_name(r->dir) : "?";
	nlh = xfrm_msg_sa_id(xfrm_reqbuf, sizeof(xfrm_reqbuf), XFRM_MSG_DELSA, src, dst,
	    proto, spi);
	if (nlh == NULL) {
		ret = -errno;
		xfrm_ctx.errmsg[0] = '\0';
		log_sa_err("delete", spi, src, dst, dir, ret);
		return ret;
	}
	ret = xfrm_nl_request(nlh, NULL, NULL);
	if (ret < 0 && ret != -ESRCH && ret != -ENOENT) {
		log_sa_err("delete", spi, src, dst, dir, ret);
		return ret;
	}
	/* The DELSA event folds the final counters; the registry entry goes
	 * now so a lost event cannot leave it behind. */
	if (ret == 0 && xfrm_ctx.ev == NULL && r != NULL && !r->larval) {
		/* No event socket: nobody else will see the final counters. */
		struct xfrm_sa_info sa;

		memset(&sa, 0, sizeof(sa));
		sa.dst = *dst;
		sa.spi = spi;
		sa.proto = proto;
		xfrm_fold_gone(&sa, 0);
	}
	if (xfrm_ctx.ev == NULL)
		xfrm_reg_sa_del(dst, spi, proto);
	return ret == 0 ? 0 : -ENOENT;
}

int
xfrm_sa_query(const struct ifl_addr *dst, uint8_t proto, uint32_t spi,
    struct xfrm_sa_info *out)
{
	struct nlmsghdr *nlh;
	struct xfrm_sa_info sa;
	struct st_dir_counters c;
	int ret;

	proto = proto ? proto : IPPROTO_ESP;
	nlh = xfrm_msg_sa_id(xfrm_reqbuf, sizeof(xfrm_reqbuf), XFRM_MSG_GETSA, NULL, dst,
	    proto, spi);
	if (nlh == NULL)
		return -errno;
	memset(&sa, 0, sizeof(sa));
	ret = xfrm_nl_request(nlh, spi_reply_cb, &sa);
	if (ret < 0) {
		/* Absence is an answer, not an error, for a query. */
		if (ret != -ESRCH && ret != -ENOENT)
			log_sa_err("query", spi, NULL, dst, "?", ret);
		return ret == -ESRCH ? -ENOENT : ret;
	}
	xfrm_sa_counters(&sa, &c);
	xfrm_fold_update(&sa.dst, sa.spi, sa.proto, &c);
	if (out != NULL)
		*out = sa;
	return 0;
}

struct flush_ctx {
	int	err;
	size_t	n;
};

static int
flush_one(struct xfrm_reg_sa *r, void *arg)
{
	struct flush_ctx *fc = arg;
	struct ifl_addr src = r->src, dst = r->dst;
	uint32_t spi = r->spi;
	uint8_t proto = r->proto;
	int ret;

	ret = xfrm_sa_del(&src, &dst, proto, spi);
	/* At shutdown no event will come back for it. */
	xfrm_reg_sa_del(&dst, spi, proto);
	if (ret < 0 && ret != -ENOENT)
		fc->err = ret;
	else
		fc->n++;
	return 0;
}

int
xfrm_flush_installed(void)
{
	struct flush_ctx fc = { 0, 0 };
	size_t npol = 0;
	int ret;

	while (xfrm_reg_pol_count() > 0) {
		struct xfrm_pol_cfg p = *xfrm_reg_pol_get(0);

		ret = xfrm_policy_del(&p);
		xfrm_reg_pol_del(&p);
		if (ret < 0 && ret != -ENOENT)
			fc.err = ret;
		else
			npol++;
	}
	xfrm_reg_sa_walk(flush_one, &fc);
	log_info("xfrm: removed %zu policies and %zu SAs installed by us", npol, fc.n);
	return fc.err;
}

static void
reg_move(const struct ifl_addr *odst, const struct ifl_addr *nsrc,
    const struct ifl_addr *ndst, uint32_t spi, enum st_sa_dir dir)
{
	if (xfrm_reg_sa_find(odst, spi, IPPROTO_ESP) == NULL)
		return;
	xfrm_reg_sa_del(odst, spi, IPPROTO_ESP);
	if (xfrm_reg_sa_add(nsrc, ndst, spi, IPPROTO_ESP, dir, 0) == NULL)
		log_warnx("xfrm: SA %08x not remembered for cleanup: out of memory", spi);
}

int
xfrm_tunnel_move(const struct xfrm_move_cfg *m)
{
	static const enum xfrm_pol_dir dirs[] = { IFL_XFRM_OUT, IFL_XFRM_IN, IFL_XFRM_FWD };
	char o[ADDR_STRLEN], n[ADDR_STRLEN], tail[300];
	struct nlmsghdr *nlh;
	size_t i;
	int ret, out;

	for (i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++) {
		out = dirs[i] == IFL_XFRM_OUT;
		/* the in policy moves the inbound SA; fwd only has its template */
		nlh = xfrm_msg_migrate(xfrm_reqbuf, sizeof(xfrm_reqbuf),
		    out ? &m->local_ts : &m->remote_ts, out ? &m->remote_ts : &m->local_ts,
		    m->proto, out ? m->lport : m->rport, out ? m->rport : m->lport,
		    dirs[i], m->transport, m->reqid,
		    out ? &m->old_local : &m->old_remote, out ? &m->old_remote : &m->old_local,
		    out ? &m->new_local : &m->new_remote, out ? &m->new_remote : &m->new_local,
		    m->encap, out ? m->encap_lport : m->encap_rport,
		    out ? m->encap_rport : m->encap_lport);
		if (nlh == NULL) {
			ret = -errno;
			xfrm_ctx.errmsg[0] = '\0';
			goto fail;
		}
		/* fwd exists only in tunnel mode */
		if ((ret = xfrm_nl_request(nlh, NULL, NULL)) < 0 &&
		    !(ret == -ENOENT && dirs[i] == IFL_XFRM_FWD))
			goto fail;
	}
	reg_move(&m->old_local, &m->new_remote, &m->new_local, m->spi_in, ST_SA_IN);
	reg_move(&m->old_remote, &m->new_local, &m->new_remote, m->spi_out, ST_SA_OUT);
	log_info("xfrm: SAs %08x/%08x and their policies moved from peer %s to %s",
	    m->spi_in, m->spi_out, addr_str(&m->old_remote, o, sizeof(o)),
	    addr_str(&m->new_remote, n, sizeof(n)));
	return 0;
fail:
	log_err("xfrm: moving SAs %08x/%08x (reqid %u) from peer %s to %s (%s policy): %s%s",
	    m->spi_in, m->spi_out, m->reqid, addr_str(&m->old_remote, o, sizeof(o)),
	    addr_str(&m->new_remote, n, sizeof(n)), xfrm_pol_dir_name(dirs[i]),
	    strerror(-ret), xfrm_nl_errtail(tail, sizeof(tail)));
	return ret;
}
