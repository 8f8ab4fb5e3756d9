/* strongSwan's legacy ipsec.conf: sections are read as written (config setup,
 * conn, ca; include), then every conn is resolved against its also= chain and
 * %default into a struct cfg_conn with strongSwan 5.9's defaults. */
#include <config.h>

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "common/log.h"
#include "config/internal.h"

enum kind {
	K_HOST, K_SUBNET, K_ID, K_FIREWALL, K_AUTH, K_PROTOPORT, K_AUTHBY, K_AUTO,
	K_KEYEXCHANGE, K_IKE, K_ESP, K_IKELIFETIME, K_KEYLIFE, K_REKEYMARGIN,
	K_REKEYFUZZ, K_LIFEBYTES, K_LIFEPACKETS, K_MARGINBYTES, K_MARGINPACKETS,
	K_KEYINGTRIES, K_DPDACTION, K_DPDDELAY, K_DPDTIMEOUT, K_FORCEENCAPS,
	K_MOBIKE, K_REAUTH, K_REKEY, K_TYPE, K_COMPRESS, K_FRAGMENTATION, K_REQID,
	K_MARK, K_AGGRESSIVE, K_INSTALLPOLICY, K_UPDOWN, K_IGNORED,
};

struct conn_key {
	const char	*name;
	enum kind	 kind;
	int		 side;		/* 1 left, 2 right */
	const char	*alias_of;
};

static const struct conn_key conn_keys[] = {
	{ "left", K_HOST, 1, NULL }, { "right", K_HOST, 2, NULL },
	{ "leftsubnet", K_SUBNET, 1, NULL }, { "rightsubnet", K_SUBNET, 2, NULL },
	{ "leftid", K_ID, 1, NULL }, { "rightid", K_ID, 2, NULL },
	{ "leftfirewall", K_FIREWALL, 1, NULL }, { "rightfirewall", K_FIREWALL, 2, NULL },
	{ "leftauth", K_AUTH, 1, NULL }, { "rightauth", K_AUTH, 2, NULL },
	{ "leftprotoport", K_PROTOPORT, 1, NULL }, { "rightprotoport", K_PROTOPORT, 2, NULL },
	{ "authby", K_AUTHBY, 0, NULL }, { "auto", K_AUTO, 0, NULL },
	{ "keyexchange", K_KEYEXCHANGE, 0, NULL },
	{ "ike", K_IKE, 0, NULL }, { "esp", K_ESP, 0, NULL },
	{ "ikelifetime", K_IKELIFETIME, 0, NULL },
	{ "keylife", K_KEYLIFE, 0, NULL }, { "lifetime", K_KEYLIFE, 0, "keylife" },
	{ "rekeymargin", K_REKEYMARGIN, 0, NULL },
	{ "margintime", K_REKEYMARGIN, 0, "rekeymargin" },
	{ "rekeyfuzz", K_REKEYFUZZ, 0, NULL },
	{ "lifebytes", K_LIFEBYTES, 0, NULL }, { "lifepackets", K_LIFEPACKETS, 0, NULL },
	{ "marginbytes", K_MARGINBYTES, 0, NULL },
	{ "marginpackets", K_MARGINPACKETS, 0, NULL },
	{ "keyingtries", K_KEYINGTRIES, 0, NULL },
	{ "dpdaction", K_DPDACTION, 0, NULL }, { "dpddelay", K_DPDDELAY, 0, NULL },
	{ "dpdtimeout", K_DPDTIMEOUT, 0, NULL },
	{ "forceencaps", K_FORCEENCAPS, 0, NULL }, { "mobike", K_MOBIKE, 0, NULL },
	{ "reauth", K_REAUTH, 0, NULL }, { "rekey", K_REKEY, 0, NULL },
	{ "type", K_TYPE, 0, NULL }, { "compress", K_COMPRESS, 0, NULL },
	{ "fragmentation", K_FRAGMENTATION, 0, NULL }, { "reqid", K_REQID, 0, NULL },
	{ "mark", K_MARK, 0, NULL }, { "aggressive", K_AGGRESSIVE, 0, NULL },
	{ "installpolicy", K_INSTALLPOLICY, 0, NULL },
	{ "leftupdown", K_UPDOWN, 1, NULL }, { "rightupdown", K_UPDOWN, 2, NULL },
	/* accepted so that common configs load; they change nothing here */
	{ "closeaction", K_IGNORED, 0, NULL },
	{ "lefthostaccess", K_IGNORED, 1, NULL }, { "righthostaccess", K_IGNORED, 2, NULL },
	{ "leftallowany", K_IGNORED, 1, NULL }, { "rightallowany", K_IGNORED, 2, NULL },
};
#define NCONNKEYS	(int)(sizeof(conn_keys) / sizeof(conn_keys[0]))

static const char *setup_keys[] = {
	"charondebug", "uniqueids", "strictcrlpolicy", "cachecrls", "charonstart",
	"plutostart", "plutodebug", "nat_traversal", "keep_alive",
	"crlcheckinterval", "nocrsend",
};

struct kv {
	char		*key;
	char		*value;		/* NULL for "key=": back to the default */
	const char	*file;
	int		 line;
	struct kv	*next;
};

struct section;

struct also_ref {
	char		*name;
	const char	*file;
	int		 line;
	struct section	*target;
	struct also_ref	*next;
};

