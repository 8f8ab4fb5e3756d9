/* Shared by the configuration unit tests: captured log lines and scratch files. */
#ifndef CONFIG_TESTUTIL_H
#define CONFIG_TESTUTIL_H

#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/log.h"

#define CAP_LINES	64

struct captured {
	int	n;
	char	line[CAP_LINES][1024];
	int	prio[CAP_LINES];
};

static struct captured cap;
static char tdir[256];

static inline void
cap_sink(int prio, const char *line, void *arg)
{
	(void)arg;
	if (cap.n < CAP_LINES) {
		snprintf(cap.line[cap.n], sizeof(cap.line[0]), "%s", line);
		cap.prio[cap.n++] = prio;
	}
}

static inline void
cap_reset(void)
{
	memset(&cap, 0, sizeof(cap));
}

/* Was exactly this line logged at prio or more urgent? */
static inline int
cap_has(int prio, const char *line)
{
	for (int i = 0; i < cap.n; i++)
		if (cap.prio[i] <= prio && strcmp(cap.line[i], line) == 0)
			return 1;
	return 0;
}

static inline int
cap_contains(const char *needle)
{
	for (int i = 0; i < cap.n; i++)
		if (strstr(cap.line[i], needle))
			return 1;
	return 0;
}

static inline void
cap_dump(void)
{
	for (int i = 0; i < cap.n; i++)
		fprintf(stderr, "  log[%d] %s\n", cap.prio[i], cap.line[i]);
}

/* Writes dir/name (relative to the scratch dir) and returns its path in a static buffer. */
static inline const char *
put_file(const char *name, const char *text, mode_t mode)
{
	static char path[4][512];
	static int slot;
	char *p = path[slot++ % 4];
	int fd;

	snprintf(p, 512, "%s/%s", tdir, name);
	unlink(p);
	fd = open(p, O_WRONLY | O_CREAT | O_TRUNC, mode);
	if (fd < 0)
		return NULL;
	if (write(fd, text, strlen(text)) != (ssize_t)strlen(text)) {
		close(fd);
		return NULL;
	}
	fchmod(fd, mode);
	close(fd);
	return p;
}

/* A copy of a fixture, with the mode a secrets file must have. */
static inline const char *
copy_fixture(const char *fixture, const char *name, mode_t mode)
{
	char src[512], text[8192];
	FILE *f;
	size_t n;

	snprintf(src, sizeof(src), "%s/unit/data/config/%s", TEST_SRCDIR, fixture);
	if ((f = fopen(src, "r")) == NULL)
		return NULL;
	n = fread(text, 1, sizeof(text) - 1, f);
	fclose(f);
	text[n] = '\0';
	return put_file(name, text, mode);
}

static inline const char *
fixture(const char *name)
{
	static char p[512];

	snprintf(p, sizeof(p), "%s/unit/data/config/%s", TEST_SRCDIR, name);
	return p;
}

static inline int
rm_one(const char *p, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st; (void)flag; (void)ftw;
	return remove(p);
}

static inline int
scratch_setup(void **state)
{
	(void)state;
	snprintf(tdir, sizeof(tdir), "/tmp/ikeflow-cfgtest.XXXXXX");
	if (mkdtemp(tdir) == NULL)
		return -1;
	log_init("test", 0, 0);
	log_setlevel(LOG_DEBUG);
	log_set_sink(cap_sink, NULL);
	cap_reset();
	return 0;
}

static inline int
scratch_teardown(void **state)
{
	(void)state;
	log_set_sink(NULL, NULL);
	nftw(tdir, rm_one, 8, FTW_DEPTH | FTW_PHYS);
	return 0;
}

#endif
