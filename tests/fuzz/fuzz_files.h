/* Shared by the fuzz targets of the file parsers: a scratch directory made
 * once per run, the input written to a file in it (the parsers read files,
 * includes and all), and a log sink that checks every line. */
#ifndef FUZZ_FILES_H
#define FUZZ_FILES_H

#include <fcntl.h>
#include <ftw.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/log.h"

#define FUZZ_CHECK(x)	do { if (!(x)) abort(); } while (0)

/* A word no message may repeat: the seeds put it where a secret would be. */
#define FUZZ_CANARY	"zzSECRETzz"

static char fuzz_dir[64];

static void
fuzz_sink(int prio, const char *line, void *arg)
{
	(void)prio;
	(void)arg;
	if (arg != NULL && strstr(line, FUZZ_CANARY) != NULL) {
		fprintf(stderr, "secret echoed in the log: %s\n", line);
		abort();
	}
}

static int
fuzz_rm(const char *p, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(p);
}

static void
fuzz_files_cleanup(void)
{
	nftw(fuzz_dir, fuzz_rm, 8, FTW_DEPTH | FTW_PHYS);
}

/* The scratch directory (removed at exit), quiet logging; canary: lines
 * are checked for it. */
static void
fuzz_files_init(int canary)
{
	if (fuzz_dir[0])
		return;
	snprintf(fuzz_dir, sizeof(fuzz_dir), access("/dev/shm", W_OK) == 0 ?
	    "/dev/shm/ikeflow-fuzz.XXXXXX" : "/tmp/ikeflow-fuzz.XXXXXX");
	if (mkdtemp(fuzz_dir) == NULL)
		abort();
	atexit(fuzz_files_cleanup);
	log_init("fuzz", getenv("FUZZ_VERBOSE") != NULL, 0);	/* to debug */
	log_setlevel(LOG_DEBUG);
	log_set_sink(fuzz_sink, canary ? fuzz_dir : NULL);
}

/* Writes data to DIR/name with mode; returns the path (static). */
static const char *
fuzz_put(const char *name, const uint8_t *data, size_t size, mode_t mode)
{
	static char path[2][128];
	static int slot;
	char *p = path[slot++ % 2];
	int fd;

	snprintf(p, 128, "%s/%s", fuzz_dir, name);
	unlink(p);
	if ((fd = open(p, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode)) < 0)
		abort();
	if (size && write(fd, data, size) != (ssize_t)size)
		abort();
	if (fchmod(fd, mode) < 0)
		abort();
	close(fd);
	return p;
}

#endif
