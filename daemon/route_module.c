/* Routes for tunnels as an ikeflowd module (kernel/route.h): with
 * install_routes = yes the rule goes in at start, and each tunnel-mode
 * child's routes follow it (daemon/ike_env.c); at shutdown, after the IKE
 * module removed its children, what is left of ours goes, the rule too. */
#include "config.h"

#include <stddef.h>

#include "common/log.h"
#include "common/loop.h"
#include "config/config.h"
#include "daemon/daemon.h"
#include "kernel/route.h"

static int events_fd = -1;

static void
on_events(int fd, uint32_t events, void *arg)
{
	(void)fd;
	(void)events;
	(void)arg;
	route_events_read();
}

/* The address events that install routes waiting for their source. */
static void
events_watch(void)
{
	int fd = route_events_fd();

	if (fd < 0 || fd == events_fd)
		return;
	if (loop_fd_add(fd, EPOLLIN, on_events, NULL) < 0) {
		log_warnx("route: address events not watched: a route whose IPv6 "
		    "source is still tentative will not be installed");
		return;
	}
	loop_fd_name(fd, "route address events");
	events_fd = fd;
}

static int
route_module_init(const struct ifl_config *cfg)
{
	/* a gateway without its routes still keys its tunnels; in monitor
	 * mode the keying daemon owns the routes */
	if (cfg->daemon.install_routes && cfg->daemon.mode != CFG_MODE_MONITOR)
		route_init(cfg->daemon.routing_table, cfg->daemon.routing_table_prio);
	events_watch();
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
	if (!route_running()) {
		if (route_init(cfg->daemon.routing_table,
		    cfg->daemon.routing_table_prio) < 0)
			return -1;
		events_watch();
		return 0;
	}
	if (old->daemon.routing_table != cfg->daemon.routing_table ||
	    old->daemon.routing_table_prio != cfg->daemon.routing_table_prio)
		log_warnx("route: routing_table and routing_table_prio changes take "
		    "effect at the next restart");
	return 0;
}

static void
route_module_shutdown(void)
{
	if (events_fd >= 0)
		loop_fd_del(events_fd);
	events_fd = -1;
	route_shutdown();
}

const struct daemon_module route_module = {
	.name = "route",
	.init = route_module_init,
	.reload = route_module_reload,
	.shutdown = route_module_shutdown,
};
