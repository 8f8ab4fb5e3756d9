/* ikeflowd.conf: the daemon's own "key = value" settings. */
#include <config.h>

#include <ctype.h>
#include <stddef.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "common/log.h"
#include "config/internal.h"

#ifndef SYSCONFDIR
#define SYSCONFDIR	"/etc"
#endif
#ifndef RUNSTATEDIR
#define RUNSTATEDIR	"/run"
#endif
#ifndef LOCALSTATEDIR
#define LOCALSTATEDIR	"/var"
#endif

void
config_daemon_defaults(struct cfg_daemon *d)
{
	memset(d, 0, sizeof(*d));
	snprintf(d->ipsec_conf, sizeof(d->ipsec_conf), "%s", SYSCONFDIR "/ipsec.conf");
	snprintf(d->ipsec_secrets, sizeof(d->ipsec_secrets), "%s", SYSCONFDIR "/ipsec.secrets");
	snprintf(d->control_socket, sizeof(d->control_socket), "%s", RUNSTATEDIR "/ikeflowd.ctl");
	snprintf(d->pid_file, sizeof(d->pid_file), "%s", RUNSTATEDIR "/ikeflowd.pid");
	snprintf(d->state_dir, sizeof(d->state_dir), "%s", LOCALSTATEDIR "/lib/ikeflow");
	d->log_level = LOG_INFO;
	snprintf(d->agentx_socket, sizeof(d->agentx_socket), "unix:/var/agentx/master");
	d->agentx_enable = 1;
	d->agentx_ping_interval = 2;	/* reconnect well within 5 s of an snmpd restart */
	d->http_enable = 1;
	snprintf(d->http_listen, sizeof(d->http_listen), "127.0.0.1:8080");
	subnet_parse("127.0.0.0/8", &d->http_allow[0]);
	subnet_parse("::1/128", &d->http_allow[1]);
	d->nhttp_allow = 2;
	d->history_size = 200;
	d->failure_size = 200;
	d->refresh_interval = 5000;
	d->ike_port = 500;
	d->natt_port = 4500;
	d->spi_min = 0xc0000000;
	d->spi_max = 0xcfffffff;
	d->retransmit_timeout = 4.0;
	d->retransmit_base = 1.8;
	d->retransmit_tries = 5;
	d->half_open_timeout = 30;
	d->cookie_threshold = 30;
	d->cookie_threshold_ip = 3;
	d->block_threshold = 5;
	d->half_open_max = 10000;
	d->keepalive = 20;
	d->fragment_size = 1280;
	d->dh_workers = CFG_DH_WORKERS_AUTO;
	snprintf(d->updown_script, sizeof(d->updown_script), "%s",
	    PKGLIBEXECDIR "/updown");
	d->updown_timeout = 30;
	d->install_routes = 1;
	d->routing_table = 220;
	d->routing_table_prio = 220;
	snprintf(d->user, sizeof(d->user), "%s", IKEFLOW_DEFAULT_USER);
	d->seccomp = 1;
	snprintf(d->vici_socket, sizeof(d->vici_socket), "/var/run/charon.vici");
	d->isakmp_default_policy = 1;
	d->ipsec_default_transform_set = 1;
}

enum dkind { D_PATH, D_STR, D_BOOL, D_U32, D_TIME, D_PORT, D_DOUBLE, D_LOGLEVEL,
	D_HTTP_LISTEN, D_HTTP_ALLOW, D_WORKERS, D_MODE };

struct dkey {
	const char	*name;
	enum dkind	 kind;
	size_t		 off;
	size_t		 size;		/* D_PATH/D_STR: buffer size */
	double		 min, max;	/* numbers */
};

#define F(m)	offsetof(struct cfg_daemon, m), sizeof(((struct cfg_daemon *)0)->m)

