/* What the daemon offers the modules it runs (kernel interface, keying
 * engines, SNMP agent, web page): the configuration in force, and a
 * lifecycle. A module describes itself with a struct daemon_module and is
 * listed once in daemon/modules.c; the daemon then calls
 *   init(config)       at start, in list order (failure stops the start),
 *   reload(old, new)   on SIGHUP / "reload", in list order, after the new
 *                      configuration parsed cleanly. Returning -1 rolls the
 *                      modules already reloaded back to the old one,
 *                      which then stays in force,
 *   shutdown()         at exit, in reverse order (remove what was installed).
 * Any of the callbacks may be NULL. All run on the one event loop. */
#ifndef IKEFLOW_DAEMON_H
#define IKEFLOW_DAEMON_H

#include "common/buf.h"

struct ifl_config;

struct daemon_module {
	const char	*name;
	int		(*init)(const struct ifl_config *cfg);
	int		(*reload)(const struct ifl_config *old, const struct ifl_config *cfg);
	void		(*shutdown)(void);
};

/* NULL-terminated, in start order (daemon/modules.c). */
extern const struct daemon_module *const daemon_modules[];

/* The configuration in force; NULL before the first load. Do not keep the
 * pointer across a reload: the old configuration is freed after it. */
const struct ifl_config *daemon_config(void);
/* The directory for persistent state (in force since start). */
const char *daemon_state_dir(void);
/* What SIGHUP does. 0 when the new configuration is in force; -1 when the
 * old one stays. A summary (and the errors) are appended to msg if not NULL. */
int	daemon_reload(struct buf *msg);

#endif
