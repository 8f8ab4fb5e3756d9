/* Least privilege: once its sockets are bound, ikeflowd runs as `user`
 * (ikeflowd.conf; "ikeflow" by default) with only the capabilities below,
 * in its effective, permitted and bounding sets:
 *
 *   CAP_NET_ADMIN         XFRM states and policies, routes and the routing
 *                         rule (netlink), per-socket IPsec bypass policies.
 *   CAP_NET_BIND_SERVICE  a reload that moves http_listen to a port below
 *                         1024 binds it again (the IKE ports are bound once).
 *
 * Nothing else: no CAP_DAC_OVERRIDE (configuration files are read as the
 * user, see priv_load_as), no CAP_SETUID (no way back), no CAP_NET_RAW (the
 * updown scripts that need it run from the runner, runner.c, forked before
 * the drop). `user = root` keeps every privilege, for those who ask.
 * Capabilities are per thread: threads started before the drop (DH
 * workers) lose theirs with the change of uid (no keep-caps there). */
#include "config.h"

#include <cap-ng.h>
#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>

#include "common/log.h"
#include "config/config.h"
#include "daemon/daemon_int.h"

static const int keep_caps[] = { CAP_NET_ADMIN, CAP_NET_BIND_SERVICE };
#define NKEEP	(sizeof(keep_caps) / sizeof(keep_caps[0]))

int
priv_resolve(const struct cfg_daemon *d, struct priv_ids *ids)
{
	struct passwd *pw;
	struct group *gr;

	memset(ids, 0, sizeof(*ids));
	snprintf(ids->user, sizeof(ids->user), "%s", d->user);
	errno = 0;
	if ((pw = getpwnam(d->user)) == NULL && errno == 0 &&
	    strcmp(d->user, IKEFLOW_DEFAULT_USER) == 0 && d->group[0] == '\0') {
		/* the default user was never made (a build run from its tree,
		 * a test host): the gateway still keys its tunnels, as root as
		 * before, and says how to get the drop */
		log_warnx("user %s: no such user; running as root. Create it "
		    "(useradd --system --no-create-home --shell /usr/sbin/nologin "
		    "%s) to run with CAP_NET_ADMIN only, or set user = root to "
		    "silence this", d->user, d->user);
		snprintf(ids->user, sizeof(ids->user), "root");
		return 0;
	}
	if (pw == NULL) {
		log_err("user %s: %s; create it (useradd --system --no-create-home "
		    "--shell /usr/sbin/nologin %s) or name another with user = "
		    "in ikeflowd.conf or --user", d->user,
		    errno ? strerror(errno) : "no such user", d->user);
		return -1;
	}
	ids->uid = pw->pw_uid;
	ids->gid = pw->pw_gid;
	if (d->group[0]) {
		errno = 0;
		if ((gr = getgrnam(d->group)) == NULL) {
			log_err("group %s: %s; name another with group = in "
			    "ikeflowd.conf or --group", d->group,
			    errno ? strerror(errno) : "no such group");
			return -1;
		}
		ids->gid = gr->gr_gid;
	}
	ids->drop = ids->uid != 0;
	return 0;
}

/* Switches the effective ids to the user's (back with ids 0). Only for a
 * process that started as root. */
static int
priv_become(uid_t uid, gid_t gid)
{
	if (uid != 0) {
		if (setgroups(1, &gid) < 0 || setresgid(-1, gid, -1) < 0 ||
		    setresuid(-1, uid, -1) < 0)
			return -1;
	} else if (setresuid(-1, 0, -1) < 0 || setresgid(-1, 0, -1) < 0 ||
	    setgroups(0, NULL) < 0)
		return -1;
	return 0;
}

/* The configuration as the dropped daemon will read it on a reload: every
 * file (ikeflowd.conf, ipsec.conf, ipsec.secrets and their includes) must
 * be readable by the user, and ipsec.secrets owned by root or by the user
 * (values.c checks it against the effective uid). Reading it that way at
 * start too means a file only root can read stops the start, not a reload
 * weeks later. */
