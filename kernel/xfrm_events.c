#include "config.h"

#include <errno.h>
#include <string.h>

#include "common/log.h"
#include "kernel/xfrm_priv.h"

static const char *
dir_name(const struct xfrm_reg_sa *r)
{
	if (r == NULL)
		return "?";
	return r->dir == ST_SA_IN ? "in" : "out";
}

static void
on_acquire(const struct nlmsghdr *nlh)
{
	struct xfrm_acquire acq;
	char s[SUBNET_STRLEN], d[SUBNET_STRLEN], ts[ADDR_STRLEN], td[ADDR_STRLEN];

	if (xfrm_msg_parse_acquire(nlh, &acq) < 0) {
		log_warnx("xfrm: malformed ACQUIRE (%u bytes) ignored", nlh->nlmsg_len);
		return;
	}
	log_info("xfrm: ACQUIRE %s === %s proto %u via %s->%s reqid %u",
	    subnet_str(&acq.src, s, sizeof(s)), subnet_str(&acq.dst, d, sizeof(d)),
	    acq.proto, addr_str(&acq.tmpl_src, ts, sizeof(ts)),
	    addr_str(&acq.tmpl_dst, td, sizeof(td)), acq.reqid);
	if (xfrm_ctx.h.on_acquire != NULL)
		xfrm_ctx.h.on_acquire(&acq, xfrm_ctx.h.arg);
}

static void
on_expire(const struct nlmsghdr *nlh)
{
	struct xfrm_sa_info sa;
	struct xfrm_reg_sa *r;
	char a[ADDR_STRLEN];
	int hard;

	if (xfrm_msg_parse_sa(nlh, &sa, &hard) < 0) {
		log_warnx("xfrm: malformed EXPIRE (%u bytes) ignored", nlh->nlmsg_len);
		return;
	}
	r = xfrm_reg_sa_find(&sa.dst, sa.spi, sa.proto);
	if (r != NULL && r->larval) {
		/* An SPI allocation nobody completed in time: nothing to rekey. */
		log_debug("xfrm: larval SA %08x to %s expired", sa.spi,
		    addr_str(&sa.dst, a, sizeof(a)));
		xfrm_reg_sa_del(&sa.dst, sa.spi, sa.proto);
		return;
	}
	if (r != NULL && r->readded && hard && sa.add_time < r->readded) {
		/* The larval SA's own expiry, read after the SA that took its
		 * SPI was added anew (xfrm_sa_update): not this SA's. */
		log_debug("xfrm: expiry of SA %08x's former reservation ignored",
		    sa.spi);
		return;
	}
	log_info("xfrm: SA %08x (%s) to %s %s expired after %llu bytes, %llu packets",
	    sa.spi, dir_name(r), addr_str(&sa.dst, a, sizeof(a)), hard ? "hard" : "soft",
	    (unsigned long long)sa.bytes, (unsigned long long)sa.packets);
	if (hard) {
		/* The kernel removed it and sends no DELSA: these are final. */
		xfrm_fold_gone(&sa, 1);
		xfrm_reg_sa_del(&sa.dst, sa.spi, sa.proto);
	} else
		xfrm_fold_update(&sa.dst, sa.spi, sa.proto, &(struct st_dir_counters){
		    sa.bytes, sa.packets, (uint64_t)sa.replay + sa.replay_window,
		    sa.integrity_failed });
	if (xfrm_ctx.h.on_expire != NULL)
		xfrm_ctx.h.on_expire(&sa, hard, xfrm_ctx.h.arg);
}

