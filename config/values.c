/* Value syntax shared by ipsec.conf, ipsec.secrets and ikeflowd.conf. */
#include <config.h>

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <glob.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

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

/* Why a secrets file's owner or mode is refused, or NULL. */
static const char *
secret_perms(const struct stat *st)
{
	static char why[128];

	if (st->st_uid != 0 && st->st_uid != geteuid()) {
		snprintf(why, sizeof(why), "owned by uid %u, not by root or uid %u, "
		    "refusing to use it (chown root)", (unsigned)st->st_uid,
		    (unsigned)geteuid());
		return why;
	}
	if (st->st_mode & (S_IRWXG | S_IRWXO)) {
		snprintf(why, sizeof(why), "mode %04o allows access by group/others, "
		    "refusing to use it (chmod 600)", (unsigned)(st->st_mode & 07777));
		return why;
	}
	return NULL;
}

FILE *
cfg_file_open(struct cfg_files *fs, const char *path, int secret, const char **why)
{
	struct stat st;
	FILE *f;
	int fd, flags;

	*why = NULL;
	if (fs->over) {		/* said once already */
		errno = 0;
		return NULL;
	}
	if (fs->depth > CFG_INCLUDE_DEPTH) {
		*why = "includes nested too deeply";
		errno = 0;
		return NULL;
	}
	/* O_NONBLOCK: a FIFO put in place of the file must not hang the open */
	if ((fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY)) < 0) {
		*why = strerror(errno);
		return NULL;
	}
	if (fstat(fd, &st) < 0) {
		*why = strerror(errno);
		close(fd);
		return NULL;
	}
	if (!S_ISREG(st.st_mode)) {
		*why = "not a regular file, refusing to use it";
		goto refuse;
	}
	if (secret && (*why = secret_perms(&st)) != NULL)
		goto refuse;
	for (int i = 0; i < fs->depth; i++)
		if (fs->chain[i].dev == st.st_dev && fs->chain[i].ino == st.st_ino) {
			*why = "loop: it includes itself, directly or through other files";
			goto refuse;
		}
	if (fs->nfiles + 1 > CFG_INCLUDE_FILES ||
	    fs->bytes + st.st_size > CFG_INCLUDE_BYTES) {
		static char msg[128];

		snprintf(msg, sizeof(msg), "more than %d files or %d MiB through "
		    "includes, nothing more is read", CFG_INCLUDE_FILES,
		    CFG_INCLUDE_BYTES >> 20);
		*why = msg;
		fs->over = 1;
		goto refuse;
	}
	if ((flags = fcntl(fd, F_GETFL)) < 0 ||
	    fcntl(fd, F_SETFL, flags & ~O_NONBLOCK) < 0 ||
	    (f = fdopen(fd, "r")) == NULL) {
		*why = strerror(errno);
		close(fd);
		return NULL;
	}
	fs->chain[fs->depth].dev = st.st_dev;
	fs->chain[fs->depth].ino = st.st_ino;
	fs->depth++;
	fs->nfiles++;
	fs->bytes += st.st_size;
	return f;
refuse:
	close(fd);
	errno = 0;	/* refused, not missing: no open error to report */
	return NULL;
}

ssize_t
cfg_readline(struct cfg_files *fs, FILE *f, char *buf, const char **why)
{
	static const char over[] = "more than 16 MiB read through includes "
	    "(a file yielding more than its size says?), nothing more is read";
	size_t n = 0;
	int c, toolong = 0, nul = 0;

	_Static_assert(CFG_INCLUDE_BYTES == 16 << 20, "the message says 16 MiB");
	_Static_assert(CFG_LINE_MAX == 65536, "the message says 65536");
	*why = NULL;
	if (fs->over)		/* said once already, where it ran out */
		return -2;
	while ((c = getc_unlocked(f)) != EOF) {
		if (++fs->read > CFG_INCLUDE_BYTES) {
			fs->over = 1;
			buf[0] = '\0';
			*why = over;
			return -2;
		}
		nul |= c == '\0';
		if (n < CFG_LINE_MAX)
			buf[n++] = (char)c;
		else
			toolong = 1;
		if (c == '\n')
			break;
	}
	buf[n] = '\0';
	if (!toolong && !nul)
		return n > 0 ? (ssize_t)n : -1;
	/* a binary file included by mistake: a few lines said, not thousands */
	if (++fs->bad > CFG_BAD_LINES) {
		fs->over = 1;
		*why = "more unreadable lines than a text file has (a binary "
		    "file?), nothing more is read";
		return -2;
	}
	*why = toolong ? "line longer than 65536 bytes, skipped" : "NUL byte in line";
	return 0;
}

void
cfg_file_close(struct cfg_files *fs, FILE *f)
{
	if (f == NULL)
		return;
	if (fs->depth > 0)
		fs->depth--;
	fclose(f);
}
