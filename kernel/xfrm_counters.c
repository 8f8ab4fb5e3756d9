#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/log.h"
#include "common/loop.h"
#include "kernel/xfrm_priv.h"

#define XFRM_STAT_PATH	"/proc/net/xfrm_stat"

static uint32_t generation;
static size_t last_sas, last_folded, cur_sas, cur_folded;

/* reqid -> latest policy use, open addressing, rebuilt by every refresh. */
struct use_slot {
	uint32_t	reqid;		/* 0 = empty (reqid 0 is never looked up) */
	uint64_t	use;
};
static struct use_slot *uses;
static size_t nuses, usecap;

static struct use_slot *
use_slot(struct use_slot *tab, size_t cap, uint32_t reqid)
{
	size_t i = (reqid * 2654435761u) & (cap - 1);

	while (tab[i].reqid != 0 && tab[i].reqid != reqid)
		i = (i + 1) & (cap - 1);
	return &tab[i];
}

static void
use_note(uint32_t reqid, uint64_t use)
{
	struct use_slot *sl;

	if (reqid == 0)
		return;
	if (2 * (nuses + 1) > usecap) {
		size_t cap = usecap ? usecap * 2 : 256;
		struct use_slot *nt = calloc(cap, sizeof(*nt));

		if (nt == NULL)
			return;
		for (size_t i = 0; i < usecap; i++)
			if (uses[i].reqid != 0)
				*use_slot(nt, cap, uses[i].reqid) = uses[i];
		free(uses);
		uses = nt;
		usecap = cap;
	}
	sl = use_slot(uses, usecap, reqid);
	if (sl->reqid == 0) {
		sl->reqid = reqid;
		nuses++;
	}
	if (use > sl->use)
		sl->use = use;
}

uint64_t
xfrm_policy_use_time(uint32_t reqid)
{
	if (reqid == 0 || usecap == 0)
		return 0;
	return use_slot(uses, usecap, reqid)->use;
}

void
xfrm_policy_uses_free(void)
{
	free(uses);
	uses = NULL;
	nuses = usecap = 0;
}

static int
use_cb(const struct xfrm_pol_info *p, void *arg)
{
	(void)arg;
	use_note(p->reqid, p->use_time);
	return 0;
}

int
xfrm_fold_update(const struct ifl_addr *dst, uint32_t spi, uint8_t proto,
    const struct st_dir_counters *c)
{
	struct xfrm_reg_sa *r = xfrm_reg_sa_find(dst, spi, proto);

	if (r != NULL) {
		r->seen = generation;
		return st_sa_update(spi, r->dir, c);
	}
	if (st_sa_update(spi, ST_SA_IN, c) == 0)
		return 0;
	return st_sa_update(spi, ST_SA_OUT, c);
}

int
xfrm_fold_gone(const struct xfrm_sa_info *sa, int final_known)
{
	struct st_dir_counters c;
	const struct st_dir_counters *fp = NULL;
	struct xfrm_reg_sa *r = xfrm_reg_sa_find(&sa->dst, sa->spi, sa->proto);

	if (final_known) {
		xfrm_sa_counters(sa, &c);
		fp = &c;
	}
	if (r != NULL)
		return st_sa_gone(sa->spi, r->dir, fp);
	if (st_sa_gone(sa->spi, ST_SA_IN, fp) == 0)
		return 0;
	return st_sa_gone(sa->spi, ST_SA_OUT, fp);
}

/* The hot path of a refresh: body fields only, no attribute parsing. */
static int
fold_cb(const struct nlmsghdr *nlh, void *arg)
{
	struct st_dir_counters c;
	struct ifl_addr dst;
	uint32_t spi;
	uint8_t proto;

	(void)arg;
	if (xfrm_msg_sa_fast(nlh, &dst, &spi, &proto, &c) == 0) {
		cur_sas++;
		if (xfrm_fold_update(&dst, spi, proto, &c) == 0)
			cur_folded++;
	}
	return MNL_CB_OK;
}

/* Kernel-wide counters by name; names differ across kernel versions. */
int
xfrm_stat_parse(const char *text, struct st_ipsec_global *g)
{
	const char *p = text;

	memset(g, 0, sizeof(*g));
	while (*p) {
		char name[64];
		unsigned long long v;
		int n = 0;

		if (sscanf(p, "%63s %llu%n", name, &v, &n) == 2 && n > 0) {
			if (strncmp(name, "XfrmIn", 6) == 0)
				g->in_drops += v;	/* every XfrmIn* counts a drop */
			else if (strncmp(name, "XfrmOut", 7) == 0)
				g->out_drops += v;
			if (strcmp(name, "XfrmInStateSeqError") == 0)
				g->in_replay_drops = v;
			else if (strcmp(name, "XfrmInStateProtoError") == 0)
				g->in_auth_fails = v;
			else if (strcmp(name, "XfrmInNoStates") == 0 ||
			    strcmp(name, "XfrmOutNoStates") == 0)
				g->nosa_fails += v;
			else if (strcmp(name, "XfrmInStateModeError") == 0 ||
			    strcmp(name, "XfrmOutStateModeError") == 0 ||
			    strcmp(name, "XfrmInStateMismatch") == 0 ||
			    strcmp(name, "XfrmInTmplMismatch") == 0)
				g->protocol_use_fails += v;
			else if (strcmp(name, "XfrmInBufferError") == 0 ||
			    strcmp(name, "XfrmOutNoQueueSpace") == 0)
				g->syscap_fails += v;
		}
		p = strchr(p, '\n');
		if (p == NULL)
			break;
		p++;
	}
	/* No kernel counter tells decryption from authentication failures. */
	g->in_decrypt_fails = 0;
	return 0;
}

