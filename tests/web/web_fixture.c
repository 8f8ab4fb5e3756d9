/* The real HTTP server over a known state model (tests/web/web_model.c), in
 * the real event loop, for tests/web/run-web-test.sh. Prints "ready PORT"
 * once it listens.
 *
 * usage: web_fixture LISTEN ALLOW[,ALLOW...] [TUNNELS [TIMEOUT_S [AUTH_FILE|-
 *	[CERT KEY]]]]
 *
 * FIXTURE_IKEFLOWCTL names the ikeflowctl that makes /tech-support.tar.gz,
 * FIXTURE_CTL_SOCKET the control socket it asks (there is no daemon here:
 * a missing socket makes it write what it gathers alone). */
#include "config.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/log.h"
#include "common/loop.h"
#include "config/config.h"
#include "state/state.h"
#include "tests/web/web_model.h"
#include "web/web.h"
#include "web/web_int.h"
#include "web/web_server.h"

static void
on_term(int signo, void *arg)
{
	(void)signo;
	(void)arg;
	loop_stop();
}

int
main(int argc, char **argv)
{
	struct cfg_daemon d;
	struct web_limits lim = { WEB_MAX_CONNS, WEB_MAX_PER_IP, WEB_TIMEOUT_S };

	if (argc < 3) {
		fprintf(stderr, "usage: %s LISTEN ALLOW[,ALLOW...] [TUNNELS [TIMEOUT_S "
		    "[AUTH_FILE|- [CERT KEY]]]]\n",
		    argv[0]);
		return 2;
	}
	log_init("web_fixture", 1, 0);
	log_setlevel(getenv("FIXTURE_DEBUG") ? LOG_DEBUG : LOG_INFO);
	config_daemon_defaults(&d);
	if (config_daemon_set(&d, "http_listen", argv[1], "command line") < 0 ||
	    config_daemon_set(&d, "http_allow", argv[2], "command line") < 0)
		return 2;
	if (argc > 4)
		lim.timeout_s = (unsigned)atoi(argv[4]);
	if (argc > 5 && strcmp(argv[5], "-") != 0 &&
	    config_daemon_set(&d, "http_auth_file", argv[5], "command line") < 0)
		return 2;
	if (argc > 7 && (config_daemon_set(&d, "http_cert", argv[6], "command line") < 0 ||
	    config_daemon_set(&d, "http_key", argv[7], "command line") < 0))
		return 2;
	if (getenv("FIXTURE_IKEFLOWCTL"))
		web_bundle_tool(getenv("FIXTURE_IKEFLOWCTL"));
	if (getenv("FIXTURE_CTL_SOCKET") && config_daemon_set(&d, "control_socket",
	    getenv("FIXTURE_CTL_SOCKET"), "environment") < 0)
		return 2;
	if (loop_init() < 0 || st_init() < 0 || loop_signal(SIGTERM, on_term, NULL) < 0 ||
	    loop_signal(SIGINT, on_term, NULL) < 0)
		return 1;
	web_model_build(argc > 3 ? atoi(argv[3]) : 3);
	samples_take();
	if (web_server_start(&d, &lim) < 0)
		return 1;
	printf("ready %u\n", web_port());
	fflush(stdout);
	loop_run();
	/* the loop's longest turns, with the server's account of each
	 * (bench/web-bench.sh shows them) */
	{
		struct loop_stats ls;

		loop_get_stats(&ls);
		for (size_t i = 0; i < LOOP_LONG_TURNS && ls.longest[i].us; i++)
			printf("turn %llu us, CPU %llu us: %s%s%s\n",
			    (unsigned long long)ls.longest[i].us,
			    (unsigned long long)ls.longest[i].cpu_us, ls.longest[i].what,
			    ls.longest[i].note[0] ? ": " : "", ls.longest[i].note);
		fflush(stdout);
	}
	web_server_stop();
	samples_clear();
	metrics_clear();
	st_free();
	loop_free();
	return 0;
}
