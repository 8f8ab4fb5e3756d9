/* Copies of ipsec.secrets, ipsec.conf and ikeflowd.conf with every secret
 * replaced, for the diagnostic bundle: the structure (selectors, IDs,
 * connections, includes, comments) is kept, the secrets are not. Masking
 * errs on the side of hiding: a secrets line that is not understood is
 * replaced as a whole, and a continuation line (indented) after an entry
 * too, since the secret may go on there. */
#include <config.h>

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "config/internal.h"
#include "ctl/ctl.h"

#define MASK	"<redacted>"

/* End of the token at p: up to whitespace, or past a closing quote. */
static const char *
token_end(const char *p, const char *end)
{
	if (p < end && (*p == '"' || *p == '\'')) {
		char q = *p++;

		while (p < end && *p != q) {
			if (*p == '\\' && p + 1 < end)
				p++;
			p++;
		}
		return p < end ? p + 1 : end;
	}
	while (p < end && !isspace((unsigned char)*p))
		p++;
	return p;
}

static const char *
skip_space(const char *p, const char *end)
{
	while (p < end && isspace((unsigned char)*p))
		p++;
	return p;
}

/* The ':' between selectors and secret: a word of its own (IPv6 selectors
 * have colons too), outside quotes. */
static const char *
secrets_colon(const char *s, const char *end)
{
	for (const char *p = s; p < end; ) {
		if (*p == '"' || *p == '\'') {
			p = token_end(p, end);
			continue;
		}
		if (*p == ':' && (p == s || isspace((unsigned char)p[-1])) &&
		    (p + 1 == end || isspace((unsigned char)p[1])))
			return p;
		p++;
	}
	return NULL;
}

static int
word_is(const char *p, size_t n, const char *const *words)
{
	for (size_t i = 0; words[i]; i++)
		if (strlen(words[i]) == n && strncasecmp(p, words[i], n) == 0)
			return 1;
	return 0;
}

/* One line of ipsec.secrets (without its newline). *cont: the line before
 * was an entry, so an indented line may continue its secret. */
static void
secrets_line(const char *s, const char *end, int *cont, struct buf *out,
    unsigned *masked)
{
	/* the secret is everything after the type */
	static const char *const whole[] = { "PSK", "EAP", "XAUTH", "NTLM", "PIN",
	    "PPK", NULL };
	/* a key file (kept: a path), then maybe its passphrase */
	static const char *const keyfile[] = { "RSA", "ECDSA", "BLISS", "PKCS8",
	    "PKCS12", "P12", NULL };
	const char *t = skip_space(s, end), *colon, *type, *te, *rest;
	int indented = t > s;

	if (t == end || *t == '#') {
		buf_put(out, s, (size_t)(end - s));
		return;		/* a comment does not end an entry's continuation */
	}
	if ((size_t)(end - t) > 8 && strncmp(t, "include", 7) == 0 &&
	    isspace((unsigned char)t[7]) && !indented) {
		buf_put(out, s, (size_t)(end - s));
		*cont = 0;
		return;
	}
	colon = secrets_colon(t, end);
	if (colon == NULL) {
		/* a continuation of the entry before, or nothing we know */
		buf_put(out, s, (size_t)(t - s));
		buf_printf(out, "%s", *cont ? MASK " (continued secret)" :
		    MASK " (line not understood)");
		(*masked)++;
		return;
	}
	*cont = 1;
	type = skip_space(colon + 1, end);
	te = type;
	while (te < end && isalnum((unsigned char)*te))
		te++;
	if (word_is(type, (size_t)(te - type), whole)) {
		buf_put(out, s, (size_t)(te - s));
		if (skip_space(te, end) < end) {
			buf_printf(out, " " MASK);
			(*masked)++;
		}
		return;
	}
	if (word_is(type, (size_t)(te - type), keyfile)) {
		rest = skip_space(te, end);
		rest = token_end(rest, end);
		buf_put(out, s, (size_t)(rest - s));
		if (skip_space(rest, end) < end) {
			buf_printf(out, " " MASK);
			(*masked)++;
		}
		return;
	}
	/* an unknown type: only the selectors are kept */
	buf_put(out, s, (size_t)(colon + 1 - s));
	buf_printf(out, " " MASK);
	(*masked)++;
}