static const struct dkey dkeys[] = {
	{ "ipsec_conf", D_PATH, F(ipsec_conf), 0, 0 },
	{ "ipsec_secrets", D_PATH, F(ipsec_secrets), 0, 0 },
	{ "control_socket", D_PATH, F(control_socket), 0, 0 },
	{ "pid_file", D_PATH, F(pid_file), 0, 0 },
	{ "state_dir", D_PATH, F(state_dir), 0, 0 },
	{ "log_level", D_LOGLEVEL, F(log_level), 0, 0 },
	{ "agentx_socket", D_STR, F(agentx_socket), 0, 0 },
	{ "agentx_enable", D_BOOL, F(agentx_enable), 0, 0 },
	{ "agentx_ping_interval", D_TIME, F(agentx_ping_interval), 0, 86400 },
	{ "http_listen", D_HTTP_LISTEN, F(http_listen), 0, 0 },
	{ "http_allow", D_HTTP_ALLOW, F(http_allow), 0, 0 },
	{ "http_auth_file", D_PATH, F(http_auth_file), 0, 0 },
	{ "http_cert", D_PATH, F(http_cert), 0, 0 },
	{ "http_key", D_PATH, F(http_key), 0, 0 },
	{ "history_size", D_U32, F(history_size), 1, 1000000 },
	{ "failure_size", D_U32, F(failure_size), 1, 1000000 },
	{ "refresh_interval", D_U32, F(refresh_interval), 100, 3600000 },
	{ "ike_port", D_PORT, F(ike_port), 1, 65535 },
	{ "natt_port", D_PORT, F(natt_port), 1, 65535 },
	{ "spi_min", D_U32, F(spi_min), 0x100, 0xffffffff },
	{ "spi_max", D_U32, F(spi_max), 0x100, 0xffffffff },
	{ "retransmit_timeout", D_DOUBLE, F(retransmit_timeout), 0.1, 3600 },
	{ "retransmit_base", D_DOUBLE, F(retransmit_base), 1.0, 10 },
	{ "retransmit_tries", D_U32, F(retransmit_tries), 1, 100 },
	{ "half_open_timeout", D_TIME, F(half_open_timeout), 1, 86400 },
	{ "cookie_threshold", D_U32, F(cookie_threshold), 0, 1000000 },
	{ "cookie_threshold_ip", D_U32, F(cookie_threshold_ip), 0, 1000000 },
	{ "block_threshold", D_U32, F(block_threshold), 0, 1000000 },
	{ "half_open_max", D_U32, F(half_open_max), 0, 10000000 },
	{ "initiate_max", D_U32, F(initiate_max), 0, 10000000 },
	{ "keepalive", D_TIME, F(keepalive), 0, 86400 },
	{ "fragment_size", D_U32, F(fragment_size), 576, 65535 },
	{ "dh_workers", D_WORKERS, F(dh_workers), 0, 64 },
	{ "updown_script", D_PATH, F(updown_script), 0, 0 },
	{ "updown_timeout", D_TIME, F(updown_timeout), 1, 3600 },
	{ "install_routes", D_BOOL, F(install_routes), 0, 0 },
	/* but 253-255, the kernel's default, main and local (config_daemon_set) */
	{ "routing_table", D_U32, F(routing_table), 1, 0xffffffff },
	/* 0 is the local table's rule, 32766 main's */
	{ "routing_table_prio", D_U32, F(routing_table_prio), 1, 32765 },
	/* privileges are dropped at start: changes wait for a restart */
	{ "user", D_STR, F(user), 0, 0 },
	{ "group", D_STR, F(group), 0, 0 },
	{ "seccomp", D_BOOL, F(seccomp), 0, 0 },
	{ "mode", D_MODE, F(mode), 0, 0 },
	{ "vici_socket", D_PATH, F(vici_socket), 0, 0 },
	/* IOS's (no) crypto isakmp default policy / ipsec default transform-set */
	{ "isakmp_default_policy", D_BOOL, F(isakmp_default_policy), 0, 0 },
	{ "ipsec_default_transform_set", D_BOOL, F(ipsec_default_transform_set), 0, 0 },
};
#define NDKEYS	(sizeof(dkeys) / sizeof(dkeys[0]))

