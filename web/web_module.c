/* The web front end as a daemon module: the HTTP server on http_listen
 * (unless http_listen = no) and the throughput samples behind the tunnel
 * page's chart, taken every SAMPLE_SECS. A server that cannot start is
 * logged and keying goes on without it, as with the SNMP agent. */
#include "config.h"

#include <string.h>

#include "common/log.h"
#include "common/loop.h"
#include "config/config.h"
#include "daemon/daemon.h"
#include "web/web.h"
#include "web/web_int.h"
#include "web/web_server.h"

/* A sampling step takes at most this much of a turn: at 10,000 tunnels
 * a pass is a few milliseconds on an idle host, ten times that in a slow
 * guest, and the loop's stalls stay well under 50 ms. */
#define SAMPLE_STEP_US	4000

static struct loop_timer *sample_timer;

static void
on_sample(void *arg)
{
	(void)arg;
	loop_timer_name(sample_timer, "HTTP samples");
	if (samples_step(loop_now_us() + SAMPLE_STEP_US) == 0) {
		loop_timer_set(sample_timer, 0);	/* the rest in the next turn */
		return;
	}
	loop_timer_set(sample_timer, SAMPLE_SECS * 1000);
}

int
web_start(const struct cfg_daemon *d)
{
	static const struct web_limits lim = { WEB_MAX_CONNS, WEB_MAX_PER_IP, WEB_TIMEOUT_S };

	if (!d->http_enable)
		return 0;
	if (web_server_start(d, &lim) < 0)
		return -1;
	if (sample_timer == NULL && (sample_timer = loop_timer_new(on_sample, NULL)) == NULL)
		return 0;	/* the pages work; only the chart stays empty */
	/* the first pass in steps too: at 10,000 tunnels a whole one (a ring
	 * allocated for each) held the loop at every start and reload */
	loop_timer_set(sample_timer, 0);
	return 0;
}

void
web_stop(void)
{
	web_server_stop();
	if (sample_timer) {
		loop_timer_free(sample_timer);
		sample_timer = NULL;
	}
	samples_clear();
	metrics_clear();
}

static int
web_mod_init(const struct ifl_config *cfg)
{
	if (web_start(&cfg->daemon) < 0)
		log_warnx("web: the dashboard could not start; continuing without it");
	return 0;
}

static int
web_mod_reload(const struct ifl_config *old, const struct ifl_config *cfg)
{
	const struct cfg_daemon *o = &old->daemon, *n = &cfg->daemon;

	if (o->http_enable != n->http_enable || (n->http_enable &&
	    (strcmp(o->http_listen, n->http_listen) != 0 || !web_running() ||
	    /* a renewed certificate keeps its file name: always read again */
	    n->http_cert[0] || o->http_cert[0]))) {
		web_stop();
		if (web_start(n) < 0)
			log_warnx("web: the dashboard could not start on %s", n->http_listen);
		return 0;
	}
	if (web_running())
		web_server_access(n);
	return 0;
}

const struct daemon_module web_module = {
	.name = "web",
	.init = web_mod_init,
	.reload = web_mod_reload,
	.shutdown = web_stop,
};