/* Whether a key=value setting holds a secret. Public keys and the words
 * for rekeying and key exchange are not secrets. */
static int
secret_key(const char *k, size_t n)
{
	static const char *const parts[] = { "psk", "secret", "pass", "pin",
	    "token", "community", "private", "ppk", "credential", NULL };
	static const char *const public[] = { "rekey", "pubkey", "sigkey", "rsasigkey",
	    "ecdsakey", "cert", NULL };
	char low[64];

	if (n == 0 || n >= sizeof(low))
		return n > 0;	/* an odd, long key: hide its value */
	for (size_t i = 0; i < n; i++)
		low[i] = (char)tolower((unsigned char)k[i]);
	low[n] = '\0';
	for (size_t i = 0; parts[i]; i++)
		if (strstr(low, parts[i]))
			return 1;
	if (n >= 3 && strcmp(low + n - 3, "key") == 0) {
		for (size_t i = 0; public[i]; i++) {
			size_t m = strlen(public[i]);

			if (n >= m && strcmp(low + n - m, public[i]) == 0)
				return 0;
		}
		return 1;
	}
	return 0;
}

static void
conf_line(const char *s, const char *end, struct buf *out, unsigned *masked)
{
	const char *t = skip_space(s, end), *eq, *ke;

	if (t == end || *t == '#' || (eq = memchr(t, '=', (size_t)(end - t))) == NULL) {
		buf_put(out, s, (size_t)(end - s));
		return;
	}
	ke = eq;
	while (ke > t && isspace((unsigned char)ke[-1]))
		ke--;
	if (!secret_key(t, (size_t)(ke - t))) {
		buf_put(out, s, (size_t)(end - s));
		return;
	}
	buf_put(out, s, (size_t)(eq + 1 - s));
	if (eq + 1 < end && isspace((unsigned char)eq[1]))
		buf_put_u8(out, ' ');
	buf_printf(out, MASK);
	(*masked)++;
}

int
config_redact(const char *text, size_t len, enum cfg_redact_kind kind,
    struct buf *out, unsigned *masked)
{
	const char *p = text, *end = text + len;
	unsigned n = 0;
	int cont = 0;

	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p)), *le = nl ? nl : end;

		/* a NUL or a CR inside does not hide anything from the masking */
		if (kind == CFG_REDACT_SECRETS)
			secrets_line(p, le, &cont, out, &n);
		else
			conf_line(p, le, out, &n);
		if (nl)
			buf_put_u8(out, '\n');
		p = nl ? nl + 1 : end;
	}
	if (masked)
		*masked = n;
	return out->failed ? -1 : 0;
}

int
config_redact_includes(const char *path, const char *text, size_t len,
    char ***paths, int *npaths)
{
	const char *p = text, *end = text + len;
	char **all = NULL;
	int n = 0;

	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p)), *le = nl ? nl : end;
		const char *t = skip_space(p, le), *why;

		if ((size_t)(le - t) > 8 && strncmp(t, "include", 7) == 0 &&
		    isspace((unsigned char)t[7])) {
			char *pat = strndup(skip_space(t + 7, le), (size_t)(le - skip_space(t + 7, le)));
			char **got = NULL, **nall;
			int k;

			if (pat == NULL)
				goto fail;
			pat[strcspn(pat, "#")] = '\0';
			for (size_t l = strlen(pat); l > 0 && isspace((unsigned char)pat[l - 1]); l--)
				pat[l - 1] = '\0';
			k = cfg_include_glob(path, pat, &got, &why);
			free(pat);
			if (k > 0) {
				if ((nall = realloc(all, (size_t)(n + k) * sizeof(*all))) == NULL) {
					cfg_globfree(got, k);
					goto fail;
				}
				all = nall;
				for (int i = 0; i < k; i++)
					all[n++] = got[i];
				free(got);
			}
		}
		p = nl ? nl + 1 : end;
	}
	*paths = all;
	*npaths = n;
	return 0;
fail:
	cfg_globfree(all, n);
	return -1;
}

void
config_redact_includes_free(char **paths, int npaths)
{
	cfg_globfree(paths, npaths);
}
