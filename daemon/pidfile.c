#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/log.h"
#include "daemon/daemon_int.h"

/* The run directory (RUNSTATEDIR) need not exist yet: a build that was
 * never installed, or a tmpfs /run after boot. Make every missing parent of
 * the pid file, 0755 whatever the umask, as other daemons do. */
static int
pidfile_dir_make(const char *path)
{
	char dir[4096], *p;
	struct stat st;

	if ((size_t)snprintf(dir, sizeof(dir), "%s", path) >= sizeof(dir)) {
		log_err("pid file %s: path too long", path);
		return -1;
	}
	if ((p = strrchr(dir, '/')) == NULL || p == dir)
		return 0;
	*p = '\0';
	if (stat(dir, &st) == 0 && S_ISDIR(st.st_mode))
		return 0;
	for (p = dir + 1; ; p++) {
		int last = *p == '\0';

		if (*p != '/' && !last)
			continue;
		*p = '\0';
		if (mkdir(dir, 0755) == 0)
			(void)chmod(dir, 0755);
		else if (errno != EEXIST ||
		    (stat(dir, &st) == 0 && !S_ISDIR(st.st_mode))) {
			if (errno == EEXIST)
				errno = ENOTDIR;
			log_err("pid file %s: cannot create directory %s: %s; "
			    "name a writable place with --pid-file FILE or "
			    "pid_file in ikeflowd.conf", path, dir,
			    strerror(errno));
			return -1;
		}
		if (last)
			return 0;
		*p = '/';
	}
}

/* The lock, not the file's presence, says whether an instance runs: a
 * daemon that was killed leaves the file but its lock died with it. */
int
pidfile_open(const char *path)
{
	char text[32] = "";
	int fd, tries;

	if (pidfile_dir_make(path) < 0)
		return -1;
	for (tries = 0; tries < 2; tries++) {
		fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
		if (fd >= 0) {
			/* readable by all, as pid files are, whatever the umask */
			(void)fchmod(fd, 0644);
			if (flock(fd, LOCK_EX | LOCK_NB) == 0)
				return fd;
			/* someone opened our fresh file first: leave it to them */
			log_err("pid file %s: flock: %s", path, strerror(errno));
			close(fd);
			return -1;
		}
		if (errno != EEXIST) {
			log_err("pid file %s: %s; name a writable place with "
			    "--pid-file FILE or pid_file in ikeflowd.conf",
			    path, strerror(errno));
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
