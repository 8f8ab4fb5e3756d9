/* The kernel interface as an ikeflowd module: XFRM sockets with the SPI
 * range of ikeflowd.conf, the counter refresh (dump-and-fold into the state
 * model, then the SNMP agent's caches; readers fold on demand in between
 * through st_counters_fresh, wait for a fold in steps through
 * st_counters_wait, or read a few tunnels' SAs alone through
 * st_counters_fresh_for), and at shutdown the removal of
 * exactly what this daemon installed. */
#include "config.h"

#include <errno.h>
#include <stddef.h>
#include <string.h>

#include "agent/agent.h"
#include "common/log.h"
#include "common/loop.h"
#include "config/config.h"
#include "daemon/daemon.h"
#include "kernel/xfrm.h"
#include "state/state.h"

static struct loop_timer *refresh_timer;
static uint32_t refresh_ms;

static void
refreshed(int ret, void *arg)
{
	(void)ret;
	(void)arg;
	/* the SNMP tables follow the counters just folded, built in steps */
	if (agent_running())
		agent_refresh_steps();
	loop_timer_name(refresh_timer, "XFRM refresh");
	loop_timer_set(refresh_timer, refresh_ms);
	/* readers that waited for a fold that started too early get another */
	st_counters_step_ended();
}

/* A reader's fold on demand, in the same steps (st_counters_wait). */
static int
fold_in_steps(void)
{
	return xfrm_refresh_start(refreshed, NULL);
}

/* A reader of a few tunnels: their SAs alone, each asked for (the old
 * pair of a rekey too, until it goes). An inbound SA's destination is our
 * end, an outbound one's the peer. */
/* A page read takes at most this much of a loop turn (and one batch
 * more): past it, the reader waits for the fold in steps instead. 200 SAs
 * (a page of 100 tunnels) take about 1 ms on an ordinary machine. */
#define PAGE_READ_US	5000

static int
fold_some(const struct st_child *const *kids, size_t n)
{
	struct xfrm_sa_ref refs[64];
	size_t k = 0, found = 0, asked = 0;
	uint64_t until = loop_now_us() + PAGE_READ_US;
	int r;

	for (size_t i = 0; i < n; i++) {
		const struct st_child *ch = kids[i];

		for (int j = 0; ch != NULL && j < ch->nsa; j++) {
			const struct st_sa *sa = &ch->sa[j];

			refs[k].dst = sa->dir == ST_SA_IN ? ch->local : ch->remote;
			refs[k].spi = sa->spi;
			refs[k].proto = sa->proto;
			asked++;
			if (++k < sizeof(refs) / sizeof(refs[0]))
				continue;
			if ((r = xfrm_fold_sas(refs, k)) < 0)
				return r;
			found += (size_t)r;
			k = 0;
			if (loop_now_us() > until)
				return -ETIME;
		}
	}
	if (k > 0) {
		if ((r = xfrm_fold_sas(refs, k)) < 0)
			return r;
		found += (size_t)r;
	}
	/* An SA the state model holds that the kernel does not (gone, its
	 * event not read yet; or not where we looked): a whole fold sees
	 * what there is, so the reader waits for one rather than show
	 * counters that may be old. */
	if (found < asked)
		return -ENOENT;
	return (int)found;
}

/* In steps: a dump of 20,000 SAs read at once would hold keying, AgentX
 * and the web server for a good part of a second. The timer is set again
 * when the refresh ends, so refreshes never overlap. */
static void
on_refresh(void *arg)
{
	int ret;

	(void)arg;
	if ((ret = xfrm_refresh_start(refreshed, NULL)) == -EBUSY)
		return;
	if (ret < 0)
		refreshed(xfrm_refresh_now(), NULL);
}

static int
xfrm_module_init(const struct ifl_config *cfg)
{
	struct xfrm_opts o;

	memset(&o, 0, sizeof(o));
	o.spi_min = cfg->daemon.spi_min;
	o.spi_max = cfg->daemon.spi_max;
	/* the refresh runs here, so that the agent follows each fold */
	o.no_timer = 1;
	/* monitor mode: another daemon owns the SAD and SPD */
	o.read_only = cfg->daemon.mode == CFG_MODE_MONITOR;
	refresh_ms = cfg->daemon.refresh_interval ? cfg->daemon.refresh_interval :
	    IFL_XFRM_REFRESH_MS;
	if (xfrm_init(&o) < 0) {
		log_err("xfrm: the kernel's IPsec interface is not available");
		return -1;
	}
	if ((refresh_timer = loop_timer_new(on_refresh, NULL)) == NULL) {
		xfrm_shutdown();
		return -1;
	}
	loop_timer_set(refresh_timer, refresh_ms);
	/* readers showing counters fold on demand between two timer folds */
	st_counters_source(xfrm_fold_now);
	st_counters_step_source(fold_in_steps);
	st_counters_some_source(fold_some);
	return 0;
}

static int
xfrm_module_reload(const struct ifl_config *old, const struct ifl_config *cfg)
{
	if (old->daemon.spi_min != cfg->daemon.spi_min ||
	    old->daemon.spi_max != cfg->daemon.spi_max)
		log_warnx("xfrm: spi_min/spi_max changes take effect at the next restart");
	if (cfg->daemon.refresh_interval != refresh_ms && cfg->daemon.refresh_interval) {
		refresh_ms = cfg->daemon.refresh_interval;
		loop_timer_set(refresh_timer, refresh_ms);
	}
	return 0;
}

static void
xfrm_module_shutdown(void)
{
	int r;

	st_counters_some_source(NULL);
	st_counters_step_source(NULL);
	st_counters_source(NULL);
	loop_timer_free(refresh_timer);
	refresh_timer = NULL;
	if ((r = xfrm_flush_installed()) < 0)
		log_err("xfrm: some SAs or policies of ours stay in the kernel");
	xfrm_shutdown();
}

const struct daemon_module xfrm_module = {
	.name = "xfrm",
	.init = xfrm_module_init,
	.reload = xfrm_module_reload,
	.shutdown = xfrm_module_shutdown,
};
