#include "config.h"

#include <stddef.h>

#include "daemon/daemon.h"

/* Each module adds its descriptor here (declared extern, defined in its own
 * directory) and one line to the list below. Order matters: a module's
 * dependencies come before it, since shutdown runs in reverse. */

extern const struct daemon_module xfrm_module;
extern const struct daemon_module monitor_module;
extern const struct daemon_module updown_module;
extern const struct daemon_module route_module;
extern const struct daemon_module ike_module;
extern const struct daemon_module agent_module;
extern const struct daemon_module web_module;

const struct daemon_module *const daemon_modules[] = {
	&xfrm_module,
	&monitor_module,	/* mode = monitor: the kernel's tunnels of others */
	&updown_module,		/* after ike at shutdown: the downs run */
	&route_module,		/* after ike at shutdown: children first */
	&ike_module,
	&agent_module,
	&web_module,
	NULL
};
