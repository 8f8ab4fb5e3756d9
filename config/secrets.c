/* ipsec.secrets: "[selectors] : PSK secret" lines, include, comments; the
 * file's permissions; the best-matching PSK for a pair of identities. Every
 * buffer that held a secret is wiped before it is released. */
#include <config.h>

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <openssl/evp.h>

#include "common/log.h"
#include "config/internal.h"

/* No message repeats a word of the file (only the types known to be other
 * kinds of secret, and the names of files an include found): any word may
 * be a secret written in the wrong place (a missing PSK keyword, a stray
 * quote, a secret on an include line). */
struct sctx {
	struct ifl_config *cfg;
	struct cfg_secret **tail;
	struct cfg_files files;
	int		 errors;
	int		 depth;
};

static int	secrets_file(struct sctx *x, const char *path, const char *from,
		    int fromline);

int
config_secrets_check_perms(const char *path)
{
	struct cfg_files fs;
	const char *why;
	FILE *f;

	memset(&fs, 0, sizeof(fs));
	if ((f = cfg_file_open(&fs, path, 1, &why)) == NULL) {
		log_err("%s: %s", path, why);
		return -1;
	}
	cfg_file_close(&fs, f);
	return 0;
}

static void
secret_free(struct cfg_secret *s)
{
	if (s == NULL)
		return;
	wipe(s->key, s->keylen);
	free(s->key);
	free(s->sel);
	free(s);
}

void
secrets_free(struct ifl_config *cfg)
{
	for (struct cfg_secret *s = cfg->secrets, *sn; s; s = sn) {
		sn = s->next;
		secret_free(s);
	}
	cfg->secrets = NULL;
	cfg->nsecrets = 0;
}

/* The secret's text at p (one token, quoted or not) into key/keylen. */
static int
decode_secret(const char *p, uint8_t *key, size_t cap, size_t *keylen, const char **why)
{
	size_t n;

	*keylen = 0;
	if (*p == '"') {
		if (cfg_unquote(&p, (char *)key, cap) < 0) {
			*why = "unterminated quoted secret";
			return -1;
		}
		*keylen = strlen((char *)key);
	} else if (strncmp(p, "0x", 2) == 0 || strncmp(p, "0X", 2) == 0) {
		const char *h = p + 2;

		n = strcspn(h, " \t");
		if (n == 0 || n % 2 || n / 2 > cap) {
			*why = "bad hex secret";
			return -1;
		}
		for (size_t i = 0; i < n / 2; i++) {
			int hi = cfg_hexval(h[2 * i]), lo = cfg_hexval(h[2 * i + 1]);

			if (hi < 0 || lo < 0) {
				*why = "bad hex secret";
				return -1;
			}
			key[i] = (uint8_t)(hi << 4 | lo);
		}
		*keylen = n / 2;
		p = h + n;
	} else if (strncmp(p, "0s", 2) == 0) {
		const char *b = p + 2;
		int len, pad = 0;

		n = strcspn(b, " \t");
		if (n == 0 || n % 4 || n / 4 * 3 > cap) {
			*why = "bad base64 secret";
			return -1;
		}
		len = EVP_DecodeBlock(key, (const unsigned char *)b, (int)n);
		if (len < 0) {
			*why = "bad base64 secret";
			return -1;
		}
		if (b[n - 1] == '=')
			pad++;
		if (b[n - 2] == '=')
			pad++;
		*keylen = (size_t)(len - pad);
		p = b + n;
	} else {
		n = strcspn(p, " \t");
		if (n >= cap) {
			*why = "secret too long";
			return -1;
		}
		memcpy(key, p, n);
		*keylen = n;
		p += n;
	}
	while (isspace((unsigned char)*p))
		p++;
	if (*p) {
		*why = "unexpected text after the secret";
		return -1;
	}
	if (*keylen == 0) {
		*why = "empty secret";
		return -1;
	}
	return 0;
}

/* The ':' that separates selectors from the secret: on its own, so that the
 * colons of IPv6 selectors do not count. */
static char *
find_colon(char *s)
{
	for (char *p = s; *p; p++)
		if (*p == ':' && (p == s || isspace((unsigned char)p[-1])) &&
		    (p[1] == '\0' || isspace((unsigned char)p[1])))
			return p;
	return NULL;
}

