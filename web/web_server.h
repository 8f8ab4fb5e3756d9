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

/* GET /tech-support.tar.gz (web/tech_bundle.c): a streamed response of
 * `ikeflowctl tech-support bundle -o -` run in a child that asks ikeflowd on
 * ctl_socket; NULL with the HTTP status and a message when it cannot start
 * (e.g. 503 while two are being made). */
struct MHD_Connection;
struct MHD_Response *web_bundle_response(struct MHD_Connection *c,
	    const char *ctl_socket, const char *client, unsigned *status,
	    const char **why);
/* A suspended connection was resumed: MHD must run before the loop
 * waits (it has no thread of its own to notice). */
void	web_server_wake(void);
/* Ends every bundle being made (the server stops). */
void	web_bundle_stop_all(void);
/* The ikeflowctl to run; default: the one beside this program, else the
 * installed one (tests name the build tree's). */
void	web_bundle_tool(const char *path);

#endif
