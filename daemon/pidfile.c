#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

#include "common/log.h"
#include "daemon/daemon_int.h"

/* The lock, not the file's presence, says whether an instance runs: a
 * daemon that was killed leaves the file but its lock died with it. */
int
pidfile_open(const char *path)
{
	char text[32] = "";
	int fd, tries;

	for (tries = 0; tries < 2; tries++) {
		fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
		if (fd >= 0) {
			if (flock(fd, LOCK_EX | LOCK_NB) == 0)
				return fd;
			/* someone opened our fresh file first: leave it to them */
			log_err("pid file %s: flock: %s", path, strerror(errno));
			close(fd);
			return -1;
		}
		if (errno != EEXIST) {
			log_err("pid file %s: %s", path, strerror(errno));
			return -1;
		}
		if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)) < 0) {
			if (errno == ENOENT)
				continue;
			log_err("pid file %s: %s", path, strerror(errno));
			return -1;
		}
		if (flock(fd, LOCK_EX | LOCK_NB) < 0) {
			ssize_t n = read(fd, text, sizeof(text) - 1);

			text[n > 0 ? n : 0] = '\0';
			text[strcspn(text, "\n")] = '\0';
			log_err("ikeflowd is already running (pid %s, pid file %s)",
			    text[0] ? text : "unknown", path);
			close(fd);
			return -1;
		}
		log_notice("pid file %s: left by an instance that is gone, "
		    "taking it over", path);
		unlink(path);
		close(fd);
	}
	log_err("pid file %s: cannot create it", path);
	return -1;
}

int
pidfile_write(int fd)
{
	char text[32];
	int n;

	n = snprintf(text, sizeof(text), "%ld\n", (long)getpid());
	if (ftruncate(fd, 0) < 0 || pwrite(fd, text, (size_t)n, 0) != n) {
		log_err("%s: %s", __func__, strerror(errno));
		return -1;
	}
	return 0;
}

void
pidfile_remove(const char *path, int fd)
{
	if (fd < 0)
		return;
	/* unlink while still holding the lock, so no newcomer sees our file */
	unlink(path);
	close(fd);
}

/* Two daemons writing one state directory would overwrite each other's
 * history: the directory gets a lock of its own, held for the daemon's life. */
int
statedir_lock(const char *dir)
{
	char path[4096];
	int fd;

	if ((size_t)snprintf(path, sizeof(path), "%s/lock", dir) >= sizeof(path)) {
		log_err("state directory %s: path too long", dir);
		return -1;
	}
	if ((fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600)) < 0) {
		log_err("state directory %s: %s: %s", dir, path, strerror(errno));
		return -1;
	}
	if (flock(fd, LOCK_EX | LOCK_NB) < 0) {
		log_err("state directory %s is in use by another ikeflowd", dir);
		close(fd);
		return -1;
	}
	return fd;
}
