/* show tech-support ipsec and the views only the daemon can give: its
 * version and build, its own memory, CPU and event-loop latency, the XFRM
 * policies it owns, the crypto it uses, /proc/net/xfrm_stat, the kernel's
 * SAs and policies (keys never read), and its last log lines. */
#include "config.h"

#include <errno.h>
#include <malloc.h>
#include <microhttpd.h>
#include <net-snmp/net-snmp-config.h>
#include <net-snmp/version.h>
#include <openssl/crypto.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/resource.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include "common/log.h"
#include "common/loop.h"
#include "config/config.h"
#include "ctl/ctl.h"
#include "ctl/ctl_client.h"
#include "daemon/daemon.h"
#include "daemon/daemon_int.h"
#include "kernel/route.h"
#include "kernel/xfrm.h"
#include "kernel/xfrm_algs.h"
#include "state/state.h"

#define XFRM_STAT_PATH	"/proc/net/xfrm_stat"
#define PROC_CRYPTO	"/proc/crypto"
#define BANNER		"------------------"

static uint64_t tech_started_ms;

/* ---- show version ---- */

static void
uptime_text(struct buf *out, uint64_t s)
{
	buf_printf(out, "%llu day%s, %u hour%s, %u minute%s",
	    (unsigned long long)(s / 86400), s / 86400 == 1 ? "" : "s",
	    (unsigned)(s % 86400 / 3600), s % 86400 / 3600 == 1 ? "" : "s",
	    (unsigned)(s % 3600 / 60), s % 3600 / 60 == 1 ? "" : "s");
}

void
tech_show_version(struct buf *out)
{
	struct utsname u;
	struct timespec ts;

	buf_printf(out, "ikeflowd (IKEv2 keying daemon and CISCO-IPSEC-FLOW-MONITOR-MIB "
	    "agent), Version %s\n", PACKAGE_VERSION);
	buf_printf(out, "Built with: sanitizers %s, libmnl %s, libarchive %s\n",
	    BUILD_SANITIZERS, MNL_BUILD_VERSION, ARCHIVE_BUILD_VERSION);
	buf_printf(out, "Libraries in use: %s, Net-SNMP %s, libmicrohttpd %s\n",
	    OpenSSL_version(OPENSSL_VERSION), netsnmp_get_version(), MHD_get_version());
	if (uname(&u) == 0)
		buf_printf(out, "Kernel: %s %s %s (%s)\n", u.sysname, u.release, u.version,
		    u.machine);
	buf_printf(out, "Host: %s\n", uname(&u) == 0 ? u.nodename : "?");
	buf_printf(out, "ikeflowd uptime is ");
	uptime_text(out, (loop_now_ms() - tech_started_ms) / 1000);
	buf_printf(out, ", pid %ld\n", (long)getpid());
	if (clock_gettime(CLOCK_BOOTTIME, &ts) == 0) {
		buf_printf(out, "System uptime is ");
		uptime_text(out, (uint64_t)ts.tv_sec);
		buf_printf(out, "\n");
	}
}

/* ---- show processes memory / cpu ---- */

/* "VmRSS:	  1234 kB" lines of /proc/self/status */
static void
proc_status(struct buf *out, const char *const *keys)
{
	char line[256];
	FILE *f = fopen("/proc/self/status", "r");

	if (f == NULL) {
		buf_printf(out, "  /proc/self/status: %s\n", strerror(errno));
		return;
	}
	while (fgets(line, sizeof(line), f))
		for (size_t i = 0; keys[i]; i++)
			if (strncmp(line, keys[i], strlen(keys[i])) == 0 &&
			    line[strlen(keys[i])] == ':')
				buf_printf(out, "  %s", line);
	fclose(f);
}

static unsigned
half_open_count(void)
{
	unsigned n = 0;

	for (const struct st_ike *ike = st_ike_next(0); ike; ike = st_ike_next(ike->index))
		n += ike->state == ST_IKE_CONNECTING;
	return n;
}

static void
sa_counts(struct buf *out)
{
	buf_printf(out, "  IKE SAs active: %u, connecting (half-open): %u, "
	    "child SAs active: %u\n", st_ike_active_count(), half_open_count(),
	    st_child_active_count());
}

/* How the SA counters came from the kernel: whole dumps, or a few
 * tunnels' SAs asked for by a page that shows them. */
