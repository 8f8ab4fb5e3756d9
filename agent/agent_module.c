/* The agent as a daemon module: the show views always, the AgentX subagent
 * when agentx_enable is set, and the table refresh on refresh_interval. */
#include "config.h"

#include <string.h>

#include "agent/agent.h"
#include "agent/agent_int.h"
#include "common/log.h"
#include "common/loop.h"
#include "config/config.h"
#include "daemon/daemon.h"

static struct loop_timer *refresh_timer;
static uint32_t refresh_ms;

static void
on_refresh(void *arg)
{
	(void)arg;
	if (agent_running())
		agent_refresh();
	loop_timer_set(refresh_timer, refresh_ms);
}

static int
start(const struct cfg_daemon *d)
{
	refresh_ms = d->refresh_interval ? d->refresh_interval : 5000;
	if (!d->agentx_enable)
		return 0;
	/* Keying runs on without SNMP: a failed start is logged, not fatal. */
	if (agent_init(d->agentx_socket, (int)d->agentx_ping_interval) < 0) {
		log_warnx("agent: the SNMP subagent could not start; continuing without it");
		return 0;
	}
	if (refresh_timer == NULL && (refresh_timer = loop_timer_new(on_refresh, NULL)) == NULL)
		return 0;
	loop_timer_set(refresh_timer, refresh_ms);
	return 0;
}

static int
agent_mod_init(const struct ifl_config *cfg)
{
	agent_show_register();
	return start(&cfg->daemon);
}

static int
agent_mod_reload(const struct ifl_config *old, const struct ifl_config *cfg)
{
	const struct cfg_daemon *o = &old->daemon, *n = &cfg->daemon;

	refresh_ms = n->refresh_interval ? n->refresh_interval : 5000;
	if (n->agentx_ping_interval != o->agentx_ping_interval && agent_running())
		netsnmp_ds_set_int(NETSNMP_DS_APPLICATION_ID,
		    NETSNMP_DS_AGENT_AGENTX_PING_INTERVAL, (int)n->agentx_ping_interval);
	if (o->agentx_enable && n->agentx_enable) {
		if (strcmp(o->agentx_socket, n->agentx_socket) != 0)
			log_notice("agent: agentx_socket %s takes effect when ikeflowd restarts",
			    n->agentx_socket);
		return 0;
	}
	if (o->agentx_enable && !n->agentx_enable) {
		agent_shutdown();
		if (refresh_timer != NULL)
			loop_timer_stop(refresh_timer);
		return 0;
	}
	if (!o->agentx_enable && n->agentx_enable)
		return start(n);	/* once per process: see agent_init */
	return 0;
}

static void
agent_mod_shutdown(void)
{
	agent_shutdown();
	if (refresh_timer != NULL) {
		loop_timer_free(refresh_timer);
		refresh_timer = NULL;
	}
}

const struct daemon_module agent_module = {
	.name = "agent",
	.init = agent_mod_init,
	.reload = agent_mod_reload,
	.shutdown = agent_mod_shutdown,
};
