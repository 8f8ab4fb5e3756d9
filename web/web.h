/* The web front end of ikeflowd: a dashboard of tunnel health, a JSON API
 * (/api/v1/...) and Prometheus metrics (/metrics), served by libmicrohttpd
 * from ikeflowd's own event loop. Everything it shows is read through the
 * state model's read API (state/state.h); it never changes anything. */
#ifndef IKEFLOW_WEB_H
#define IKEFLOW_WEB_H

#include <stdint.h>

struct cfg_daemon;

/* Starts the server on d->http_listen (nothing when http is disabled).
 * 0 / -1 (logged: the address could not be bound). */
int	web_start(const struct cfg_daemon *d);
void	web_stop(void);
int	web_running(void);
/* The port actually bound (useful with port 0 in tests), 0 if not running. */
uint16_t web_port(void);

#endif