static void
counter_reads(struct buf *out)
{
	struct st_counters_stats cs;

	st_counters_stats(&cs);
	buf_printf(out, "  SA counters read: %llu whole folds; %llu page reads "
	    "(%llu tunnels, %llu SAs, %llu failed)\n", (unsigned long long)cs.folds,
	    (unsigned long long)cs.some, (unsigned long long)cs.some_tunnels,
	    (unsigned long long)cs.some_sas, (unsigned long long)cs.some_failed);
}

static int
pipe_include(int argc, char **argv, struct buf *out)
{
	/* IOS's "| include Crypto IKMP": ikeflowd is the one process shown */
	if (argc == 0 || strcmp(argv[0], "|") == 0)
		return 0;
	buf_printf(out, "%% Invalid input: %s\n", argv[0]);
	return -1;
}

static int
cmd_proc_memory(int argc, char **argv, struct buf *out, void *arg)
{
	static const char *const keys[] = { "VmRSS", "VmHWM", "VmSize", "VmData",
	    NULL };
	struct mallinfo2 mi = mallinfo2();

	if (pipe_include(argc, argv, out) < 0)
		return -1;
	buf_printf(out, "ikeflowd (pid %ld) memory:\n", (long)getpid());
	proc_status(out, keys);
	buf_printf(out, "  Heap in use: %zu bytes, free in heap: %zu bytes, mmapped: "
	    "%zu bytes\n", mi.uordblks, mi.fordblks, mi.hblkhd);
	sa_counts(out);
	return 0;
}

static void
turn_line(struct buf *out, const struct loop_turn *t, uint64_t now_ms)
{
	buf_printf(out, "  %10llu %10llu %10llu %7llu  %s%s%s\n", (unsigned long long)t->us,
	    (unsigned long long)t->cpu_us, (unsigned long long)t->what_us,
	    (unsigned long long)(now_ms > t->at_ms ? (now_ms - t->at_ms) / 1000 : 0),
	    t->what, t->note[0] ? ": " : "", t->note);
}

void
tech_loop_turns(struct buf *out, const struct loop_stats *ls, uint64_t now_ms)
{
	/* what a client waited at most lately, not since the start (when
	 * loading thousands of SAs takes long turns that nobody waits on) */
	buf_printf(out, "  Longest turn since the last look: %llu us\n",
	    (unsigned long long)ls->peak_us);
	if (ls->longest[0].us == 0)
		return;
	/* which handler held the loop: the one that took the most of it */
	buf_printf(out, "  Longest turns since the last look, by the handler that "
	    "took the most of each:\n");
	buf_printf(out, "     Turn us     CPU us Handler us   Ago s  Handler\n");
	for (size_t i = 0; i < LOOP_LONG_TURNS && ls->longest[i].us; i++)
		turn_line(out, &ls->longest[i], now_ms);
	if (ls->max.us) {
		buf_printf(out, "  Longest turn since the start:\n");
		turn_line(out, &ls->max, now_ms);
	}
}

void
tech_loop_totals(struct buf *out, const struct loop_total *t, size_t n,
    uint64_t up_ms)
{
	if (n == 0)
		return;
	/* the columns of IOS's per-process lines: runtime, invocations,
	 * microseconds per invocation; then the share of the time up */
	buf_printf(out, "  Handlers since the start, the most time first (wall time: "
	    "waits for a CPU count too):\n");
	buf_printf(out, "   Runtime(ms)     Invoked      uSecs   Share  Handler\n");
	for (size_t i = 0; i < n; i++)
		buf_printf(out, "  %12llu %11llu %10llu %6.2f%%  %s\n",
		    (unsigned long long)(t[i].us / 1000),
		    (unsigned long long)t[i].calls,
		    (unsigned long long)(t[i].calls ? t[i].us / t[i].calls : 0),
		    up_ms ? (double)t[i].us / 10.0 / (double)up_ms : 0.0, t[i].what);
}

