/* Value syntax shared by ipsec.conf, ipsec.secrets and ikeflowd.conf. */
#include <config.h>

#include <ctype.h>
#include <errno.h>
#include <glob.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "config/internal.h"

int
cfg_parse_u64(const char *s, uint64_t *v)
{
	unsigned long long x;
	char *end;

	if (!isdigit((unsigned char)s[0]))
		return -1;
	errno = 0;
	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		if (!isxdigit((unsigned char)s[2]))
			return -1;
		x = strtoull(s + 2, &end, 16);
	} else
		x = strtoull(s, &end, 10);
	if (errno || *end != '\0')
		return -1;
	*v = x;
	return 0;
}

int
cfg_hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = tolower(c);
	return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

int
cfg_parse_u32(const char *s, uint32_t *v)
{
	uint64_t x;

	if (cfg_parse_u64(s, &x) < 0 || x > UINT32_MAX)
		return -1;
	*v = (uint32_t)x;
	return 0;
}

int
cfg_parse_time(const char *s, uint32_t *secs)
{
	unsigned long long x;
	uint64_t mult = 1;
	char *end;

	if (!isdigit((unsigned char)s[0]))
		return -1;
	errno = 0;
	x = strtoull(s, &end, 10);
	if (errno)
		return -1;
	switch (*end) {
	case '\0':
	case 's':
		break;
	case 'm':
		mult = 60;
		break;
	case 'h':
		mult = 3600;
		break;
	case 'd':
		mult = 86400;
		break;
	default:
		return -1;
	}
	if (*end != '\0' && end[1] != '\0')
		return -1;
	if (x > UINT32_MAX / mult)
		return -1;
	*secs = (uint32_t)(x * mult);
	return 0;
}

int
cfg_parse_bool(const char *s, int *v)
{
	if (strcasecmp(s, "yes") == 0 || strcasecmp(s, "true") == 0 ||
	    strcmp(s, "1") == 0) {
		*v = 1;
		return 0;
	}
	if (strcasecmp(s, "no") == 0 || strcasecmp(s, "false") == 0 ||
	    strcmp(s, "0") == 0) {
		*v = 0;
		return 0;
	}
	return -1;
}

void
cfg_strip_comment(char *line)
{
	int inq = 0;
	size_t n;

	for (char *p = line; *p; p++) {
		if (inq) {
			if (*p == '\\' && p[1])
				p++;
			else if (*p == '"')
				inq = 0;
		} else if (*p == '"')
			inq = 1;
		else if (*p == '#' && (p == line || isspace((unsigned char)p[-1]))) {
			*p = '\0';
			break;
		}
	}
	n = strlen(line);
	while (n > 0 && isspace((unsigned char)line[n - 1]))
		line[--n] = '\0';
}

int
cfg_unquote(const char **pp, char *dst, size_t dstlen)
{
	const char *p = *pp + 1;
	size_t n = 0;

	for (; *p && *p != '"'; p++) {
		char c = *p;

		if (c == '\\') {
			p++;
			switch (*p) {
			case 'n':
				c = '\n';
				break;
			case 't':
				c = '\t';
				break;
			case '\0':
				return -1;
			default:
				c = *p;
			}
		}
		if (n + 1 >= dstlen)
			return -1;
		dst[n++] = c;
	}
	if (*p != '"')
		return -1;
	dst[n] = '\0';
	*pp = p + 1;
	return 0;
}

int
cfg_include_glob(const char *including, const char *pattern, char ***out,
    const char **why)
{
	glob_t g;
	char *full = NULL;
	const char *slash;
	int rc, n = -1;

	*out = NULL;
	*why = NULL;
	slash = strrchr(including, '/');
	if (pattern[0] != '/' && slash != NULL) {
		size_t dl = (size_t)(slash - including) + 1;

		full = malloc(dl + strlen(pattern) + 1);
		if (full == NULL) {
			*why = "out of memory";
			return -1;
		}
		memcpy(full, including, dl);
		strcpy(full + dl, pattern);
	} else if ((full = strdup(pattern)) == NULL) {
		*why = "out of memory";
		return -1;
	}
	memset(&g, 0, sizeof(g));
	rc = glob(full, GLOB_ERR, NULL, &g);
	if (rc == GLOB_NOMATCH) {
		/* a pattern may match nothing; a plain file name must exist */
		if (strpbrk(pattern, "*?[") == NULL)
			*why = "no such file";
		else
			n = 0;
		goto out;
	}
	if (rc != 0) {
		*why = "cannot read directory";
		goto out;
	}
	*out = calloc(g.gl_pathc + 1, sizeof(char *));
	if (*out == NULL) {
		*why = "out of memory";
		goto out;
	}
	for (n = 0; (size_t)n < g.gl_pathc; n++)
		if (((*out)[n] = strdup(g.gl_pathv[n])) == NULL) {
			cfg_globfree(*out, n);
			*out = NULL;
			*why = "out of memory";
			n = -1;
			goto out;
		}
out:
	globfree(&g);
	free(full);
	return n;
}

void
cfg_globfree(char **paths, int n)
{
	if (paths == NULL)
		return;
	for (int i = 0; i < n; i++)
		free(paths[i]);
	free(paths);
}