static void
on_delsa(const struct nlmsghdr *nlh)
{
	struct xfrm_sa_info sa;
	struct xfrm_reg_sa *r;
	char a[ADDR_STRLEN];
	int ours;

	if (xfrm_msg_parse_sa(nlh, &sa, NULL) < 0) {
		log_warnx("xfrm: malformed DELSA (%u bytes) ignored", nlh->nlmsg_len);
		return;
	}
	r = xfrm_reg_sa_find(&sa.dst, sa.spi, sa.proto);
	if (r != NULL && r->larval) {
		xfrm_reg_sa_del(&sa.dst, sa.spi, sa.proto);
		return;
	}
	ours = xfrm_fold_gone(&sa, 1) == 0 || r != NULL;
	if (!ours)
		return;
	log_info("xfrm: SA %08x (%s) to %s deleted, final %llu bytes, %llu packets",
	    sa.spi, dir_name(r), addr_str(&sa.dst, a, sizeof(a)),
	    (unsigned long long)sa.bytes, (unsigned long long)sa.packets);
	xfrm_reg_sa_del(&sa.dst, sa.spi, sa.proto);
	if (xfrm_ctx.h.on_sa_deleted != NULL)
		xfrm_ctx.h.on_sa_deleted(&sa, xfrm_ctx.h.arg);
}

static void
on_policy(const struct nlmsghdr *nlh)
{
	struct xfrm_pol_info pol;
	char s[SUBNET_STRLEN], d[SUBNET_STRLEN];
	int deleted = nlh->nlmsg_type == XFRM_MSG_DELPOLICY;

	if (xfrm_msg_parse_policy(nlh, &pol) < 0) {
		log_warnx("xfrm: malformed %s (%u bytes) ignored",
		    xfrm_msg_type_name(nlh->nlmsg_type), nlh->nlmsg_len);
		return;
	}
	log_debug("xfrm: policy %s === %s %s %s", subnet_str(&pol.src, s, sizeof(s)),
	    subnet_str(&pol.dst, d, sizeof(d)), xfrm_pol_dir_name(pol.dir),
	    deleted ? "deleted" : "installed");
	if (deleted)
		xfrm_reg_pol_del_info(&pol);
	if (xfrm_ctx.h.on_policy_change != NULL)
		xfrm_ctx.h.on_policy_change(&pol, deleted, xfrm_ctx.h.arg);
}

/* NEWSA / UPDSA: nothing to do for our own (the keying side knows them);
 * a monitor follows those of another daemon. */
static void
on_newsa(const struct nlmsghdr *nlh)
{
	struct xfrm_sa_info sa;

	if (xfrm_ctx.h.on_sa_new == NULL)
		return;
	if (xfrm_msg_parse_sa(nlh, &sa, NULL) < 0) {
		log_warnx("xfrm: malformed %s (%u bytes) ignored",
		    xfrm_msg_type_name(nlh->nlmsg_type), nlh->nlmsg_len);
		return;
	}
	xfrm_ctx.h.on_sa_new(&sa, xfrm_ctx.h.arg);
}

void
xfrm_events_lost(void)
{
	xfrm_resync();
	if (xfrm_ctx.h.on_resync != NULL)
		xfrm_ctx.h.on_resync(xfrm_ctx.h.arg);
}

void
xfrm_event_dispatch(const struct nlmsghdr *nlh)
{
	switch (nlh->nlmsg_type) {
	case XFRM_MSG_ACQUIRE:
		on_acquire(nlh);
		break;
	case XFRM_MSG_EXPIRE:
		on_expire(nlh);
		break;
	case XFRM_MSG_DELSA:
		on_delsa(nlh);
		break;
	case XFRM_MSG_NEWPOLICY:
	case XFRM_MSG_UPDPOLICY:
	case XFRM_MSG_DELPOLICY:
		on_policy(nlh);
		break;
	case XFRM_MSG_FLUSHSA:
	case XFRM_MSG_FLUSHPOLICY:
		/* A flush names nothing: find out from a dump what is left. */
		log_notice("xfrm: kernel %s by another process",
		    nlh->nlmsg_type == XFRM_MSG_FLUSHSA ? "SAs flushed" : "policies flushed");
		if (nlh->nlmsg_type == XFRM_MSG_FLUSHSA)
			xfrm_events_lost();
		break;
	case XFRM_MSG_NEWSA:
	case XFRM_MSG_UPDSA:
		on_newsa(nlh);
		break;
	case XFRM_MSG_MAPPING:
		log_notice("xfrm: NAT mapping of an ESP-in-UDP SA changed");
		break;
	default:
		/* POLEXPIRE: nothing to do. */
		break;
	}
}
