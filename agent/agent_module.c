/* The agent as a daemon module: the show views always, the AgentX subagent
 * when agentx_enable is set. The tables follow the kernel counters: the
 * xfrm module calls agent_refresh() after each fold; tunnels coming and
 * going reach the agent through the state model's events. */
#include "config.h"

#include <string.h>

#include "agent/agent.h"
#include "agent/agent_int.h"
#include "common/log.h"
#include "config/config.h"
#include "daemon/daemon.h"

static int
start(const struct cfg_daemon *d)
{
	if (!d->agentx_enable)
		return 0;
	/* Keying runs on without SNMP: a failed start is logged, not fatal. */
	if (agent_init(d->agentx_socket, (int)d->agentx_ping_interval) < 0)
		log_warnx("agent: the SNMP subagent could not start; continuing without it");
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
}

const struct daemon_module agent_module = {
	.name = "agent",
	.init = agent_mod_init,
	.reload = agent_mod_reload,
	.shutdown = agent_mod_shutdown,
};