enum sec_kind { SEC_SETUP = 1, SEC_CONN, SEC_CA };

struct section {
	enum sec_kind	 kind;
	char		*name;
	const char	*file;
	int		 line;
	struct kv	*kvs;
	struct also_ref	*alsos;
	int		 mark;		/* cycle search: 0 new, 1 on the path, 2 done */
	struct section	*next;
	struct section	*hnext;		/* chain of its bucket in pctx.htab */
};

struct fname {
	struct fname	*next;
	char		 name[];
};

struct pctx {
	struct section	*head, **tail;
	struct section	*cur;
	struct fname	*files;
	struct cfg_files opened;
	int		 errors;
	int		 depth;
	int		 bad_header;	/* keys under a rejected header are skipped */
	/* sections by kind and name: a file of thousands of conns must not
	 * compare each new name with every earlier one */
	struct section	**htab;
	size_t		 hsize, hcount;
};

static int	parse_file(struct pctx *x, const char *path, const char *from,
		    int fromline);

static int
conn_key_index(const char *name)
{
	for (int i = 0; i < NCONNKEYS; i++)
		if (strcmp(conn_keys[i].name, name) == 0) {
			if (conn_keys[i].alias_of)
				return conn_key_index(conn_keys[i].alias_of);
			return i;
		}
	return -1;
}

static const char *
intern_file(struct pctx *x, const char *path)
{
	struct fname *f;

	for (f = x->files; f; f = f->next)
		if (strcmp(f->name, path) == 0)
			return f->name;
	f = malloc(sizeof(*f) + strlen(path) + 1);
	if (f == NULL)
		return NULL;
	strcpy(f->name, path);
	f->next = x->files;
	x->files = f;
	return f->name;
}