static void
read_xfrm_stat(void)
{
	static int warned;
	struct st_ipsec_global g;
	char text[4096];
	ssize_t n;
	int fd;

	fd = open(XFRM_STAT_PATH, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		if (!warned++)
			log_info("xfrm: %s: %s (kernel without XFRM statistics): "
			    "global drop counters stay 0", XFRM_STAT_PATH, strerror(errno));
		return;
	}
	n = read(fd, text, sizeof(text) - 1);
	close(fd);
	if (n < 0)
		return;
	text[n] = '\0';
	xfrm_stat_parse(text, &g);
	st_ipsec_global_kernel(&g);
}

static int
sa_dump_run(mnl_cb_t cb, void *arg)
{
	struct nlmsghdr *nlh;
	int ret;

	nlh = xfrm_msg_dump(xfrm_reqbuf, sizeof(xfrm_reqbuf), XFRM_MSG_GETSA);
	if (nlh == NULL)
		return -errno;
	ret = xfrm_nl_request(nlh, cb, arg);
	if (ret < 0)
		log_err("xfrm: SA dump: %s", strerror(-ret));
	return ret;
}

int
xfrm_fold_now(void)
{
	int ret;

	generation++;
	cur_sas = cur_folded = 0;
	ret = sa_dump_run(fold_cb, NULL);
	if (ret == 0) {
		last_sas = cur_sas;
		last_folded = cur_folded;
		st_counters_folded();
	}
	read_xfrm_stat();
	return ret;
}

int
xfrm_refresh_now(void)
{
	int ret;

	ret = xfrm_fold_now();
	if (usecap)
		memset(uses, 0, usecap * sizeof(*uses));
	nuses = 0;
	if (xfrm_policy_dump(use_cb, NULL) < 0 && ret == 0)
		ret = -EIO;
	return ret;
}

void
xfrm_refresh_stats(size_t *sas, size_t *folded)
{
	*sas = last_sas;
	*folded = last_folded;
}

struct sa_dump {
	xfrm_sa_fn	 fn;
	void		*arg;
	int		 stopped;
};

static int
sa_dump_cb(const struct nlmsghdr *nlh, void *arg)
{
	struct sa_dump *sd = arg;
	struct xfrm_sa_info sa;

	if (sd->stopped || xfrm_msg_parse_sa(nlh, &sa, NULL) < 0)
		return MNL_CB_OK;
	if (sd->fn(&sa, sd->arg) != 0)
		sd->stopped = 1;	/* the dump is still read to its end */
	return MNL_CB_OK;
}

int
xfrm_sa_dump(xfrm_sa_fn fn, void *arg)
{
	struct sa_dump sd = { fn, arg, 0 };

	return sa_dump_run(sa_dump_cb, &sd);
}

struct vanished {
	struct xfrm_sa_info *v;
	size_t n, cap;
};

static int
collect_unseen(struct xfrm_reg_sa *r, void *arg)
{
	struct vanished *vs = arg;

	if (r->seen == generation || r->larval)
		return 0;
	if (vs->n == vs->cap) {
		size_t cap = vs->cap ? vs->cap * 2 : 16;
		struct xfrm_sa_info *nv = realloc(vs->v, cap * sizeof(*nv));

		if (nv == NULL)
			return 1;
		vs->v = nv;
		vs->cap = cap;
	}
	memset(&vs->v[vs->n], 0, sizeof(vs->v[0]));
	vs->v[vs->n].src = r->src;
	vs->v[vs->n].dst = r->dst;
	vs->v[vs->n].spi = r->spi;
	vs->v[vs->n].proto = r->proto;
	vs->n++;
	return 0;
}

int
xfrm_resync(void)
{
	struct vanished vs = { NULL, 0, 0 };
	int ret;

	ret = xfrm_refresh_now();
	if (ret < 0)
		return ret;
	/* A dump may miss SAs added or removed while it ran, so an SA of ours
	 * that it did not show is asked for directly before it is declared gone. */
	xfrm_reg_sa_walk(collect_unseen, &vs);
	for (size_t i = 0; i < vs.n; i++) {
		struct xfrm_sa_info *sa = &vs.v[i];
		char a[ADDR_STRLEN];

		if (xfrm_sa_query(&sa->dst, sa->proto, sa->spi, NULL) != -ENOENT)
			continue;
		log_info("xfrm: SA %08x to %s vanished while events were lost",
		    sa->spi, addr_str(&sa->dst, a, sizeof(a)));
		xfrm_fold_gone(sa, 0);
		xfrm_reg_sa_del(&sa->dst, sa->spi, sa->proto);
		if (xfrm_ctx.h.on_sa_deleted != NULL)
			xfrm_ctx.h.on_sa_deleted(sa, xfrm_ctx.h.arg);
	}
	free(vs.v);
	return 0;
}

void
xfrm_timer_fn(void *arg)
{
	(void)arg;
	xfrm_refresh_now();
	if (xfrm_ctx.timer != NULL)
		loop_timer_set(xfrm_ctx.timer, xfrm_ctx.opts.refresh_ms);
}