static int
cmd_proc_cpu(int argc, char **argv, struct buf *out, void *arg)
{
	struct rusage ru;
	struct loop_stats ls;
	struct loop_total totals[LOOP_TOTALS];
	uint64_t up_ms = loop_now_ms() - tech_started_ms, cpu_ms;

	if (pipe_include(argc, argv, out) < 0)
		return -1;
	getrusage(RUSAGE_SELF, &ru);
	loop_get_stats(&ls);
	cpu_ms = (uint64_t)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1000 +
	    (uint64_t)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1000;
	buf_printf(out, "ikeflowd (pid %ld) CPU:\n", (long)getpid());
	buf_printf(out, "  User %ld.%03ld s, system %ld.%03ld s, %.2f%% of %llu s up\n",
	    (long)ru.ru_utime.tv_sec, (long)ru.ru_utime.tv_usec / 1000,
	    (long)ru.ru_stime.tv_sec, (long)ru.ru_stime.tv_usec / 1000,
	    up_ms ? 100.0 * (double)cpu_ms / (double)up_ms : 0.0,
	    (unsigned long long)(up_ms / 1000));
	buf_printf(out, "  Context switches: %ld voluntary, %ld involuntary\n",
	    ru.ru_nvcsw, ru.ru_nivcsw);
	sa_counts(out);
	counter_reads(out);
	buf_printf(out, "  Event loop: %llu turns, busy %llu ms, average %llu us, "
	    "longest %llu us, last %llu us, %llu turns of 100 ms or more\n",
	    (unsigned long long)ls.turns, (unsigned long long)(ls.busy_us / 1000),
	    (unsigned long long)(ls.turns ? ls.busy_us / ls.turns : 0),
	    (unsigned long long)ls.max_us, (unsigned long long)ls.last_us,
	    (unsigned long long)ls.over_100ms);
	tech_loop_turns(out, &ls, loop_now_ms());
	tech_loop_totals(out, totals, loop_get_totals(totals, LOOP_TOTALS), up_ms);
	loop_peak_reset();
	return 0;
}

/* ---- show crypto eli / engine accelerator statistic ---- */

/* The /proc/crypto entry of that name with the highest priority. */
static void
kernel_alg(struct buf *out, const char *name)
{
	char line[256], cur[128] = "", drv[128] = "", best_drv[128] = "", test[64] = "",
	    best_test[64] = "";
	int prio = -1, best = -1;
	FILE *f = fopen(PROC_CRYPTO, "r");

	if (f == NULL) {
		buf_printf(out, "  %-24s %s: %s\n", name, PROC_CRYPTO, strerror(errno));
		return;
	}
	for (;;) {
		char *ok = fgets(line, sizeof(line), f), *v;

		if (ok == NULL || line[0] == '\n') {
			if (strcmp(cur, name) == 0 && prio > best) {
				best = prio;
				snprintf(best_drv, sizeof(best_drv), "%s", drv);
				snprintf(best_test, sizeof(best_test), "%s", test);
			}
			cur[0] = drv[0] = test[0] = '\0';
			prio = -1;
			if (ok == NULL)
				break;
			continue;
		}
		if ((v = strchr(line, ':')) == NULL)
			continue;
		v++;
		v += strspn(v, " ");
		v[strcspn(v, "\n")] = '\0';
		if (strncmp(line, "name ", 5) == 0)
			snprintf(cur, sizeof(cur), "%s", v);
		else if (strncmp(line, "driver ", 7) == 0)
			snprintf(drv, sizeof(drv), "%s", v);
		else if (strncmp(line, "priority ", 9) == 0)
			prio = atoi(v);
		else if (strncmp(line, "selftest ", 9) == 0)
			snprintf(test, sizeof(test), "%s", v);
	}
	fclose(f);
	if (best < 0)
		buf_printf(out, "  %-24s (not instantiated in the kernel yet)\n", name);
	else
		buf_printf(out, "  %-24s driver %s, priority %d, selftest %s\n", name,
		    best_drv, best, best_test[0] ? best_test : "?");
}

static int
seen_name(const char **names, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(names[i], name) == 0)
			return 1;
	return 0;
}

