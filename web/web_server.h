/* The HTTP server inside the web module (web/server.c); the module starts it
 * with the limits below, tests with their own. */
#ifndef IKEFLOW_WEB_SERVER_H
#define IKEFLOW_WEB_SERVER_H

#include <stdint.h>

struct cfg_daemon;

struct web_limits {
	unsigned	max_conns;	/* connections at once */
	unsigned	max_per_ip;	/* from one client address */
	unsigned	timeout_s;	/* an idle or stalled connection is closed */
};

#define WEB_MAX_CONNS	512
#define WEB_MAX_PER_IP	64
#define WEB_TIMEOUT_S	15

int	web_server_start(const struct cfg_daemon *d, const struct web_limits *lim);
void	web_server_stop(void);
/* A reload's new http_allow and http_auth_file apply to the next requests;
 * -1 (server stopped) when the new http_auth_file is unusable. */
int	web_server_access(const struct cfg_daemon *d);

#endif
