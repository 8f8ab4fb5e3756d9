/* Full dumps of the kernel's SAs: the periodic refresh that folds every
 * SA's counters into the state model (with the policies' use times and
 * /proc/net/xfrm_stat), the dump the module offers, and the resync that
 * rebuilds what lost events would have told. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "common/log.h"
#include "common/loop.h"
#include "kernel/nl.h"
#include "kernel/xfrm_priv.h"

#define XFRM_STAT_PATH	"/proc/net/xfrm_stat"
/* A refresh in steps takes at most this much of one loop turn (and one
 * receive buffer more): the loop's stalls stay well under 50 ms. */
#define XFRM_STEP_US	5000

static size_t last_sas, last_folded;

/* SAs a fold's dump listed, and how many of them the state model knew */
struct fold_count {
	size_t	sas, folded;
};

/* The hot path of a refresh: body fields only, no attribute parsing. */
static int
fold_cb(const struct nlmsghdr *nlh, void *arg)
{
	struct fold_count *fc = arg;
	struct st_dir_counters c;
	struct ifl_addr dst;
	uint32_t spi;
	uint8_t proto;

	if (xfrm_msg_sa_fast(nlh, &dst, &spi, &proto, &c) == 0) {
		fc->sas++;
		if (xfrm_fold_update(&dst, spi, proto, &c) == 0)
			fc->folded++;
	}
	return MNL_CB_OK;
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
	struct fold_count fc = { 0, 0 };
	int ret;

	xfrm_fold_begin();
	ret = sa_dump_run(fold_cb, &fc);
	if (ret == 0) {
		last_sas = fc.sas;
		last_folded = fc.folded;
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
	if (xfrm_usetime_refresh() < 0 && ret == 0)
		ret = -EIO;
	return ret;
}

/* ---- the refresh in steps ---- */

enum step_phase { STEP_IDLE, STEP_SAS, STEP_POLICIES };

static struct {
	enum step_phase		 phase;
	uint32_t		 seq;
	uint32_t		 budget_us;
	uint64_t		 start_ms;	/* st_now_ms() at the start */
	struct fold_count	 fc;
	struct xfrm_usetab	*uses;
	void			(*done)(int, void *);
	void			*arg;
	char			 errmsg[256];
} step = { .budget_us = XFRM_STEP_US };

static uint64_t
mono_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000 + (uint64_t)ts.tv_nsec / 1000;
}

static int
step_use_cb(const struct nlmsghdr *nlh, void *arg)
{
	struct xfrm_pol_info pi;

	(void)arg;
	if (xfrm_msg_parse_policy(nlh, &pi) == 0)
		xfrm_usetime_note(step.uses, &pi);
	return MNL_CB_OK;
}

static int
step_send(uint16_t type)
{
	struct nlmsghdr *nlh;
	uint8_t req[256] __attribute__((aligned(8)));

	if ((nlh = xfrm_msg_dump(req, sizeof(req), type)) == NULL)
		return -errno;
	return nl_dump_start(xfrm_ctx.step, &step.seq, nlh);
}

static void
step_end(int ret)
{
	void (*done)(int, void *) = step.done;

	if (ret == 0) {
		last_sas = step.fc.sas;
		last_folded = step.fc.folded;
		xfrm_usetime_commit(step.uses);
	} else
		xfrm_usetime_discard(step.uses);
	step.uses = NULL;
	step.phase = STEP_IDLE;
	step.done = NULL;
	if (done != NULL)
		done(ret, step.arg);
}

static void
step_read(int fd, uint32_t events, void *arg)
{
	uint64_t until = mono_us() + step.budget_us;
	int r;

	(void)fd;
	(void)events;
	(void)arg;
	if (step.phase == STEP_IDLE) {
		/* nothing asked: a leftover of an abandoned dump */
		nl_dump_step(xfrm_ctx.step, 0, NULL, NULL, step.errmsg, sizeof(step.errmsg));
		return;
	}
	do {
		if (step.phase == STEP_SAS)
			r = nl_dump_step(xfrm_ctx.step, step.seq, fold_cb, &step.fc,
			    step.errmsg, sizeof(step.errmsg));
		else
			r = nl_dump_step(xfrm_ctx.step, step.seq, step_use_cb, NULL,
			    step.errmsg, sizeof(step.errmsg));
		if (r == NL_DUMP_DONE && step.phase == STEP_SAS) {
			/* the counters are whole: readers may use them now */
			st_counters_folded_at(step.start_ms);
			read_xfrm_stat();
			step.phase = STEP_POLICIES;
			if ((r = step_send(XFRM_MSG_GETPOLICY)) == 0)
				r = NL_DUMP_MORE;
		} else if (r == NL_DUMP_DONE) {
			step_end(0);
			return;
		}
	} while (r == NL_DUMP_MORE && mono_us() < until);
	if (r < 0) {
		log_err("xfrm: %s dump (refresh): %s%s%s%s",
		    step.phase == STEP_SAS ? "SA" : "policy", strerror(-r),
		    step.errmsg[0] ? " (" : "", step.errmsg, step.errmsg[0] ? ")" : "");
		step_end(r);
	}
	/* otherwise the rest is read in the next turn: the socket stays ready */
}

int
xfrm_refresh_start(void (*done)(int ret, void *arg), void *arg)
{
	int ret;

	if (xfrm_ctx.step == NULL)
		return -ENOTCONN;
	if (step.phase != STEP_IDLE)
		return -EBUSY;
	if ((step.uses = xfrm_usetime_new()) == NULL)
		return -ENOMEM;
	xfrm_fold_begin();
	step.fc.sas = step.fc.folded = 0;
	step.start_ms = st_now_ms();
	if ((ret = step_send(XFRM_MSG_GETSA)) < 0) {
		log_err("xfrm: SA dump (refresh): %s", strerror(-ret));
		xfrm_usetime_discard(step.uses);
		step.uses = NULL;
		return ret;
	}
	step.phase = STEP_SAS;
	step.done = done;
	step.arg = arg;
	return 0;
}

int
xfrm_refresh_running(void)
{
	return step.phase != STEP_IDLE;
}

void
xfrm_step_budget(uint32_t us)
{
	step.budget_us = us ? us : XFRM_STEP_US;
}

int
xfrm_step_open(void)
{
	int fd, e;

	if ((xfrm_ctx.step = nl_open(NETLINK_XFRM, 0)) == NULL)
		return -errno;
	fd = mnl_socket_get_fd(xfrm_ctx.step);
	if (fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK) < 0 ||
	    loop_fd_add(fd, EPOLLIN, step_read, NULL) < 0) {
		e = errno ? errno : EIO;
		mnl_socket_close(xfrm_ctx.step);
		xfrm_ctx.step = NULL;
		return -e;
	}
	loop_fd_name(fd, "XFRM dump");
	return 0;
}

void
xfrm_step_close(void)
{
	if (xfrm_ctx.step == NULL)
		return;
	loop_fd_del(mnl_socket_get_fd(xfrm_ctx.step));
	mnl_socket_close(xfrm_ctx.step);
	xfrm_ctx.step = NULL;
	xfrm_usetime_discard(step.uses);
	step.uses = NULL;
	step.phase = STEP_IDLE;
	step.done = NULL;
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

	if (r->seen == xfrm_fold_generation() || r->larval)
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
