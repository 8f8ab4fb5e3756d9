/* HTTP basic authentication against a file of password hashes
 * (http_auth_file): one "user:hash" a line, the hash from crypt(3) (e.g.
 * `openssl passwd -6`, `mkpasswd -m yescrypt`), '#' comments. The file is
 * read when the server starts or reloads; a bad line stops the server from
 * starting (it never falls back to no authentication). Passwords are
 * checked by hashing them with the stored hash's salt and comparing in
 * constant time, and wiped after use. */
#include "config.h"

#include <crypt.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/buf.h"
#include "common/log.h"
#include "web/web_auth.h"

struct user {
	char	name[64];
	char	hash[CRYPT_OUTPUT_SIZE];
};

static struct user *users;
static size_t nusers;
static int enabled;

int
auth_enabled(void)
{
	return enabled;
}

void
auth_clear(void)
{
	if (users) {
		wipe(users, nusers * sizeof(*users));
		free(users);
	}
	users = NULL;
	nusers = 0;
	enabled = 0;
}

int
auth_load(const char *path)
{
	FILE *f;
	char line[512];
	struct user *v = NULL, *nv;
	size_t n = 0;
	int lineno = 0, rc = 0;

	auth_clear();
	if (path == NULL || path[0] == '\0')
		return 0;
	if ((f = fopen(path, "re")) == NULL) {
		log_err("%s: %s", path, strerror(errno));
		return -1;
	}
	while (fgets(line, sizeof(line), f)) {
		char *p = line, *colon, *end;

		lineno++;
		if (strchr(line, '\n') == NULL && !feof(f)) {
			log_err("%s:%d: line too long", path, lineno);
			rc = -1;
			break;
		}
		line[strcspn(line, "\r\n")] = '\0';
		while (*p == ' ' || *p == '\t')
			p++;
		if (*p == '\0' || *p == '#')
			continue;
		colon = strchr(p, ':');
		end = colon ? colon + 1 + strcspn(colon + 1, ":") : NULL;
		/* user:hash, or an htpasswd/shadow-like line with more fields */
		if (colon == NULL || colon == p || (size_t)(colon - p) >= sizeof(v->name) ||
		    end == colon + 1 || (size_t)(end - colon - 1) >= sizeof(v->hash) ||
		    colon[1] != '$') {
			log_err("%s:%d: expected USER:HASH with a crypt(3) hash ($6$..., $y$...)",
			    path, lineno);
			rc = -1;
			break;
		}
		if ((nv = realloc(v, (n + 1) * sizeof(*v))) == NULL) {
			rc = -1;
			break;
		}
		v = nv;
		memset(&v[n], 0, sizeof(v[n]));
		memcpy(v[n].name, p, (size_t)(colon - p));
		memcpy(v[n].hash, colon + 1, (size_t)(end - colon - 1));
		n++;
	}
	wipe(line, sizeof(line));
	fclose(f);
	if (rc == 0 && n == 0) {
		log_err("%s: no users", path);
		rc = -1;
	}
	if (rc < 0) {
		if (v) {
			wipe(v, n * sizeof(*v));
			free(v);
		}
		return -1;
	}
	users = v;
	nusers = n;
	enabled = 1;
	return 0;
}

int
auth_check(const char *user, const char *pass)
{
	struct crypt_data *cd;
	const struct user *u = NULL;
	const char *h;
	int ok = 0;

	if (!enabled || user == NULL || pass == NULL)
		return 0;
	for (size_t i = 0; i < nusers; i++)
		if (strcmp(users[i].name, user) == 0)
			u = &users[i];
	if ((cd = calloc(1, sizeof(*cd))) == NULL)
		return 0;
	/* an unknown user costs a hash too, so timing does not tell users apart */
	h = crypt_r(pass, u ? u->hash : users[0].hash, cd);
	if (u && h && h[0] != '*' && strlen(h) == strlen(u->hash))
		ok = ct_memcmp(h, u->hash, strlen(h)) == 0;
	wipe(cd, sizeof(*cd));
	free(cd);
	return ok;
}