struct ifl_config *
priv_load_as(const struct daemon_opts *o, const struct priv_ids *ids)
{
	struct ifl_config *cfg;

	if (!ids->drop || geteuid() != 0)
		return reload_load(o);
	if (priv_become(ids->uid, ids->gid) < 0) {
		log_err("user %s: cannot take its ids to read the configuration: %s",
		    ids->user, strerror(errno));
		(void)priv_become(0, 0);
		return NULL;
	}
	cfg = reload_load(o);
	if (priv_become(0, 0) < 0) {
		log_err("cannot return to root after reading the configuration: %s",
		    strerror(errno));
		if (cfg)
			config_free(cfg);
		return NULL;
	}
	if (cfg == NULL)
		log_err("the configuration must be readable by user %s (uid %u): "
		    "ikeflowd reads it as that user, at start and on every reload; "
		    "ipsec.secrets mode 0600 owned by %s", ids->user,
		    (unsigned)ids->uid, ids->user);
	return cfg;
}

struct ifl_config *
priv_load(const struct daemon_opts *o, struct priv_ids *ids)
{
	struct cfg_daemon d;

	if (reload_settings(o, &d) < 0 || priv_resolve(&d, ids) < 0)
		return NULL;
	return priv_load_as(o, ids);
}

static const char *
priv_capname(int cap)
{
	const char *n = capng_capability_to_name(cap);

	return n ? n : "?";
}

int
priv_drop(const struct priv_ids *ids)
{
	size_t i;
	int switch_id = ids->drop && getuid() != ids->uid, setpcap;

	if (!ids->drop) {
		log_info("running as root with every privilege (user = root)");
		return 0;
	}
	errno = 0;
	capng_get_caps_process();
	setpcap = capng_have_capability(CAPNG_EFFECTIVE, CAP_SETPCAP);
	capng_clear(CAPNG_SELECT_BOTH);
	for (i = 0; i < NKEEP; i++)
		if (capng_update(CAPNG_ADD, CAPNG_EFFECTIVE | CAPNG_PERMITTED |
		    CAPNG_BOUNDING_SET, keep_caps[i]) < 0)
			goto fail;
	/* the bounding set first, while CAP_SETPCAP is there to trim it */
	if (setpcap && capng_apply(CAPNG_SELECT_BOUNDS) < 0)
		goto fail;
	if (switch_id) {
		/* keeps the set above across the change of ids, empties the
		 * ambient set; the supplementary groups are the group alone */
		if (setgroups(1, &ids->gid) < 0 ||
		    capng_change_id((int)ids->uid, (int)ids->gid,
		    CAPNG_CLEAR_AMBIENT) < 0)
			goto fail;
	} else {
		/* started as the user already (systemd's User=): what is left
		 * is to shed what the service manager gave beyond the set */
		if (capng_apply(CAPNG_SELECT_CAPS) < 0)
			goto fail;
		(void)prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0);
	}
	for (i = 0; i <= (size_t)CAP_LAST_CAP && switch_id; i++) {
		int want = 0;

		for (size_t k = 0; k < NKEEP; k++)
			want |= keep_caps[k] == (int)i;
		if (!want && prctl(PR_CAPBSET_READ, i, 0, 0, 0) == 1) {
			log_err("%s is still in the bounding set",
			    priv_capname((int)i));
			return -1;
		}
	}
	if (getuid() != ids->uid || geteuid() != ids->uid ||
	    getgid() != ids->gid || getegid() != ids->gid ||
	    (capng_get_caps_process(), capng_have_capability(CAPNG_EFFECTIVE,
	    CAP_SETUID)) || capng_have_capability(CAPNG_PERMITTED, CAP_SYS_ADMIN)) {
		log_err("privileges not dropped as asked (uid %u gid %u)",
		    (unsigned)geteuid(), (unsigned)getegid());
		return -1;
	}
	log_info("running as user %s (uid %u, gid %u) with %s%s", ids->user,
	    (unsigned)ids->uid, (unsigned)ids->gid,
	    capng_have_capability(CAPNG_EFFECTIVE, CAP_NET_ADMIN) ? "CAP_NET_ADMIN" :
	    "no CAP_NET_ADMIN (XFRM and routes will fail)",
	    capng_have_capability(CAPNG_EFFECTIVE, CAP_NET_BIND_SERVICE) ?
	    " and CAP_NET_BIND_SERVICE" : "");
	return 0;
fail:
	log_err("cannot switch to user %s (uid %u, gid %u): %s", ids->user,
	    (unsigned)ids->uid, (unsigned)ids->gid,
	    errno ? strerror(errno) : "capability change refused");
	return -1;
}
