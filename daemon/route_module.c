/* Routes for tunnels as an ikeflowd module (kernel/route.h): with
 * install_routes = yes the rule goes in at start, and each tunnel-mode
 * child's routes follow it (daemon/ike_env.c); at shutdown, after the IKE
 * module removed its children, what is left of ours goes, the rule too. */
#include "config.h"

#include <stddef.h>

#include "common/log.h"
#include "config/config.h"
#include "daemon/daemon.h"
#include "kernel/route.h"

static int
route_module_init(const struct ifl_config *cfg)
{
	/* a gateway without its routes still keys its tunnels; in monitor
	 * mode the keying daemon owns the routes */
	if (cfg->daemon.install_routes && cfg->daemon.mode != CFG_MODE_MONITOR)
		route_init(cfg->daemon.routing_table, cfg->daemon.routing_table_prio);
	return 0;
}

static int
route_module_reload(const struct ifl_config *old, const struct ifl_config *cfg)
{
	if (cfg->daemon.mode == CFG_MODE_MONITOR || old->daemon.mode == CFG_MODE_MONITOR)
		return 0;	/* the mode is fixed at start */
	if (!cfg->daemon.install_routes) {
		if (old->daemon.install_routes)
			log_info("route: install_routes = no: new tunnels get no "
			    "route; those in place keep theirs until they end");
		return 0;
	}
	if (!route_running())
		return route_init(cfg->daemon.routing_table,
		    cfg->daemon.routing_table_prio) < 0 ? -1 : 0;
	if (old->daemon.routing_table != cfg->daemon.routing_table ||
	    old->daemon.routing_table_prio != cfg->daemon.routing_table_prio)
		log_warnx("route: routing_table and routing_table_prio changes take "
		    "effect at the next restart");
	return 0;
}

static void
route_module_shutdown(void)
{
	route_shutdown();
}

const struct daemon_module route_module = {
	.name = "route",
	.init = route_module_init,
	.reload = route_module_reload,
	.shutdown = route_module_shutdown,
};