static void
perr(struct pctx *x, const char *file, int line, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static void
perr(struct pctx *x, const char *file, int line, const char *fmt, ...)
{
	char msg[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	log_err("%s:%d: %s", file, line, msg);
	x->errors++;
}

static size_t
sec_hash(enum sec_kind kind, const char *name)
{
	size_t h = 2166136261u ^ (size_t)kind;

	while (*name)
		h = (h ^ (unsigned char)*name++) * 16777619u;
	return h;
}

static struct section *
find_section(struct pctx *x, enum sec_kind kind, const char *name)
{
	if (x->hsize == 0)
		return NULL;
	for (struct section *s = x->htab[sec_hash(kind, name) & (x->hsize - 1)]; s;
	    s = s->hnext)
		if (s->kind == kind && strcmp(s->name, name) == 0)
			return s;
	return NULL;
}

/* Indexes s (already on the list); the table doubles at half full. */
static int
sec_index(struct pctx *x, struct section *s)
{
	struct section **t, **b;
	size_t n;

	if (x->hcount + 1 > x->hsize / 2) {
		n = x->hsize ? x->hsize * 2 : 64;
		if ((t = calloc(n, sizeof(*t))) == NULL)
			return -1;
		free(x->htab);
		x->htab = t;
		x->hsize = n;
		x->hcount = 0;
		for (struct section *o = x->head; o; o = o->next) {
			b = &t[sec_hash(o->kind, o->name) & (n - 1)];
			o->hnext = *b;
			*b = o;
			x->hcount++;
		}
		return 0;
	}
	b = &x->htab[sec_hash(s->kind, s->name) & (x->hsize - 1)];
	s->hnext = *b;
	*b = s;
	x->hcount++;
	return 0;
}

static int
valid_name(const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n >= CFG_NAME_MAX)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (!isalnum((unsigned char)s[i]) && strchr("_-.%+", s[i]) == NULL)
			return 0;
	return 1;
}

static void
section_start(struct pctx *x, enum sec_kind kind, const char *name,
    const char *file, int line)
{
	struct section *s;

	x->cur = NULL;
	x->bad_header = 1;
	if (kind == SEC_CONN && !valid_name(name)) {
		perr(x, file, line, "invalid conn name '%s'", name);
		return;
	}
	if ((s = find_section(x, kind, name)) != NULL) {
		if (kind == SEC_SETUP) {	/* a second "config setup" continues the first */
			x->cur = s;
			x->bad_header = 0;
			return;
		}
		perr(x, file, line, "duplicate %s '%s' (first at %s:%d)",
		    kind == SEC_CONN ? "conn" : "ca", name, s->file, s->line);
		return;
	}
	if ((s = calloc(1, sizeof(*s))) == NULL || (s->name = strdup(name)) == NULL) {
		free(s);
		perr(x, file, line, "out of memory");
		return;
	}
	s->kind = kind;
	s->file = file;
	s->line = line;
	x->bad_header = 0;
	*x->tail = s;
	x->tail = &s->next;
	x->cur = s;
	if (sec_index(x, s) < 0)
		perr(x, file, line, "out of memory");
}

static void
section_set(struct pctx *x, struct section *s, const char *key, const char *value,
    const char *file, int line)
{
	struct kv *kv, **pp;
	int idx = s->kind == SEC_CONN ? conn_key_index(key) : -1;

	for (pp = &s->kvs; (kv = *pp) != NULL; pp = &kv->next) {
		int same = strcmp(kv->key, key) == 0 ||
		    (idx >= 0 && conn_key_index(kv->key) == idx);

		if (!same)
			continue;
		log_warnx("%s:%d: %s= set again (was set at line %d); the last value counts",
		    file, line, key, kv->line);
		*pp = kv->next;
		free(kv->key);
		free(kv->value);
		free(kv);
		break;
	}
	if ((kv = calloc(1, sizeof(*kv))) == NULL ||
	    (kv->key = strdup(key)) == NULL ||
	    (value && (kv->value = strdup(value)) == NULL)) {
		if (kv)
			free(kv->key);
		free(kv);
		perr(x, file, line, "out of memory");
		return;
	}
	kv->file = file;
	kv->line = line;
	for (pp = &s->kvs; *pp; pp = &(*pp)->next)
		;
	*pp = kv;
}

static void
section_also(struct pctx *x, struct section *s, const char *value,
    const char *file, int line)
{
	char *copy, *tok, *save = NULL;

	if (value == NULL)
		return;
	if ((copy = strdup(value)) == NULL) {
		perr(x, file, line, "out of memory");
		return;
	}
	for (tok = strtok_r(copy, " \t", &save); tok; tok = strtok_r(NULL, " \t", &save)) {
		struct also_ref *a, **pp;

		if ((a = calloc(1, sizeof(*a))) == NULL || (a->name = strdup(tok)) == NULL) {
			free(a);
			perr(x, file, line, "out of memory");
			break;
		}
		a->file = file;
		a->line = line;
		for (pp = &s->alsos; *pp; pp = &(*pp)->next)
			;
		*pp = a;
	}
	free(copy);
}

static void
do_include(struct pctx *x, const char *file, int line, const char *pattern)
{
	char **paths;
	const char *why;
	int n;

	x->cur = NULL;
	if (x->depth >= CFG_INCLUDE_DEPTH) {
		perr(x, file, line, "include %s: nested too deeply", pattern);
		return;
	}
	n = cfg_include_glob(file, pattern, &paths, &why);
	if (n < 0) {
		perr(x, file, line, "include %s: %s", pattern, why);
		return;
	}
	x->depth++;
	for (int i = 0; i < n; i++)
		parse_file(x, paths[i], file, line);
	x->depth--;
	x->cur = NULL;
	cfg_globfree(paths, n);
}

/* A line that is not indented: a section header or an include. */
static void
parse_toplevel(struct pctx *x, const char *file, int line, char *s)
{
	char *w1, *w2, *w3, *save = NULL;

	w1 = strtok_r(s, " \t", &save);
	w2 = strtok_r(NULL, " \t", &save);
	w3 = strtok_r(NULL, " \t", &save);
	x->cur = NULL;
	x->bad_header = 0;
	if (strcmp(w1, "include") == 0 && w2 && !w3) {
		do_include(x, file, line, w2);
	} else if (strcmp(w1, "config") == 0 && w2 && strcmp(w2, "setup") == 0 && !w3) {
		section_start(x, SEC_SETUP, "setup", file, line);
	} else if (strcmp(w1, "conn") == 0 && w2 && !w3) {
		section_start(x, SEC_CONN, w2, file, line);
	} else if (strcmp(w1, "ca") == 0 && w2 && !w3) {
		log_warnx("%s:%d: ca sections are not supported, ignored", file, line);
		section_start(x, SEC_CA, w2, file, line);
	} else if (strcmp(w1, "version") == 0 && w2 && !w3) {
		/* "version 2": a leftover of old FreeS/WAN files, meaningless now */
	} else if (strchr(w1, '=') != NULL) {
		perr(x, file, line, "'%s' is outside a section (keys must be indented)", w1);
	} else
		perr(x, file, line, "unexpected '%s' (expected config setup, conn NAME, "
		    "ca NAME or include FILE)", w1);
}

static int
valid_key(const char *k)
{
	if (*k == '\0')
		return 0;
	for (; *k; k++)
		if (!islower((unsigned char)*k) && !isdigit((unsigned char)*k) && *k != '_')
			return 0;
	return 1;
}

/* An indented line: key=value inside the current section. */
static void
parse_keyline(struct pctx *x, const char *file, int line, char *s, char *vbuf, size_t vlen)
{
	struct section *sec = x->cur;
	char *p = s, *key;
	const char *value, *q;

	while (isspace((unsigned char)*p))
		p++;
	key = p;
	while (*p && *p != '=' && !isspace((unsigned char)*p))
		p++;
	q = p;
	while (isspace((unsigned char)*q))
		q++;
	if (*q != '=') {
		perr(x, file, line, "expected key=value, got '%s'", key);
		return;
	}
	*p = '\0';
	q++;
	while (isspace((unsigned char)*q))
		q++;
	if (!valid_key(key)) {
		perr(x, file, line, "invalid key '%s'", key);
		return;
	}
	if (*q == '"') {
		if (cfg_unquote(&q, vbuf, vlen) < 0) {
			perr(x, file, line, "%s: unterminated quoted value", key);
			return;
		}
		while (isspace((unsigned char)*q))
			q++;
		if (*q) {
			perr(x, file, line, "%s: unexpected text after quoted value: '%s'",
			    key, q);
			return;
		}
		value = vbuf;
	} else
		value = *q ? q : NULL;

	if (sec == NULL) {
		if (!x->bad_header)
			perr(x, file, line, "'%s=' is not inside a section", key);
		return;
	}
	switch (sec->kind) {
	case SEC_CA:
		return;
	case SEC_SETUP:
		for (size_t i = 0; i < sizeof(setup_keys) / sizeof(setup_keys[0]); i++)
			if (strcmp(setup_keys[i], key) == 0) {
				section_set(x, sec, key, value, file, line);
				return;
			}
		log_warnx("%s:%d: unknown key '%s' in config setup, ignored", file, line, key);
		return;
	case SEC_CONN:
		if (strcmp(key, "also") == 0) {
			section_also(x, sec, value, file, line);
			return;
		}
		if (conn_key_index(key) < 0) {
			perr(x, file, line, "unknown key '%s' in conn %s", key, sec->name);
			return;
		}
		section_set(x, sec, key, value, file, line);
		return;
	}
}

/* path, included from from:fromline (NULL for the top file). */
static int
parse_file(struct pctx *x, const char *path, const char *from, int fromline)
{
	FILE *f;
	char *buf, *vbuf;
	ssize_t n;
	int line = 0;
	const char *file, *why;

	if ((file = intern_file(x, path)) == NULL) {
		x->errors++;
		log_err("%s: out of memory", path);
		return -1;
	}
	if ((f = cfg_file_open(&x->opened, path, 0, &why)) == NULL) {
		if (why && from)
			log_err("%s:%d: include: %s: %s", from, fromline, path, why);
		else if (why)
			log_err("%s: %s", path, why);
		x->errors++;
		return -1;
	}
	buf = malloc(CFG_LINE_MAX + 1);
	vbuf = malloc(CFG_LINE_MAX + 1);
	if (buf == NULL || vbuf == NULL) {
		log_err("%s: out of memory", path);
		x->errors++;
		goto out;
	}
	x->cur = NULL;
	while ((n = cfg_readline(&x->opened, f, buf, &why)) != -1) {
		line++;
		if (n == -2 && why == NULL)
			break;
		if (n <= 0) {
			perr(x, file, line, "%s", why);
			if (n == -2)
				break;
			continue;
		}
		cfg_strip_comment(buf);
		if (buf[0] == '\0')
			continue;
		if (!isspace((unsigned char)buf[0])) {
			parse_toplevel(x, file, line, buf);
			continue;
		}
		if (buf[strspn(buf, " \t\r\n")] == '\0')
			continue;
		parse_keyline(x, file, line, buf, vbuf, (size_t)n + 1);
	}
out:
	if (ferror(f)) {
		log_err("%s: read error", path);
		x->errors++;
	}
	free(vbuf);
	free(buf);
	cfg_file_close(&x->opened, f);
	x->cur = NULL;
	return 0;
}

/* ---- resolution ---- */

/* Depth-first over also=: a reference back onto the current path is a cycle. */
static void
check_also(struct pctx *x, struct section *s)
{
	if (s->mark == 2)
		return;
	s->mark = 1;
	for (struct also_ref *a = s->alsos; a; a = a->next) {
		if (a->target == NULL)
			continue;
		if (a->target->mark == 1) {
			perr(x, a->file, a->line, "also=%s: circular reference (conn %s)",
			    a->name, s->name);
			a->target = NULL;
			continue;
		}
		check_also(x, a->target);
	}
	s->mark = 2;
}

static int
link_alsos(struct pctx *x)
{
	int before = x->errors;

	for (struct section *s = x->head; s; s = s->next)
		for (struct also_ref *a = s->alsos; a; a = a->next) {
			a->target = find_section(x, SEC_CONN, a->name);
			if (a->target == NULL)
				perr(x, a->file, a->line, "also=%s: no conn section named '%s'",
				    a->name, a->name);
			else if (strcmp(a->name, "%default") == 0) {
				perr(x, a->file, a->line, "also=%%default: %%default applies "
				    "to every conn already");
				a->target = NULL;
			}
		}
	for (struct section *s = x->head; s; s = s->next)
		check_also(x, s);
	return x->errors == before ? 0 : -1;
}

/* The conn's own keys win over its also= sections (earlier ones first, depth
 * first), which win over %default. */
static void
collect(const struct section *s, const struct kv **vals)
{
	for (const struct kv *kv = s->kvs; kv; kv = kv->next) {
		int i = conn_key_index(kv->key);

		if (i >= 0 && vals[i] == NULL)
			vals[i] = kv;
	}
	for (const struct also_ref *a = s->alsos; a; a = a->next)
		if (a->target)
			collect(a->target, vals);
}

static void
kverr(struct pctx *x, const struct kv *kv, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void
kverr(struct pctx *x, const struct kv *kv, const char *fmt, ...)
{
	char msg[768];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	perr(x, kv->file, kv->line, "%s=%s: %s", kv->key, kv->value, msg);
}

static int
parse_word(const char *s, const char *const *words, int nwords)
{
	for (int i = 0; i < nwords; i++)
		if (words[i] && strcmp(s, words[i]) == 0)
			return i;
	return -1;
}

static int
parse_host(struct cfg_end *e, int side, const char *v, char *why, size_t wl)
{
	size_t n = strlen(v);

	memset(&e->addr, 0, sizeof(e->addr));
	if (n >= sizeof(e->host)) {
		snprintf(why, wl, "too long");
		return -1;
	}
	if (strcmp(v, "%any") == 0 || strcmp(v, "%any4") == 0 || strcmp(v, "%any6") == 0)
		e->host_kind = CFG_HOST_ANY;
	else if (strcmp(v, "%defaultroute") == 0) {
		if (side != 1) {
			snprintf(why, wl, "%%defaultroute is only valid for left");
			return -1;
		}
		e->host_kind = CFG_HOST_DEFAULTROUTE;
	} else if (addr_parse(v, &e->addr) == 0)
		e->host_kind = CFG_HOST_ADDR;
	else {
		/* a host name: kept as text; resolving it is not the parser's job */
		for (size_t i = 0; i < n; i++)
			if (!isalnum((unsigned char)v[i]) && v[i] != '-' && v[i] != '.') {
				snprintf(why, wl, "not an address, %%any, %%defaultroute "
				    "or host name");
				return -1;
			}
		e->host_kind = CFG_HOST_NAME;
	}
	strcpy(e->host, v);
	return 0;
}

static int
parse_subnets(struct cfg_end *e, const char *v, char *why, size_t wl)
{
	char *copy = strdup(v), *tok, *save = NULL;
	int rc = -1;

	e->nsubnets = 0;
	if (copy == NULL) {
		snprintf(why, wl, "out of memory");
		return -1;
	}
	for (tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		char *end;

		while (isspace((unsigned char)*tok))
			tok++;
		end = tok + strlen(tok);
		while (end > tok && isspace((unsigned char)end[-1]))
			*--end = '\0';
		if (e->nsubnets >= CFG_MAX_TS) {
			snprintf(why, wl, "more than %d subnets", CFG_MAX_TS);
			goto out;
		}
		if (subnet_parse(tok, &e->subnets[e->nsubnets]) < 0) {
			snprintf(why, wl, "invalid subnet '%s'", tok);
			goto out;
		}
		e->nsubnets++;
	}
	if (e->nsubnets == 0) {
		snprintf(why, wl, "no subnet");
		goto out;
	}
	e->subnets_configured = 1;
	rc = 0;
out:
	free(copy);
	return rc;
}

static int
parse_protoport(struct cfg_end *e, const char *v, char *why, size_t wl)
{
	static const struct { const char *n; uint8_t p; } protos[] = {
		{ "icmp", 1 }, { "tcp", 6 }, { "udp", 17 }, { "gre", 47 },
		{ "icmpv6", 58 }, { "ipv6-icmp", 58 }, { "sctp", 132 },
	};
	char proto[32];
	const char *slash = strchr(v, '/');
	size_t n = slash ? (size_t)(slash - v) : strlen(v);
	uint32_t x;

	e->proto = 0;
	e->port = 0;
	if (n >= sizeof(proto))
		goto bad;
	memcpy(proto, v, n);
	proto[n] = '\0';
	if (strcmp(proto, "%any") != 0) {
		size_t i;

		for (i = 0; i < sizeof(protos) / sizeof(protos[0]); i++)
			if (strcasecmp(protos[i].n, proto) == 0)
				break;
		if (i < sizeof(protos) / sizeof(protos[0]))
			e->proto = protos[i].p;
		else if (cfg_parse_u32(proto, &x) == 0 && x <= 255)
			e->proto = (uint8_t)x;
		else
			goto bad;
	}
	if (slash && strcmp(slash + 1, "%any") != 0) {
		if (cfg_parse_u32(slash + 1, &x) < 0 || x > 65535)
			goto bad;
		e->port = (uint16_t)x;
	}
	return 0;
bad:
	snprintf(why, wl, "expected PROTOCOL[/PORT]");
	return -1;
}

/* Applies one resolved key; kv->value is not NULL. */
static int
conn_apply(struct pctx *x, struct cfg_conn *c, const struct conn_key *k,
    const struct kv *kv, int *authby)
{
	static const char *const autos[] = { "ignore", "add", "route", "start" };
	static const char *const dpds[] = { "none", "clear", "hold", "restart" };
	static const char *const frags[] = { "no", "yes", "accept", "force" };
	static const char *const psk_words[] = { "secret", "psk" };
	static const char *const other_auth[] = { "pubkey", "rsasig", "ecdsasig",
	    "rsa", "ecdsa", "xauthpsk", "xauthrsasig", "never", "eap", "xauth",
	    "null" };
	struct cfg_end *e = k->side == 2 ? &c->right : &c->left;
	const char *v = kv->value;
	char why[256] = "";
	uint32_t u;
	int b, i;

	switch (k->kind) {
	case K_HOST:
		if (parse_host(e, k->side, v, why, sizeof(why)) < 0)
			goto bad;
		return 0;
	case K_SUBNET:
		if (parse_subnets(e, v, why, sizeof(why)) < 0)
			goto bad;
		return 0;
	case K_ID:
		if (config_id_parse(v, &e->id) < 0) {
			snprintf(why, sizeof(why), "invalid identity%s", strchr(v, '=') ?
			    " (distinguished names need certificates, not supported)" : "");
			goto bad;
		}
		e->id_configured = 1;
		return 0;
	case K_FIREWALL:
		if (cfg_parse_bool(v, &e->firewall) < 0)
			goto notbool;
		return 0;
	case K_UPDOWN:
		/* a command line for /bin/sh, as strongSwan runs it */
		if (strlen(v) >= sizeof(e->updown)) {
			snprintf(why, sizeof(why), "longer than %zu characters",
			    sizeof(e->updown) - 1);
			goto bad;
		}
		snprintf(e->updown, sizeof(e->updown), "%s", v);
		return 0;
	case K_AUTH:
		if (strcmp(v, "psk") != 0 && strcmp(v, "secret") != 0) {
			snprintf(why, sizeof(why), "only psk authentication is supported");
			goto bad;
		}
		e->auth = CFG_AUTH_PSK;
		return 0;
	case K_PROTOPORT:
		if (parse_protoport(e, v, why, sizeof(why)) < 0)
			goto bad;
		return 0;
	case K_AUTHBY:
		if (parse_word(v, psk_words, 2) >= 0) {
			*authby = CFG_AUTH_PSK;
			return 0;
		}
		if (parse_word(v, other_auth, sizeof(other_auth) / sizeof(other_auth[0])) >= 0)
			snprintf(why, sizeof(why), "not supported (only secret or psk)");
		else
			snprintf(why, sizeof(why), "unknown authentication method");
		goto bad;
	case K_AUTO:
		if ((i = parse_word(v, autos, 4)) < 0) {
			snprintf(why, sizeof(why), "expected add, start, route or ignore");
			goto bad;
		}
		c->auto_mode = (enum cfg_auto)i;
		return 0;
	case K_KEYEXCHANGE:
		if (strcmp(v, "ike") == 0 || strcmp(v, "ikev2") == 0)
			c->ike_version = 2;
		else if (strcmp(v, "ikev1") == 0)
			c->ike_version = 1;
		else {
			snprintf(why, sizeof(why), "expected ike, ikev1 or ikev2");
			goto bad;
		}
		return 0;
	case K_IKE:
	case K_ESP:
		if (config_proposals_parse(v, k->kind == K_IKE ? CFG_PROTO_IKE : CFG_PROTO_ESP,
		    k->kind == K_IKE ? &c->ike : &c->esp, why, sizeof(why)) < 0)
			goto bad;
		return 0;
	case K_IKELIFETIME:
	case K_KEYLIFE:
	case K_REKEYMARGIN:
	case K_DPDDELAY:
	case K_DPDTIMEOUT:
		if (cfg_parse_time(v, &u) < 0) {
			snprintf(why, sizeof(why), "expected a time (seconds, or with "
			    "suffix s, m, h, d)");
			goto bad;
		}
		*(k->kind == K_IKELIFETIME ? &c->ikelifetime : k->kind == K_KEYLIFE ?
		    &c->keylife : k->kind == K_REKEYMARGIN ? &c->rekeymargin :
		    k->kind == K_DPDDELAY ? &c->dpddelay : &c->dpdtimeout) = u;
		return 0;
	case K_REKEYFUZZ: {
		char tmp[16];
		size_t n = strlen(v);

		if (n > 0 && v[n - 1] == '%')
			n--;
		if (n == 0 || n >= sizeof(tmp))
			goto badnum;
		memcpy(tmp, v, n);
		tmp[n] = '\0';
		if (cfg_parse_u32(tmp, &c->rekeyfuzz) < 0)
			goto badnum;
		return 0;
	}
	case K_LIFEBYTES:
	case K_LIFEPACKETS:
	case K_MARGINBYTES:
	case K_MARGINPACKETS:
		if (cfg_parse_u64(v, k->kind == K_LIFEBYTES ? &c->lifebytes :
		    k->kind == K_LIFEPACKETS ? &c->lifepackets :
		    k->kind == K_MARGINBYTES ? &c->marginbytes : &c->marginpackets) < 0)
			goto badnum;
		return 0;
	case K_KEYINGTRIES:
		if (strcmp(v, "%forever") == 0)
			c->keyingtries = 0;
		else if (cfg_parse_u32(v, &c->keyingtries) < 0 || c->keyingtries == 0) {
			snprintf(why, sizeof(why), "expected a number > 0 or %%forever");
			goto bad;
		}
		return 0;
	case K_DPDACTION:
		if ((i = parse_word(v, dpds, 4)) < 0) {
			snprintf(why, sizeof(why), "expected none, clear, hold or restart");
			goto bad;
		}
		c->dpdaction = (enum cfg_dpd)i;
		return 0;
	case K_TYPE:
		if (strcmp(v, "tunnel") == 0)
			c->mode = CFG_MODE_TUNNEL;
		else if (strcmp(v, "transport") == 0)
			c->mode = CFG_MODE_TRANSPORT;
		else if (strcmp(v, "passthrough") == 0 || strcmp(v, "pass") == 0)
			c->mode = CFG_MODE_PASSTHROUGH;
		else {
			snprintf(why, sizeof(why), "expected tunnel, transport or passthrough");
			goto bad;
		}
		return 0;
	case K_FRAGMENTATION:
		if ((i = parse_word(v, frags, 4)) < 0) {
			snprintf(why, sizeof(why), "expected yes, no, accept or force");
			goto bad;
		}
		c->fragmentation = (enum cfg_frag)i;
		return 0;
	case K_REQID:
		if (cfg_parse_u32(v, &c->reqid) < 0)
			goto badnum;
		return 0;
	case K_MARK: {
		char tmp[32], *slash;

		if (strlen(v) >= sizeof(tmp))
			goto badmark;
		strcpy(tmp, v);
		c->mark_mask = 0xffffffff;
		if ((slash = strchr(tmp, '/')) != NULL) {
			*slash = '\0';
			if (cfg_parse_u32(slash + 1, &c->mark_mask) < 0)
				goto badmark;
		}
		if (cfg_parse_u32(tmp, &c->mark) < 0)
			goto badmark;
		return 0;
	badmark:
		snprintf(why, sizeof(why), "expected VALUE[/MASK]");
		goto bad;
	}
	case K_FORCEENCAPS:
	case K_MOBIKE:
	case K_REAUTH:
	case K_REKEY:
	case K_COMPRESS:
	case K_AGGRESSIVE:
	case K_INSTALLPOLICY:
		if (cfg_parse_bool(v, &b) < 0)
			goto notbool;
		*(k->kind == K_FORCEENCAPS ? &c->forceencaps : k->kind == K_MOBIKE ?
		    &c->mobike : k->kind == K_REAUTH ? &c->reauth : k->kind == K_REKEY ?
		    &c->rekey : k->kind == K_COMPRESS ? &c->compress :
		    k->kind == K_AGGRESSIVE ? &c->aggressive : &c->installpolicy) = b;
		return 0;
	case K_IGNORED:
		log_info("%s:%d: %s= is not used by ikeflowd, ignored", kv->file,
		    kv->line, kv->key);
		return 0;
	}
	return 0;
notbool:
	snprintf(why, sizeof(why), "expected yes or no");
	goto bad;
badnum:
	snprintf(why, sizeof(why), "expected a number");
bad:
	kverr(x, kv, "%s", why);
	return -1;
}

static void
conn_defaults(struct cfg_conn *c)
{
	c->ike_version = 2;
	c->auto_mode = CFG_AUTO_IGNORE;
	c->left.host_kind = CFG_HOST_ANY;
	strcpy(c->left.host, "%any");
	c->right.host_kind = 0;		/* required */
	config_proposals_default(CFG_PROTO_IKE, &c->ike);
	config_proposals_default(CFG_PROTO_ESP, &c->esp);
	c->ikelifetime = 3 * 3600;
	c->keylife = 3600;
	c->rekeymargin = 9 * 60;
	c->rekeyfuzz = 100;
	c->keyingtries = 3;
	c->dpdaction = CFG_DPD_NONE;
	c->dpddelay = 30;
	c->dpdtimeout = 150;
	c->mode = CFG_MODE_TUNNEL;
	c->fragmentation = CFG_FRAG_YES;
	c->mobike = 1;
	c->reauth = 1;
	c->rekey = 1;
	c->installpolicy = 1;
}

/* The families a side's traffic selectors use: bit 0 IPv4, bit 1 IPv6. */
static int
end_families(const struct cfg_end *e)
{
	int f = 0;

	for (int i = 0; i < e->nsubnets; i++)
		f |= e->subnets[i].addr.family == AF_INET ? 1 : 2;
	return f;
}

static void
end_finish(struct cfg_end *e)
{
	if (!e->subnets_configured && e->host_kind == CFG_HOST_ADDR) {
		e->subnets[0].addr = e->addr;
		e->subnets[0].plen = (uint8_t)(addr_len(&e->addr) * 8);
		e->nsubnets = 1;
	}
	if (!e->id_configured)
		config_id_from_addr(&e->addr, &e->id);
}

static struct cfg_conn *
conn_resolve(struct pctx *x, struct section *s, struct section *def, int *ignored)
{
	const struct kv *vals[NCONNKEYS] = { 0 };
	struct cfg_conn *c;
	int before = x->errors, authby = 0, i;
	const struct kv *kv_right, *kv_rsub, *kv_lsub, *kv_auto;

	*ignored = 0;
	collect(s, vals);
	if (def)
		collect(def, vals);
	if ((c = calloc(1, sizeof(*c))) == NULL) {
		perr(x, s->file, s->line, "out of memory");
		return NULL;
	}
	conn_defaults(c);
	snprintf(c->name, sizeof(c->name), "%s", s->name);
	snprintf(c->file, sizeof(c->file), "%s", s->file);
	c->line = s->line;

	for (i = 0; i < NCONNKEYS; i++)
		if (vals[i] && vals[i]->value)
			conn_apply(x, c, &conn_keys[i], vals[i], &authby);
	if (x->errors != before)
		goto fail;
	c->ike_from = vals[conn_key_index("ike")] ? CFG_FROM_CONF : CFG_FROM_SWAN;
	c->esp_from = vals[conn_key_index("esp")] ? CFG_FROM_CONF : CFG_FROM_SWAN;
	/* auto=ignore conns (templates for also=, mostly) need not be complete */
	if (c->auto_mode == CFG_AUTO_IGNORE) {
		*ignored = 1;
		free(c);
		return NULL;
	}
	kv_auto = vals[conn_key_index("auto")];
	kv_right = vals[conn_key_index("right")];
	kv_lsub = vals[conn_key_index("leftsubnet")];
	kv_rsub = vals[conn_key_index("rightsubnet")];
	if (kv_right == NULL || kv_right->value == NULL) {
		perr(x, s->file, s->line, "conn %s: right= is not set", s->name);
		goto fail;
	}
	for (int side = 0; side < 2; side++) {
		struct cfg_end *e = side ? &c->right : &c->left;

		if (e->auth == 0)
			e->auth = (enum cfg_auth)authby;
		if (e->auth == 0) {
			perr(x, s->file, s->line, "conn %s: no authby= (strongSwan's "
			    "default is pubkey, which is not supported); set authby=secret",
			    s->name);
			goto fail;
		}
	}
	if (c->left.host_kind == CFG_HOST_ADDR && c->right.host_kind == CFG_HOST_ADDR &&
	    c->left.addr.family != c->right.addr.family) {
		perr(x, kv_right->file, kv_right->line, "conn %s: left and right "
		    "are of different address families", s->name);
		goto fail;
	}
	for (int side = 0; side < 2; side++) {
		const struct cfg_end *e = side ? &c->right : &c->left;
		const struct kv *kv_up = vals[conn_key_index(side ? "rightupdown" :
		    "leftupdown")];

		/* firewall=yes means "the default script with iptables" */
		if (e->firewall && e->updown[0]) {
			perr(x, kv_up->file, kv_up->line, "conn %s: %supdown and "
			    "%sfirewall=yes cannot be combined (a custom script "
			    "does its own firewalling)", s->name, side ? "right" :
			    "left", side ? "right" : "left");
			goto fail;
		}
	}
	end_finish(&c->left);
	end_finish(&c->right);
	if (c->left.nsubnets && c->right.nsubnets &&
	    end_families(&c->left) != end_families(&c->right)) {
		const struct kv *at = kv_rsub && kv_rsub->value ? kv_rsub :
		    kv_lsub && kv_lsub->value ? kv_lsub : kv_right;

		perr(x, at->file, at->line, "conn %s: leftsubnet and rightsubnet "
		    "are of different address families", s->name);
		goto fail;
	}
	if ((c->auto_mode == CFG_AUTO_START || c->auto_mode == CFG_AUTO_ROUTE) &&
	    c->right.host_kind == CFG_HOST_ANY) {
		perr(x, kv_auto->file, kv_auto->line, "conn %s: auto=%s needs a "
		    "peer address, but right=%s", s->name, kv_auto->value, c->right.host);
		goto fail;
	}
	return c;
fail:
	free(c);
	return NULL;
}

static void
free_sections(struct pctx *x)
{
	struct section *s, *sn;
	struct fname *f, *fn;

	for (s = x->head; s; s = sn) {
		sn = s->next;
		for (struct kv *kv = s->kvs, *kn; kv; kv = kn) {
			kn = kv->next;
			free(kv->key);
			free(kv->value);
			free(kv);
		}
		for (struct also_ref *a = s->alsos, *an; a; a = an) {
			an = a->next;
			free(a->name);
			free(a);
		}
		free(s->name);
		free(s);
	}
	for (f = x->files; f; f = fn) {
		fn = f->next;
		free(f);
	}
	free(x->htab);
	x->htab = NULL;
	x->hsize = x->hcount = 0;
}

static int
setup_store(struct pctx *x, struct section *setup, struct cfg_setup *out)
{
	static const char *const uniq[] = { "no", "yes", "replace", "keep", "never" };
	struct cfg_setting **tail = &out->settings;

	out->uniqueids = 1;
	for (struct kv *kv = setup->kvs; kv; kv = kv->next) {
		struct cfg_setting *st;

		if (kv->value == NULL)
			continue;
		if (strcmp(kv->key, "uniqueids") == 0) {
			int u = parse_word(kv->value, uniq, 5);

			if (u < 0) {
				kverr(x, kv, "expected yes, no, replace, keep or never");
				return -1;
			}
			out->uniqueids = u;
		}
		if ((st = calloc(1, sizeof(*st))) == NULL ||
		    (st->key = strdup(kv->key)) == NULL ||
		    (st->value = strdup(kv->value)) == NULL) {
			if (st)
				free(st->key);
			free(st);
			perr(x, kv->file, kv->line, "out of memory");
			return -1;
		}
		*tail = st;
		tail = &st->next;
	}
	return 0;
}

int
ipsec_conf_load(const char *path, struct ifl_config *cfg)
{
	struct pctx x;
	struct section *def, *setup;
	struct cfg_conn **tail = &cfg->conns;

	memset(&x, 0, sizeof(x));
	x.tail = &x.head;
	cfg->setup.uniqueids = 1;
	if (parse_file(&x, path, NULL, 0) < 0 || x.errors)
		goto out;
	if (link_alsos(&x) < 0)
		goto out;
	if ((setup = find_section(&x, SEC_SETUP, "setup")) != NULL &&
	    setup_store(&x, setup, &cfg->setup) < 0)
		goto out;
	def = find_section(&x, SEC_CONN, "%default");
	for (struct section *s = x.head; s; s = s->next) {
		struct cfg_conn *c;
		int ignored;

		if (s->kind != SEC_CONN || s == def)
			continue;
		c = conn_resolve(&x, s, def, &ignored);
		if (ignored)
			cfg->nignored++;
		if (c == NULL)
			continue;
		*tail = c;
		tail = &c->next;
		cfg->nconns++;
	}
out:
	free_sections(&x);
	return x.errors ? -1 : 0;
}

void
ipsec_conf_free(struct ifl_config *cfg)
{
	for (struct cfg_conn *c = cfg->conns, *cn; c; c = cn) {
		cn = c->next;
		free(c);
	}
	cfg->conns = NULL;
	for (struct cfg_setting *st = cfg->setup.settings, *sn; st; st = sn) {
		sn = st->next;
		free(st->key);
		free(st->value);
		free(st);
	}
	cfg->setup.settings = NULL;
}
