/* Loading and releasing a whole configuration. */
#include <config.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/log.h"
#include "config/internal.h"

void
config_free(struct ifl_config *cfg)
{
	if (cfg == NULL)
		return;
	ipsec_conf_free(cfg);
	secrets_free(cfg);
	free(cfg);
}

struct ifl_config *
config_load(const struct cfg_daemon *d)
{
	struct ifl_config *cfg;
	int rc = 0;

	if (d->spi_min > d->spi_max) {
		log_err("spi_min 0x%08x is above spi_max 0x%08x", d->spi_min, d->spi_max);
		return NULL;
	}
	if ((cfg = calloc(1, sizeof(*cfg))) == NULL) {
		log_err("%s: out of memory", __func__);
		return NULL;
	}
	cfg->daemon = *d;
	if (d->mode == CFG_MODE_MONITOR) {
		/* ipsec.conf and the PSKs are the keying daemon's business */
		log_info("mode = monitor: %s and %s are not read", d->ipsec_conf,
		    d->ipsec_secrets);
		return cfg;
	}
	if (ipsec_conf_load(d->ipsec_conf, cfg) < 0)
		rc = -1;
	/* no secrets file is fine (no PSK will match); an open one is not */
	if (access(d->ipsec_secrets, F_OK) < 0 && errno == ENOENT)
		log_warnx("%s: not found, no pre-shared keys", d->ipsec_secrets);
	else if (secrets_load(d->ipsec_secrets, cfg) < 0)	/* checks the mode */
		rc = -1;
	if (rc == 0)
		config_ios_defaults_apply(cfg);
	if (rc < 0) {
		log_err("configuration not loaded");
		config_free(cfg);
		return NULL;
	}
	log_info("configuration loaded: %d conn(s), %d ignored, %d secret(s)",
	    cfg->nconns, cfg->nignored, cfg->nsecrets);
	return cfg;
}

const struct cfg_conn *
config_conn_find(const struct ifl_config *cfg, const char *name)
{
	for (const struct cfg_conn *c = cfg->conns; c; c = c->next)
		if (strcmp(c->name, name) == 0)
			return c;
	return NULL;
}

int
config_conn_orient(struct cfg_conn *c,
    int (*is_local)(const struct ifl_addr *a, void *arg), void *arg)
{
	struct cfg_end tmp;

	if (c->right.host_kind != CFG_HOST_ADDR || !is_local(&c->right.addr, arg))
		return 0;
	if (c->left.host_kind == CFG_HOST_DEFAULTROUTE ||
	    (c->left.host_kind == CFG_HOST_ADDR && is_local(&c->left.addr, arg)))
		return 0;
	tmp = c->left;
	c->left = c->right;
	c->right = tmp;
	return 1;
}