static int
cmd_eli(int argc, char **argv, struct buf *out, void *arg)
{
	const char *names[32];
	size_t n = 0;

	if (argc) {
		buf_printf(out, "%% Invalid input: %s\n", argv[0]);
		return -1;
	}
	buf_printf(out, "Crypto engines:\n");
	buf_printf(out, "  IKE (ikeflowd): %s\n", OpenSSL_version(OPENSSL_VERSION));
	buf_printf(out, "    %s\n", OpenSSL_version(OPENSSL_CPU_INFO));
	buf_printf(out, "  ESP: the Linux kernel's crypto API through XFRM\n");
	sa_counts(out);
	buf_printf(out, "Kernel algorithms of the child SAs up:\n");
	for (const struct st_child *ch = st_child_next(0); ch && n < 30;
	    ch = st_child_next(ch->index)) {
		const struct xfrm_alg *e = xfrm_alg_encr(ch->algs.encr, ch->algs.encr_keylen);
		const struct xfrm_alg *i = ch->algs.integ ? xfrm_alg_integ(ch->algs.integ) : NULL;

		if (e && !seen_name(names, n, e->name))
			names[n++] = e->name;
		if (i && !seen_name(names, n, i->name))
			names[n++] = i->name;
	}
	for (size_t i = 0; i < n; i++)
		kernel_alg(out, names[i]);
	if (n == 0)
		buf_printf(out, "  (no child SA up)\n");
	return 0;
}

/* Appends a small /proc file as it is; -1 (said in out) if unreadable. */
static int
proc_file(struct buf *out, const char *path)
{
	char b[4096];
	size_t n;
	FILE *f = fopen(path, "r");

	if (f == NULL) {
		buf_printf(out, "%% %s: %s\n", path, strerror(errno));
		return -1;
	}
	while ((n = fread(b, 1, sizeof(b), f)) > 0)
		buf_put(out, b, n);
	fclose(f);
	return 0;
}

static int
cmd_engine_stat(int argc, char **argv, struct buf *out, void *arg)
{
	if (argc) {
		buf_printf(out, "%% Invalid input: %s\n", argv[0]);
		return -1;
	}
	buf_printf(out, "Kernel XFRM statistics (%s; errors only, all since boot):\n",
	    XFRM_STAT_PATH);
	proc_file(out, XFRM_STAT_PATH);
	return 0;
}

/* ---- ruleset, kernel tables, log ---- */

static int
cmd_ruleset(int argc, char **argv, struct buf *out, void *arg)
{
	if (argc > 1 || (argc == 1 && strcasecmp(argv[0], "detail") != 0)) {
		buf_printf(out, "%% Invalid input: %s\n", argv[0]);
		return -1;
	}
	xfrm_show_owned_policies(out);
	return 0;
}

/* IOS's RRI view, for the routes ikeflowd added to reach remote subnets
 * (install_routes): which, towards which peer, through what. */
static int
route_line(const struct route_info *r, void *arg)
{
	struct buf *out = arg;
	char n[SUBNET_STRLEN], a[ADDR_STRLEN];

	buf_printf(out, "RRI  %s", subnet_str(&r->dst, n, sizeof(n)));
	if (r->gw.family)
		buf_printf(out, " via %s", addr_str(&r->gw, a, sizeof(a)));
	buf_printf(out, " dev %s", r->ifname[0] ? r->ifname : "?");
	if (r->src.family)
		buf_printf(out, " src %s", addr_str(&r->src, a, sizeof(a)));
	buf_printf(out, " table %u, peer %s, conn %s, %zu child SA%s%s\n", r->table,
	    addr_str(&r->peer, a, sizeof(a)), r->conn, r->users, r->users == 1 ? "" : "s",
	    r->waiting ? ", not in yet: its source is tentative (DAD)" : "");
	return 0;
}

static int
cmd_crypto_route(int argc, char **argv, struct buf *out, void *arg)
{
	if (argc) {
		buf_printf(out, "%% Invalid input: %s\n", argv[0]);
		return -1;
	}
	buf_printf(out, "VPN Routing Table: Shows RRI (routes ikeflowd added for its tunnels)\n");
	if (!route_running()) {
		buf_printf(out, "Route installation is off (install_routes = no)\n");
		return 0;
	}
	buf_printf(out, "%zu route%s installed\n\n", route_count(), route_count() == 1 ? "" : "s");
	route_walk(route_line, out);
	return 0;
}

static int
cmd_xfrm(int argc, char **argv, struct buf *out, void *arg)
{
	if (argc) {
		buf_printf(out, "%% Invalid input: %s\n", argv[0]);
		return -1;
	}
	return (arg ? xfrm_show_policy(out) : xfrm_show_state(out)) < 0 ? -1 : 0;
}

static void
log_line(const char *line, void *arg)
{
	buf_printf(arg, "%s\n", line);
}