static void
secrets_line(struct sctx *x, const char *file, int line, char *s)
{
	static const char *const ignored[] = { "RSA", "ECDSA", "BLISS", "PKCS8",
	    "PKCS12", "P12", "EAP", "NTLM", "XAUTH", "PIN", "PPK" };
	struct cfg_secret *sec = NULL;
	char *colon, *p, *type, *tok, *save = NULL;
	const char *why = NULL;
	size_t cap;

	while (isspace((unsigned char)*s))
		s++;
	if (strncmp(s, "include", 7) == 0 && isspace((unsigned char)s[7])) {
		char **paths;
		int n;

		p = s + 8;
		while (isspace((unsigned char)*p))
			p++;
		if (x->depth >= CFG_INCLUDE_DEPTH) {
			log_err("%s:%d: include: nested too deeply", file, line);
			x->errors++;
			return;
		}
		if ((n = cfg_include_glob(file, p, &paths, &why)) < 0) {
			log_err("%s:%d: include: %s", file, line, why);
			x->errors++;
			return;
		}
		x->depth++;
		for (int i = 0; i < n; i++)
			secrets_file(x, paths[i], file, line);
		x->depth--;
		cfg_globfree(paths, n);
		return;
	}
	if ((colon = find_colon(s)) == NULL) {
		log_err("%s:%d: expected '[selectors] : TYPE secret'", file, line);
		x->errors++;
		return;
	}
	*colon = '\0';
	p = colon + 1;
	while (isspace((unsigned char)*p))
		p++;
	type = p;
	while (*p && !isspace((unsigned char)*p))
		p++;
	if (*p)
		*p++ = '\0';
	while (isspace((unsigned char)*p))
		p++;
	if (strcmp(type, "PSK") != 0 && strcmp(type, "IKE") != 0) {
		for (size_t i = 0; i < sizeof(ignored) / sizeof(ignored[0]); i++)
			if (strcmp(type, ignored[i]) == 0) {
				log_debug("%s:%d: %s secret ignored (only PSK is used)",
				    file, line, type);
				return;
			}
		log_err("%s:%d: unknown secret type after ':' (expected PSK; "
		    "the word is not shown in case it is the secret)", file, line);
		x->errors++;
		return;
	}

	cap = strlen(p) + 1;
	if ((sec = calloc(1, sizeof(*sec))) == NULL ||
	    (sec->key = malloc(cap)) == NULL ||
	    (sec->sel = calloc(strlen(s) / 2 + 1, sizeof(*sec->sel))) == NULL) {
		why = "out of memory";
		goto bad;
	}
	if (decode_secret(p, sec->key, cap, &sec->keylen, &why) < 0)
		goto bad;
	for (tok = strtok_r(s, " \t", &save); tok; tok = strtok_r(NULL, " \t", &save))
		if (config_id_parse(tok, &sec->sel[sec->nsel++]) < 0) {
			log_err("%s:%d: selector %d is not an identity (address, "
			    "@FQDN, user@FQDN or %%any)", file, line, sec->nsel);
			x->errors++;
			secret_free(sec);
			return;
		}
	snprintf(sec->file, sizeof(sec->file), "%s", file);
	sec->line = line;
	*x->tail = sec;
	x->tail = &sec->next;
	x->cfg->nsecrets++;
	return;
bad:
	/* never the secret itself in the message */
	log_err("%s:%d: %s", file, line, why);
	x->errors++;
	if (sec && sec->key)
		wipe(sec->key, cap);
	if (sec)
		sec->keylen = 0;
	secret_free(sec);
}

/* path, included from from:fromline (NULL for the top file). */
static int
secrets_file(struct sctx *x, const char *path, const char *from, int fromline)
{
	FILE *f;
	const char *why;
	char *buf, iobuf[BUFSIZ];
	size_t cap = CFG_LINE_MAX + 1;	/* one buffer, never grown: no copies left behind */
	ssize_t n;
	int line = 0;

	if ((f = cfg_file_open(&x->files, path, 1, &why)) == NULL) {
		if (why && from)
			log_err("%s:%d: include: %s: %s", from, fromline, path, why);
		else if (why)
			log_err("%s: %s", path, why);
		x->errors++;
		return -1;
	}
	/* stdio's buffer holds the text too: ours, to wipe it after */
	setvbuf(f, iobuf, _IOFBF, sizeof(iobuf));
	if ((buf = malloc(cap)) == NULL) {
		log_err("%s: out of memory", path);
		x->errors++;
		cfg_file_close(&x->files, f);
		wipe(iobuf, sizeof(iobuf));
		return -1;
	}
	while ((n = cfg_readline(&x->files, f, buf, &why)) != -1) {
		line++;
		if (n == -2 && why == NULL)
			break;
		if (n <= 0) {
			log_err("%s:%d: %s", path, line, why);
			x->errors++;
			if (n == -2)
				break;
			continue;
		}
		cfg_strip_comment(buf);
		if (buf[strspn(buf, " \t\r\n")] == '\0')
			continue;
		secrets_line(x, path, line, buf);
	}
	if (ferror(f)) {
		log_err("%s: read error", path);
		x->errors++;
	}
	wipe(buf, cap);
	free(buf);
	cfg_file_close(&x->files, f);
	wipe(iobuf, sizeof(iobuf));
	return 0;
}

int
secrets_load(const char *path, struct ifl_config *cfg)
{
	struct sctx x;

	memset(&x, 0, sizeof(x));
	x.cfg = cfg;
	x.tail = &cfg->secrets;
	while (*x.tail)
		x.tail = &(*x.tail)->next;
	secrets_file(&x, path, NULL, 0);
	return x.errors ? -1 : 0;
}

enum { M_NONE = 0, M_ANY = 1, M_PERFECT = 2 };

static int
sel_match(const struct cfg_secret *s, const struct cfg_id *id)
{
	int best = M_NONE;

	if (s->nsel == 0)
		return M_ANY;
	for (int i = 0; i < s->nsel; i++) {
		if (id && config_id_equal(&s->sel[i], id) && id->type != CFG_ID_ANY)
			return M_PERFECT;
		if (s->sel[i].type == CFG_ID_ANY)
			best = M_ANY;
	}
	return best;
}

const struct cfg_secret *
config_psk_lookup(const struct ifl_config *cfg, const struct cfg_id *local,
    const struct cfg_id *remote)
{
	const struct cfg_secret *best = NULL;
	int best_score = -1;

	for (const struct cfg_secret *s = cfg->secrets; s; s = s->next) {
		int me = sel_match(s, local), other = sel_match(s, remote), score;

		/* a secret has to be for one of the two, unless it is for anyone */
		if (me == M_NONE && other == M_NONE)
			continue;
		/* perfect matches count first (two beat one; the peer's beats
		 * ours), then %any matches; the first of equals wins */
		score = ((me == M_PERFECT) + (other == M_PERFECT)) * 16 +
		    (other == M_PERFECT) * 8 + (me == M_ANY) + (other == M_ANY) * 2;
		if (score > best_score) {
			best = s;
			best_score = score;
		}
	}
	return best;
}
