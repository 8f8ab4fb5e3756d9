#include "config.h"

#include <string.h>
#include <time.h>
#include <unistd.h>

#include "common/loop.h"
#include "config/config.h"
#include "ctl/ctl.h"
#include "ctl/show_crypto.h"
#include "daemon/daemon.h"
#include "daemon/daemon_int.h"
#include "state/state.h"

static uint64_t started_ms;

static void
commands_duration(struct buf *out, uint64_t ms)
{
	uint64_t s = ms / 1000;

	if (s >= 86400)
		buf_printf(out, "%llud ", (unsigned long long)(s / 86400));
	buf_printf(out, "%02u:%02u:%02u", (unsigned)(s % 86400 / 3600),
	    (unsigned)(s % 3600 / 60), (unsigned)(s % 60));
}

static const char *
commands_addr(const struct ifl_addr *a, char *dst, size_t len)
{
	if (a->family == 0)
		return "%any";
	return addr_str(a, dst, len);
}

static void
commands_conn(struct buf *out, const struct st_conn *c)
{
	static const char *autos[] = { "ignore", "add", "route", "start" };
	char l[ADDR_STRLEN], r[ADDR_STRLEN];
	const struct st_ike *ike = c->ike_index ? st_ike_find(c->ike_index) : NULL;

	buf_printf(out, "  %s: IKEv%d, auto=%s, %s <-> %s, ", c->name,
	    c->ike_version, c->auto_mode >= 0 && c->auto_mode <= 3 ?
	    autos[c->auto_mode] : "?", commands_addr(&c->local, l, sizeof(l)),
	    commands_addr(&c->remote, r, sizeof(r)));
	if (ike == NULL)
		buf_printf(out, "no IKE SA\n");
	else
		buf_printf(out, "IKE SA #%u %s\n", ike->index,
		    ike->state == ST_IKE_ESTABLISHED ? "established" :
		    ike->state == ST_IKE_CONNECTING ? "connecting" :
		    ike->state == ST_IKE_REKEYING ? "rekeying" : "deleting");
}

static int
cmd_status(int argc, char **argv, struct buf *out, void *arg)
{
	const struct ifl_config *cfg = daemon_config();
	const struct st_conn *c;
	const struct st_ike_hist *ih;
	const struct st_child_hist *ch;
	const struct st_ike_failrec *ifr;
	const struct st_ipsec_failrec *pfr;
	uint32_t nconn = 0, nih = 0, nch = 0, nif = 0, npf = 0;

	if (argc > 0) {
		buf_printf(out, "%% \"status\" takes no arguments\n");
		return -1;
	}
	for (c = st_conn_next(0); c; c = st_conn_next(c->index))
		nconn++;
	for (ih = st_ike_hist_next(0); ih; ih = st_ike_hist_next(ih->index))
		nih++;
	for (ch = st_child_hist_next(0); ch; ch = st_child_hist_next(ch->index))
		nch++;
	for (ifr = st_ike_fail_next(0); ifr; ifr = st_ike_fail_next(ifr->index))
		nif++;
	for (pfr = st_ipsec_fail_next(0); pfr; pfr = st_ipsec_fail_next(pfr->index))
		npf++;

	buf_printf(out, "ikeflowd %s, pid %ld, up ", PACKAGE_VERSION, (long)getpid());
	commands_duration(out, loop_now_ms() - started_ms);
	buf_printf(out, "\n");
	if (cfg) {
		buf_printf(out, "Configuration: %s%s, %s, %s\n", daemon_settings_path(),
		    access(daemon_settings_path(), F_OK) == 0 ? "" : " (absent: defaults)",
		    cfg->daemon.ipsec_conf, cfg->daemon.ipsec_secrets);
		buf_printf(out, "  %d connection%s (%d with auto=ignore not loaded), "
		    "%d secret%s\n", cfg->nconns, cfg->nconns == 1 ? "" : "s",
		    cfg->nignored, cfg->nsecrets, cfg->nsecrets == 1 ? "" : "s");
	}
	buf_printf(out, "Reloads: %d", reload_count());
	if (reload_last_ok() >= 0)
		buf_printf(out, " (last %s)", reload_last_ok() ? "succeeded" :
		    "failed, previous configuration in force");
	buf_printf(out, "\n");
	buf_printf(out, "Control socket: %s\n", daemon_control_path());
	buf_printf(out, "State directory: %s\n", daemon_state_dir());
	if (st_save_error() != NULL)
		buf_printf(out, "  history not saved: %s\n", st_save_error());
	buf_printf(out, "Connections loaded: %u\n", nconn);
	for (c = st_conn_next(0); c; c = st_conn_next(c->index))
		commands_conn(out, c);
	buf_printf(out, "IKE SAs active: %u\n", st_ike_active_count());
	buf_printf(out, "Child SAs active: %u\n", st_child_active_count());
	buf_printf(out, "History records: %u IKE, %u IPsec (table size %u)\n",
	    nih, nch, st_hist_size());
	buf_printf(out, "Failure records: %u IKE, %u IPsec (table size %u)\n",
	    nif, npf, st_fail_size());
	return 0;
}

static int
cmd_running_config(int argc, char **argv, struct buf *out, void *arg)
{
	const struct ifl_config *cfg = daemon_config();

	if (argc > 0) {
		buf_printf(out, "%% \"show running-config\" takes no arguments\n");
		return -1;
	}
	if (cfg == NULL) {
		buf_printf(out, "%% No configuration loaded\n");
		return -1;
	}
	if (config_render(cfg, out) < 0) {
		buf_reset(out);
		buf_printf(out, "%% Cannot render the configuration\n");
		return -1;
	}
	return 0;
}

static int
cmd_reload(int argc, char **argv, struct buf *out, void *arg)
{
	if (argc > 0) {
		buf_printf(out, "%% \"reload\" takes no arguments\n");
		return -1;
	}
	return daemon_reload(out);
}

int
commands_register(void)
{
	started_ms = loop_now_ms();
	if (ctl_register("status", "status",
	    "Daemon version, uptime, configuration files and tunnel counts.",
	    cmd_status, NULL) < 0 ||
	    ctl_register("show running-config", "show running-config",
	    "The configuration in force, in ipsec.conf syntax (keys hidden).",
	    cmd_running_config, NULL) < 0 ||
	    ctl_register("reload", "reload",
	    "Reload the configuration (as SIGHUP); the old one stays on error.",
	    cmd_reload, NULL) < 0)
		return -1;
	/* the views only read the state model: nothing to start or stop */
	show_crypto_register();
	if (show_config_register(daemon_config) < 0)
		return -1;
	return tech_register();
}