static int
cmd_logging(int argc, char **argv, struct buf *out, void *arg)
{
	if (argc) {
		buf_printf(out, "%% Invalid input: %s\n", argv[0]);
		return -1;
	}
	buf_printf(out, "Log buffer (last %d lines kept, %llu older ones dropped):\n\n",
	    LOG_RING_LINES, (unsigned long long)log_ring_dropped());
	log_ring_walk(log_line, out);
	return 0;
}

/* ---- show tech-support ipsec [peer ADDR | vrf NAME] ---- */

/* The sections go out one part at a time (a section, or a part of one that
 * is itself made in parts), each on its own turn of the event loop: with
 * thousands of tunnels the daemon goes on keying and counting meanwhile. */
#define TECH_MAX_SECTIONS	20

struct tech {
	char		*cmd[TECH_MAX_SECTIONS];
	int		 n, i;
	struct ctl_more	 inner;		/* the rest of the section under way */
};

static void
tech_free(void *arg)
{
	struct tech *t = arg;

	ctl_more_free(&t->inner);
	for (int i = 0; i < t->n; i++)
		free(t->cmd[i]);
	free(t);
}

static int
tech_more(struct buf *out, void *arg)
{
	struct tech *t = arg;

	if (t->inner.fn) {
		ctl_more_run(&t->inner, out);
		return t->inner.fn != NULL || t->i < t->n;
	}
	if (t->i < t->n) {
		buf_printf(out, "\n\n%s %s %s\n\n", BANNER, t->cmd[t->i], BANNER);
		/* a section's error is its text: the others still follow */
		ctl_dispatch_more(t->cmd[t->i], out, &t->inner);
		t->i++;
	}
	return t->inner.fn != NULL || t->i < t->n;
}

/* The command pre + peer + post (peer and post may be ""). */
static int
tech_add(struct tech *t, const char *pre, const char *peer, const char *post)
{
	if (t->n == TECH_MAX_SECTIONS ||
	    asprintf(&t->cmd[t->n], "%s%s%s", pre, peer, post) < 0)
		return -1;
	t->n++;
	return 0;
}

static int
cmd_tech(int argc, char **argv, struct buf *out, void *arg)
{
	static const char *const global[] = {
		"show crypto isakmp sa count", "show crypto ipsec sa count",
		"show crypto session summary", "show crypto session detail",
		"show crypto isakmp sa detail", "show crypto ikev2 sa detailed",
		"show crypto ipsec sa detail", "show crypto isakmp peers", NULL,
	};
	static const char *const per_peer[][2] = {
		{ "show crypto session remote ", " detail" },
		{ "show crypto isakmp sa peer ", " detail" },
		{ "show crypto ikev2 sa remote ", " detailed" },
		{ "show crypto ipsec sa peer ", " detail" },
		{ "show crypto isakmp peers ", "" },
	};
	static const char *const tail[] = {
		"show crypto ruleset detail", "show crypto route",
		"show processes memory | include Crypto IKMP",
		"show processes cpu | include Crypto IKMP",
		"show crypto eli", "show crypto engine accelerator statistic", NULL,
	};
	struct ifl_addr peer;
	char a[ADDR_STRLEN];
	const char *vrf = NULL;
	struct tech *t;
	int by_peer = 0, rc = 0;

	if (argc == 2 && strcasecmp(argv[0], "peer") == 0) {
		if (addr_parse(argv[1], &peer) < 0) {
			buf_printf(out, "%% Invalid peer address: %s\n", argv[1]);
			return -1;
		}
		by_peer = 1;
	} else if (argc == 2 && strcasecmp(argv[0], "vrf") == 0)
		vrf = argv[1];
	else if (argc != 0) {
		buf_printf(out, "%% Invalid input: expected \"peer ADDRESS\" or "
		    "\"vrf NAME\"\n");
		return -1;
	}
	if ((t = calloc(1, sizeof(*t))) == NULL) {
		buf_printf(out, "%% Out of memory\n");
		return -1;
	}
	rc |= tech_add(t, "show version", "", "");
	rc |= tech_add(t, "show running-config", "", "");
	if (by_peer) {
		addr_str(&peer, a, sizeof(a));
		for (size_t i = 0; i < sizeof(per_peer) / sizeof(per_peer[0]); i++)
			rc |= tech_add(t, per_peer[i][0], a, per_peer[i][1]);
	} else
		for (size_t i = 0; global[i]; i++)
			rc |= tech_add(t, global[i], "", "");
	for (size_t i = 0; tail[i]; i++)
		rc |= tech_add(t, tail[i], "", "");
	if (rc < 0) {
		tech_free(t);
		buf_printf(out, "%% Out of memory\n");
		return -1;
	}
	if (vrf)
		buf_printf(out, "%% ikeflow has no VRFs: vrf %s is the global routing "
		    "table, shown below\n", vrf);
	/* the kernel's counters of now, once for every section (and so for
	 * the bundle, which asks this command before its other views) */
	(void)st_counters_fresh(ST_COUNTERS_VIEW_MS);
	if (ctl_answer_more(tech_more, tech_free, t) < 0) {
		while (tech_more(out, t))
			;
		tech_free(t);
	}
	return 0;
}