static int
parse_listen(const char *v)
{
	const char *colon;
	uint32_t port;
	struct ifl_addr a;
	char host[64];
	size_t n;

	if (v[0] == '[') {
		const char *rb = strchr(v, ']');

		if (rb == NULL || rb[1] != ':')
			return -1;
		n = (size_t)(rb - v - 1);
		colon = rb + 1;
		v++;
	} else {
		if ((colon = strrchr(v, ':')) == NULL)
			return -1;
		n = (size_t)(colon - v);
	}
	if (n == 0 || n >= sizeof(host))
		return -1;
	memcpy(host, v, n);
	host[n] = '\0';
	if (strcmp(host, "*") != 0 && addr_parse(host, &a) < 0)
		return -1;
	if (cfg_parse_u32(colon + 1, &port) < 0 || port == 0 || port > 65535)
		return -1;
	return 0;
}

int
config_daemon_set(struct cfg_daemon *d, const char *key, const char *value,
    const char *where)
{
	const struct dkey *k = NULL;
	char *field;
	uint32_t u;
	int b;

	for (size_t i = 0; i < NDKEYS; i++)
		if (strcmp(dkeys[i].name, key) == 0)
			k = &dkeys[i];
	if (k == NULL) {
		log_err("%s: unknown setting '%s'", where, key);
		return -1;
	}
	field = (char *)d + k->off;
	if (k->kind == D_WORKERS && strcasecmp(value, "auto") == 0) {
		*(uint32_t *)(void *)field = CFG_DH_WORKERS_AUTO;
		return 0;
	}
	switch (k->kind) {
	case D_PATH:
	case D_STR:
		if (value[0] == '\0' || strlen(value) >= k->size) {
			log_err("%s: %s: %s", where, key, value[0] ? "too long" : "empty value");
			return -1;
		}
		strcpy(field, value);
		return 0;
	case D_BOOL:
		if (cfg_parse_bool(value, &b) < 0) {
			log_err("%s: %s = %s: expected yes or no", where, key, value);
			return -1;
		}
		*(int *)(void *)field = b;
		return 0;
	case D_LOGLEVEL:
		if ((b = log_level_parse(value)) < 0) {
			log_err("%s: %s = %s: expected error, warning, notice, info or debug",
			    where, key, value);
			return -1;
		}
		*(int *)(void *)field = b;
		return 0;
	case D_U32:
	case D_WORKERS:
	case D_TIME:
	case D_PORT:
		if ((k->kind == D_TIME ? cfg_parse_time(value, &u) : cfg_parse_u32(value, &u)) < 0 ||
		    u < k->min || u > k->max) {
			log_err("%s: %s = %s: expected %s from %.0f to %.0f", where, key, value,
			    k->kind == D_TIME ? "seconds" : k->kind == D_WORKERS ?
			    "auto or a number" : "a number", k->min, k->max);
			return -1;
		}
		if (field == (char *)&d->routing_table && u >= 253 && u <= 255) {
			log_err("%s: %s = %s: table %u is the kernel's own (%s); "
			    "choose another, e.g. 220", where, key, value, u,
			    u == 253 ? "default" : u == 254 ? "main" : "local");
			return -1;
		}
		if (k->kind == D_PORT)
			*(uint16_t *)(void *)field = (uint16_t)u;
		else
			*(uint32_t *)(void *)field = u;
		return 0;
	case D_DOUBLE: {
		char *end;
		double v;

		errno = 0;
		v = strtod(value, &end);
		if (errno || end == value || *end || !(v >= k->min && v <= k->max)) {
			log_err("%s: %s = %s: expected a number from %g to %g", where, key,
			    value, k->min, k->max);
			return -1;
		}
		*(double *)(void *)field = v;
		return 0;
	}
	case D_MODE:
		if (strcmp(value, "keying") == 0)
			d->mode = CFG_MODE_KEYING;
		else if (strcmp(value, "monitor") == 0)
			d->mode = CFG_MODE_MONITOR;
		else {
			log_err("%s: %s = %s: expected keying or monitor", where, key, value);
			return -1;
		}
		return 0;
	case D_HTTP_LISTEN:
		if (strcmp(value, "no") == 0 || strcmp(value, "off") == 0) {
			d->http_enable = 0;
			return 0;
		}
		if (strlen(value) >= sizeof(d->http_listen) || parse_listen(value) < 0) {
			log_err("%s: %s = %s: expected ADDRESS:PORT, [IPV6]:PORT or no",
			    where, key, value);
			return -1;
		}
		d->http_enable = 1;
		strcpy(d->http_listen, value);
		return 0;
	case D_HTTP_ALLOW: {
		struct ifl_subnet nets[16];
		char *copy = strdup(value), *tok, *save = NULL;
		int n = 0, rc = 0;

		if (copy == NULL)
			return -1;
		for (tok = strtok_r(copy, ", \t", &save); tok && rc == 0;
		    tok = strtok_r(NULL, ", \t", &save)) {
			if (n >= 16) {
				log_err("%s: %s: more than 16 networks", where, key);
				rc = -1;
			} else if (subnet_parse(tok, &nets[n++]) < 0) {
				log_err("%s: %s: invalid network '%s'", where, key, tok);
				rc = -1;
			}
		}
		free(copy);
		if (rc == 0 && n == 0) {
			log_err("%s: %s: empty list", where, key);
			rc = -1;
		}
		if (rc == 0) {
			memcpy(d->http_allow, nets, sizeof(nets[0]) * (size_t)n);
			d->nhttp_allow = n;
		}
		return rc;
	}
	}
	return -1;
}

