#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common/log.h"
#include "daemon/daemon_int.h"

int
detach_start(void)
{
	int p[2];
	pid_t pid;
	char c;
	ssize_t n;

	if (pipe2(p, O_CLOEXEC) < 0) {
		log_err("%s: pipe: %s", __func__, strerror(errno));
		return -1;
	}
	if ((pid = fork()) < 0) {
		log_err("%s: fork: %s", __func__, strerror(errno));
		return -1;
	}
	if (pid > 0) {
		/* the caller's process: its exit status says whether the daemon started */
		close(p[1]);
		waitpid(pid, NULL, 0);
		do
			n = read(p[0], &c, 1);
		while (n < 0 && errno == EINTR);
		_exit(n == 1 && c == '0' ? 0 : 1);
	}
	close(p[0]);
	if (setsid() < 0) {
		log_err("%s: setsid: %s", __func__, strerror(errno));
		_exit(1);
	}
	/* a second fork: no longer a session leader, never regains a terminal */
	if ((pid = fork()) < 0) {
		log_err("%s: fork: %s", __func__, strerror(errno));
		_exit(1);
	}
	if (pid > 0)
		_exit(0);
	if (chdir("/") < 0)
		log_warnx("%s: chdir /: %s", __func__, strerror(errno));
	umask(022);
	return p[1];
}

void
detach_done(int fd, int ok)
{
	char c = ok ? '0' : '1';
	int null;

	if (fd < 0)
		return;
	if (write(fd, &c, 1) != 1)
		log_warnx("%s: cannot tell the parent: %s", __func__, strerror(errno));
	close(fd);
	if (!ok)
		return;
	if ((null = open("/dev/null", O_RDWR)) >= 0) {
		dup2(null, STDIN_FILENO);
		dup2(null, STDOUT_FILENO);
		dup2(null, STDERR_FILENO);
		if (null > STDERR_FILENO)
			close(null);
	}
}