/* The files in force, one "what path" line each, for the bundle: the
 * command line may have named others than ikeflowd.conf does. */
static int
cmd_files(int argc, char **argv, struct buf *out, void *arg)
{
	const struct ifl_config *cfg = daemon_config();

	if (argc) {
		buf_printf(out, "%% Invalid input: %s\n", argv[0]);
		return -1;
	}
	buf_printf(out, "ikeflowd.conf %s\n", daemon_settings_path());
	if (cfg) {
		buf_printf(out, "ipsec.conf %s\n", cfg->daemon.ipsec_conf);
		buf_printf(out, "ipsec.secrets %s\n", cfg->daemon.ipsec_secrets);
	}
	buf_printf(out, "state_dir %s\n", daemon_state_dir());
	if (cfg) {	/* the bundle's check-config reads as this user */
		buf_printf(out, "user %s\n", cfg->daemon.user);
		if (cfg->daemon.group[0])
			buf_printf(out, "group %s\n", cfg->daemon.group);
	}
	return 0;
}

static int
cmd_version(int argc, char **argv, struct buf *out, void *arg)
{
	if (argc) {
		buf_printf(out, "%% Invalid input: %s\n", argv[0]);
		return -1;
	}
	tech_show_version(out);
	return 0;
}

int
tech_register(void)
{
	static const struct {
		const char *prefix, *usage, *help;
		ctl_cmd_fn fn;
		void *arg;
	} cmds[] = {
		{ "show version", "show version",
		    "ikeflowd's version, build, libraries, kernel and uptime",
		    cmd_version, NULL },
		{ "show processes memory", "show processes memory",
		    "ikeflowd's memory (RSS, heap) and SA counts", cmd_proc_memory, NULL },
		{ "show processes cpu", "show processes cpu",
		    "ikeflowd's CPU time, SA counts and event-loop latency",
		    cmd_proc_cpu, NULL },
		{ "show crypto ruleset", "show crypto ruleset [detail]",
		    "the XFRM policies ikeflowd installed", cmd_ruleset, NULL },
		{ "show crypto route", "show crypto route",
		    "the routes ikeflowd added to its tunnels' remote subnets",
		    cmd_crypto_route, NULL },
		{ "show crypto eli", "show crypto eli",
		    "the crypto engines in use (OpenSSL, the kernel's algorithms)",
		    cmd_eli, NULL },
		{ "show crypto engine accelerator statistic",
		    "show crypto engine accelerator statistic",
		    "the kernel's XFRM error counters (/proc/net/xfrm_stat)",
		    cmd_engine_stat, NULL },
		{ "show xfrm state", "show xfrm state",
		    "every SA in the kernel, as ip -s xfrm state (no keys)", cmd_xfrm, NULL },
		{ "show xfrm policy", "show xfrm policy",
		    "every policy in the kernel, as ip -s xfrm policy", cmd_xfrm, (void *)1 },
		{ "show tech-support files", "show tech-support files",
		    "the configuration files and state directory in force",
		    cmd_files, NULL },
		{ "show logging", "show logging",
		    "ikeflowd's last log lines (kept in memory)", cmd_logging, NULL },
		{ "show tech-support ipsec", "show tech-support ipsec [peer ADDRESS | vrf NAME]",
		    "everything above for a support case, section by section", cmd_tech, NULL },
	};

	tech_started_ms = loop_now_ms();
	for (size_t i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++)
		if (ctl_register(cmds[i].prefix, cmds[i].usage, cmds[i].help, cmds[i].fn,
		    cmds[i].arg) < 0)
			return -1;
	return 0;
}
