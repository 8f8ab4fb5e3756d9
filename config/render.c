/* The running configuration as text: the resolved conns in ipsec.conf syntax
 * (loadable again), the daemon settings and the secrets as comments, with
 * every key replaced by <hidden>. */
#include <config.h>

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config/internal.h"

static int
out(struct buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static int
out(struct buf *b, const char *fmt, ...)
{
	char small[512], *p = small;
	va_list ap;
	int n, rc;

	va_start(ap, fmt);
	n = vsnprintf(small, sizeof(small), fmt, ap);
	va_end(ap);
	if (n < 0)
		return -1;
	if ((size_t)n >= sizeof(small)) {
		if ((p = malloc((size_t)n + 1)) == NULL)
			return -1;
		va_start(ap, fmt);
		vsnprintf(p, (size_t)n + 1, fmt, ap);
		va_end(ap);
	}
	rc = buf_put(b, p, (size_t)n);
	if (p != small)
		free(p);
	return rc;
}

static const char *
yesno(int v)
{
	return v ? "yes" : "no";
}

static void
id_text(const struct cfg_id *id, char *dst, size_t len)
{
	/* "@" keeps a name an FQDN even if it would read as something else */
	if (id->type == CFG_ID_FQDN)
		snprintf(dst, len, "@%s", id->text);
	else
		snprintf(dst, len, "%s", id->text);
}

static void
render_daemon(const struct cfg_daemon *d, struct buf *b)
{
	static const char *levels[] = { "emerg", "alert", "crit", "error", "warning",
	    "notice", "info", "debug" };
	char net[SUBNET_STRLEN];

	out(b, "# ikeflowd settings\n");
	out(b, "#   ipsec_conf = %s\n", d->ipsec_conf);
	out(b, "#   ipsec_secrets = %s\n", d->ipsec_secrets);
	out(b, "#   control_socket = %s\n", d->control_socket);
	out(b, "#   pid_file = %s\n", d->pid_file);
	out(b, "#   state_dir = %s\n", d->state_dir);
	out(b, "#   log_level = %s\n", levels[d->log_level & 7]);
	out(b, "#   agentx_enable = %s\n", yesno(d->agentx_enable));
	out(b, "#   agentx_socket = %s\n", d->agentx_socket);
	out(b, "#   agentx_ping_interval = %u\n", d->agentx_ping_interval);
	out(b, "#   http_listen = %s\n", d->http_enable ? d->http_listen : "no");
	out(b, "#   http_allow =");
	for (int i = 0; i < d->nhttp_allow; i++)
		out(b, "%s %s", i ? "," : "", subnet_str(&d->http_allow[i], net, sizeof(net)));
	out(b, "\n");
	if (d->http_auth_file[0])
		out(b, "#   http_auth_file = %s\n", d->http_auth_file);
	if (d->http_cert[0])
		out(b, "#   http_cert = %s\n#   http_key = %s\n", d->http_cert, d->http_key);
	out(b, "#   history_size = %u\n", d->history_size);
	out(b, "#   failure_size = %u\n", d->failure_size);
	out(b, "#   refresh_interval = %u\n", d->refresh_interval);
	out(b, "#   ike_port = %u\n", d->ike_port);
	out(b, "#   natt_port = %u\n", d->natt_port);
	out(b, "#   spi_min = 0x%08x\n", d->spi_min);
	out(b, "#   spi_max = 0x%08x\n", d->spi_max);
	out(b, "#   retransmit_timeout = %g\n", d->retransmit_timeout);
	out(b, "#   retransmit_base = %g\n", d->retransmit_base);
	out(b, "#   retransmit_tries = %u\n", d->retransmit_tries);
	out(b, "#   half_open_timeout = %u\n", d->half_open_timeout);
	out(b, "#   cookie_threshold = %u\n", d->cookie_threshold);
	if (d->initiate_max)
		out(b, "#   initiate_max = %u\n", d->initiate_max);
	out(b, "#   fragment_size = %u\n", d->fragment_size);
	if (d->dh_workers == CFG_DH_WORKERS_AUTO)
		out(b, "#   dh_workers = auto\n");
	else
		out(b, "#   dh_workers = %u\n", d->dh_workers);
	out(b, "#   updown_script = %s\n", d->updown_script);
	out(b, "#   updown_timeout = %u\n", d->updown_timeout);
	out(b, "#   install_routes = %s\n", yesno(d->install_routes));
	out(b, "#   routing_table = %u\n", d->routing_table);
	out(b, "#   routing_table_prio = %u\n", d->routing_table_prio);
	out(b, "#   user = %s\n", d->user);
	if (d->group[0])
		out(b, "#   group = %s\n", d->group);
	out(b, "#   seccomp = %s\n", yesno(d->seccomp));
	out(b, "#   mode = %s\n", d->mode == CFG_MODE_MONITOR ? "monitor" : "keying");
	out(b, "#   vici_socket = %s\n", d->vici_socket);
	out(b, "#   isakmp_default_policy = %s\n", yesno(d->isakmp_default_policy));
	out(b, "#   ipsec_default_transform_set = %s\n",
	    yesno(d->ipsec_default_transform_set));
	out(b, "\n");
}

/* ike= / esp=; IOS's defaults stay unwritten (as in the file), said in
 * a comment: written out, they would read back as configured. */
static void
render_props(struct buf *b, const char *key, const struct cfg_proposals *ps,
    enum cfg_proto proto, enum cfg_prop_from from)
{
	char *props = NULL;
	size_t len = 2048;

	if (from == CFG_FROM_NONE) {
		out(b, "\t# %s not set, IOS's defaults switched off: none\n", key);
		return;
	}
	/* 16 proposals of every algorithm name run past any fixed size, and
	 * a list cut short would load again as another configuration */
	for (;;) {
		char *p = realloc(props, len);

		if (p == NULL) {
			out(b, "\t# %s: out of memory\n", key);
			free(props);
			return;
		}
		props = p;
		if (config_proposals_str(ps, proto, props, len) == 0)
			break;
		len *= 2;
	}
	if (from == CFG_FROM_IOS)
		out(b, "\t# %s not set: IOS's defaults, %s\n", key, props);
	else
		out(b, "\t%s=%s\n", key, props);
	free(props);
}

static void
render_end(const struct cfg_end *e, const char *side, struct buf *b)
{
	char tmp[CFG_ID_MAX + 2], net[SUBNET_STRLEN];

	out(b, "\t%s=%s\n", side, e->host);
	if (e->subnets_configured) {
		out(b, "\t%ssubnet=", side);
		for (int i = 0; i < e->nsubnets; i++)
			out(b, "%s%s", i ? "," : "", subnet_str(&e->subnets[i], net, sizeof(net)));
		out(b, "\n");
	}
	if (e->id_configured) {
		id_text(&e->id, tmp, sizeof(tmp));
		out(b, "\t%sid=%s\n", side, tmp);
	}
	out(b, "\t%sauth=psk\n", side);
	out(b, "\t%sfirewall=%s\n", side, yesno(e->firewall));
	if (e->updown[0])
		out(b, "\t%supdown=\"%s\"\n", side, e->updown);
	if (e->proto || e->port)
		out(b, "\t%sprotoport=%u/%u\n", side, e->proto, e->port);
}

static void
render_conn(const struct cfg_conn *c, struct buf *b)
{
	static const char *autos[] = { "ignore", "add", "route", "start" };
	static const char *dpds[] = { "none", "clear", "hold", "restart" };
	static const char *frags[] = { "no", "yes", "accept", "force" };
	static const char *modes[] = { "?", "tunnel", "transport", "passthrough" };

	out(b, "conn %s\n", c->name);
	out(b, "\tkeyexchange=ikev%d\n", c->ike_version);
	out(b, "\tauto=%s\n", autos[c->auto_mode & 3]);
	render_end(&c->left, "left", b);
	render_end(&c->right, "right", b);
	render_props(b, "ike", &c->ike, CFG_PROTO_IKE, c->ike_from);
	render_props(b, "esp", &c->esp, CFG_PROTO_ESP, c->esp_from);
	out(b, "\tikelifetime=%us\n", c->ikelifetime);
	out(b, "\tkeylife=%us\n", c->keylife);
	out(b, "\trekeymargin=%us\n", c->rekeymargin);
	out(b, "\trekeyfuzz=%u%%\n", c->rekeyfuzz);
	if (c->lifebytes)
		out(b, "\tlifebytes=%llu\n", (unsigned long long)c->lifebytes);
	if (c->lifepackets)
		out(b, "\tlifepackets=%llu\n", (unsigned long long)c->lifepackets);
	if (c->marginbytes)
		out(b, "\tmarginbytes=%llu\n", (unsigned long long)c->marginbytes);
	if (c->marginpackets)
		out(b, "\tmarginpackets=%llu\n", (unsigned long long)c->marginpackets);
	if (c->keyingtries)
		out(b, "\tkeyingtries=%u\n", c->keyingtries);
	else
		out(b, "\tkeyingtries=%%forever\n");
	out(b, "\tdpdaction=%s\n", dpds[c->dpdaction & 3]);
	out(b, "\tdpddelay=%us\n", c->dpddelay);
	out(b, "\tdpdtimeout=%us\n", c->dpdtimeout);
	out(b, "\ttype=%s\n", modes[c->mode & 3]);
	out(b, "\tforceencaps=%s\n", yesno(c->forceencaps));
	out(b, "\tmobike=%s\n", yesno(c->mobike));
	out(b, "\treauth=%s\n", yesno(c->reauth));
	out(b, "\trekey=%s\n", yesno(c->rekey));
	out(b, "\tfragmentation=%s\n", frags[c->fragmentation & 3]);
	out(b, "\tcompress=%s\n", yesno(c->compress));
	out(b, "\taggressive=%s\n", yesno(c->aggressive));
	out(b, "\tinstallpolicy=%s\n", yesno(c->installpolicy));
	if (c->reqid)
		out(b, "\treqid=%u\n", c->reqid);
	if (c->mark_mask)
		out(b, "\tmark=0x%08x/0x%08x\n", c->mark, c->mark_mask);
	out(b, "\n");
}

int
config_render(const struct ifl_config *cfg, struct buf *b)
{
	char tmp[CFG_ID_MAX + 2];

	out(b, "# ikeflowd running configuration\n");
	render_daemon(&cfg->daemon, b);
	out(b, "config setup\n");
	for (const struct cfg_setting *st = cfg->setup.settings; st; st = st->next) {
		out(b, "\t%s=\"", st->key);
		for (const char *p = st->value; *p; p++)
			if (*p == '\n')
				out(b, "\\n");
			else
				out(b, "%s%c", *p == '"' || *p == '\\' ? "\\" : "", *p);
		out(b, "\"\n");
	}
	out(b, "\n");
	for (const struct cfg_conn *c = cfg->conns; c; c = c->next)
		render_conn(c, b);
	if (cfg->nignored)
		out(b, "# %d conn(s) with auto=ignore not loaded\n\n", cfg->nignored);
	out(b, "# ipsec.secrets (%d PSK)\n", cfg->nsecrets);
	for (const struct cfg_secret *s = cfg->secrets; s; s = s->next) {
		out(b, "#");
		for (int i = 0; i < s->nsel; i++) {
			id_text(&s->sel[i], tmp, sizeof(tmp));
			out(b, " %s", tmp);
		}
		out(b, " : PSK <hidden>\n");
	}
	return b->failed ? -1 : 0;
}
