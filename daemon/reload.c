#include "config.h"

#include <stdio.h>
#include <string.h>
#include <syslog.h>

#include "common/log.h"
#include "config/config.h"
#include "ctl/ctl.h"
#include "daemon/daemon.h"
#include "daemon/daemon_int.h"
#include "state/state.h"

static struct ifl_config *running;
static const struct daemon_opts *opts;
static int nreloads, last_ok = -1;
/* Paths fixed at start: moving the socket or state under a running daemon
 * would strand clients and history, so changes to them wait for a restart. */
static char control_path[CFG_PATH_MAX], pid_path[CFG_PATH_MAX], state_dir[CFG_PATH_MAX];

const struct ifl_config *
daemon_config(void)
{
	return running;
}

const char *
daemon_state_dir(void)
{
	return state_dir;
}

const char *
daemon_settings_path(void)
{
	return opts ? opts->config_file : "";
}

const char *
daemon_control_path(void)
{
	return control_path;
}

int
reload_count(void)
{
	return nreloads;
}

int
reload_last_ok(void)
{
	return last_ok;
}

static int
reload_set(struct cfg_daemon *d, const char *key, const char *value,
    const char *option)
{
	char where[64];

	if (value == NULL)
		return 0;
	snprintf(where, sizeof(where), "command line (%s)", option);
	return config_daemon_set(d, key, value, where);
}

int
reload_settings(const struct daemon_opts *o, struct cfg_daemon *d)
{
	config_daemon_defaults(d);
	if (config_daemon_load(o->config_file, d, !o->config_explicit) < 0)
		return -1;
	/* the command line wins over ikeflowd.conf */
	if (reload_set(d, "ipsec_conf", o->ipsec_conf, "--ipsec-conf") < 0 ||
	    reload_set(d, "ipsec_secrets", o->ipsec_secrets, "--ipsec-secrets") < 0 ||
	    reload_set(d, "control_socket", o->control, "--control") < 0 ||
	    reload_set(d, "state_dir", o->state_dir, "--state-dir") < 0 ||
	    reload_set(d, "pid_file", o->pid_file, "--pid-file") < 0 ||
	    reload_set(d, "updown_script", o->updown_script, "--updown-script") < 0 ||
	    reload_set(d, "user", o->user, "--user") < 0 ||
	    reload_set(d, "group", o->group, "--group") < 0)
		return -1;
	if (o->log_level >= 0)
		d->log_level = o->log_level;
	return 0;
}

struct ifl_config *
reload_load(const struct daemon_opts *o)
{
	struct cfg_daemon d;

	if (reload_settings(o, &d) < 0)
		return NULL;
	return config_load(&d);
}

static const char *
reload_auto_name(int a)
{
	switch (a) {
	case CFG_AUTO_ADD:	return "add";
	case CFG_AUTO_ROUTE:	return "route";
	case CFG_AUTO_START:	return "start";
	default:		return "ignore";
	}
}

/* The state model lists every configured connection, up or not. */
static void
reload_apply_state(const struct ifl_config *cfg, int verbose)
{
	const struct cfg_conn *c;
	uint64_t gen = st_conn_generation_next();

	st_set_hist_size(cfg->daemon.history_size);
	st_set_fail_size(cfg->daemon.failure_size);
	for (c = cfg->conns; c; c = c->next) {
		struct st_conn *sc = st_conn_set(c->name);

		if (sc == NULL) {
			log_err("connection %s: cannot add it to the state model",
			    c->name);
			continue;
		}
		sc->ike_version = c->ike_version;
		sc->auto_mode = (int)c->auto_mode;
		sc->local = c->left.addr;
		sc->remote = c->right.addr;
		if (verbose)
			log_info("connection %s loaded: IKEv%d %s <-> %s, auto=%s",
			    c->name, c->ike_version, c->left.host, c->right.host,
			    reload_auto_name(c->auto_mode));
	}
	st_conn_prune(gen);
	log_setlevel(cfg->daemon.log_level);
}

void
reload_start(const struct daemon_opts *o, struct ifl_config *cfg)
{
	opts = o;
	running = cfg;
	snprintf(control_path, sizeof(control_path), "%s", cfg->daemon.control_socket);
	snprintf(pid_path, sizeof(pid_path), "%s", cfg->daemon.pid_file);
	snprintf(state_dir, sizeof(state_dir), "%s", cfg->daemon.state_dir);
	reload_apply_state(cfg, 1);
}

void
reload_stop(void)
{
	if (running)
		config_free(running);
	running = NULL;
}

static void
reload_sink(int prio, const char *line, void *arg)
{
	if (prio <= LOG_WARNING)
		buf_printf(arg, "%s\n", line);
}

static void
reload_warn_restart(const struct cfg_daemon *o, const struct cfg_daemon *n)
{
	if (strcmp(o->control_socket, n->control_socket) ||
	    strcmp(o->pid_file, n->pid_file) || strcmp(o->state_dir, n->state_dir))
		log_warnx("control_socket, pid_file and state_dir changes take "
		    "effect at the next restart");
	if (strcmp(o->user, n->user) || strcmp(o->group, n->group) ||
	    o->seccomp != n->seccomp)
		log_warnx("user, group and seccomp changes take effect at the "
		    "next restart");
}

int
daemon_reload(struct buf *msg)
{
	struct ifl_config *cfg, *old = running;
	int i, n, rc = -1;

	if (opts == NULL || old == NULL)
		return -1;
	nreloads++;
	log_notice("reloading the configuration");
	if (msg)
		log_set_sink(reload_sink, msg);
	if ((cfg = reload_load(opts)) == NULL) {
		log_err("reload failed: the running configuration stays in force");
		goto out;
	}
	reload_warn_restart(&old->daemon, &cfg->daemon);
	for (n = 0; daemon_modules[n]; n++) {
		const struct daemon_module *m = daemon_modules[n];

		if (m->reload && m->reload(old, cfg) < 0) {
			log_err("reload failed in %s: the running configuration "
			    "stays in force", m->name);
			for (i = n - 1; i >= 0; i--)
				if (daemon_modules[i]->reload &&
				    daemon_modules[i]->reload(cfg, old) < 0)
					log_err("%s: cannot return to the running "
					    "configuration", daemon_modules[i]->name);
			config_free(cfg);
			goto out;
		}
	}
	running = cfg;
	reload_apply_state(cfg, 1);
	config_free(old);
	log_notice("configuration reloaded: %d connection%s, %d secret%s",
	    cfg->nconns, cfg->nconns == 1 ? "" : "s",
	    cfg->nsecrets, cfg->nsecrets == 1 ? "" : "s");
	if (msg)
		buf_printf(msg, "Configuration reloaded: %d connection%s, %d secret%s\n",
		    cfg->nconns, cfg->nconns == 1 ? "" : "s",
		    cfg->nsecrets, cfg->nsecrets == 1 ? "" : "s");
	rc = 0;
out:
	if (msg)
		log_set_sink(NULL, NULL);
	last_ok = rc == 0;
	return rc;
}