int
config_daemon_load(const char *path, struct cfg_daemon *d, int missing_ok)
{
	struct cfg_files fs;
	FILE *f;
	char *buf, where[CFG_PATH_MAX + 16];
	const char *why;
	ssize_t n;
	int line = 0, errors = 0;

	/* checked like the other files: a FIFO must not hang the start */
	memset(&fs, 0, sizeof(fs));
	if ((f = cfg_file_open(&fs, path, 0, &why)) == NULL) {
		if (errno == ENOENT && missing_ok) {
			log_debug("%s: not found, using the defaults", path);
			return 0;
		}
		log_err("%s: %s", path, why);
		return -1;
	}
	if ((buf = malloc(CFG_LINE_MAX + 1)) == NULL) {
		log_err("%s: out of memory", path);
		cfg_file_close(&fs, f);
		return -1;
	}
	while ((n = cfg_readline(&fs, f, buf, &why)) != -1) {
		char *key, *val, *eq, *end;

		line++;
		snprintf(where, sizeof(where), "%s:%d", path, line);
		if (n == -2 && why == NULL)
			break;
		if (n <= 0) {
			log_err("%s: %s", where, why);
			errors++;
			if (n == -2)
				break;
			continue;
		}
		cfg_strip_comment(buf);
		key = buf + strspn(buf, " \t\r\n");
		if (*key == '\0')
			continue;
		if ((eq = strchr(key, '=')) == NULL) {
			log_err("%s: expected key = value", where);
			errors++;
			continue;
		}
		end = eq;
		while (end > key && isspace((unsigned char)end[-1]))
			end--;
		*end = '\0';
		val = eq + 1;
		while (isspace((unsigned char)*val))
			val++;
		if (*val == '"') {
			const char *q = val;

			if (cfg_unquote(&q, val, strlen(val) + 1) < 0 ||
			    q[strspn(q, " \t")] != '\0') {
				log_err("%s: %s: bad quoted value", where, key);
				errors++;
				continue;
			}
		}
		if (config_daemon_set(d, key, val, where) < 0)
			errors++;
	}
	free(buf);
	cfg_file_close(&fs, f);
	if (errors == 0 && d->spi_min > d->spi_max) {
		log_err("%s: spi_min 0x%08x is above spi_max 0x%08x", path,
		    d->spi_min, d->spi_max);
		errors++;
	}
	return errors ? -1 : 0;
}

unsigned
config_dh_workers(const struct cfg_daemon *d)
{
	long n;

	if (d->dh_workers != CFG_DH_WORKERS_AUTO)
		return d->dh_workers;
	/* the event loop keeps one CPU; more than 4 workers outrun any
	 * plausible IKE_SA_INIT rate and only cost memory */
	if ((n = sysconf(_SC_NPROCESSORS_ONLN)) < 2)
		return 0;
	return n - 1 > 4 ? 4 : (unsigned)(n - 1);
}
