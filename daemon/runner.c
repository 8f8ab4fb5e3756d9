/* The updown runner: a small process forked at start, before the daemon
 * drops its privileges and installs its system call filter, that keeps
 * root to run the updown scripts (iptables wants CAP_NET_ADMIN,
 * CAP_NET_RAW and /run/xtables.lock; an operator's leftupdown may want
 * anything root can do, as under strongSwan).
 *
 * It runs nothing but commands of the configuration: a leftupdown, or the
 * updown_script of a leftfirewall=yes connection (updown_command). It
 * reads the configuration files itself (as the daemon's user, with the
 * same checks, priv_load) when asked for a command
 * it has not seen, and remembers every command it has seen, so that the
 * down of a connection removed by a reload still runs. The environment is
 * the PLUTO_* variables of the request and a fixed PATH, nothing else.
 *
 * One request per script, on a SOCK_SEQPACKET socketpair: the daemon's
 * job process (updown.c, forked and reaped by the daemon as before) sends
 * "CMD\0VAR=VALUE\0...", the script's output descriptor and a socket of
 * its own; the runner's handler runs /bin/sh -c CMD in a process group,
 * writes the wait status on that socket, and kills the group if the job
 * process goes away first (the daemon's timeout). Refusals are written on
 * the output descriptor, so that they reach the daemon's log. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common/log.h"
#include "config/config.h"
#include "daemon/daemon_int.h"
#include "daemon/updown.h"

#define RUN_MSG_MAX	65536
#define RUN_ENV_MAX	64
#define RUN_PATH	"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

static int sock = -1;
static pid_t runner_pid = -1;

/* the commands seen in the configuration, since start */
static char **allowed;
static size_t nallowed;

int
runner_fd(void)
{
	return sock;
}

static int
allowed_has(const char *cmd)
{
	for (size_t i = 0; i < nallowed; i++)
		if (strcmp(allowed[i], cmd) == 0)
			return 1;
	return 0;
}

static void
allowed_learn(const struct daemon_opts *o)
{
	struct ifl_config *cfg;
	const struct cfg_conn *c;
	struct priv_ids ids;
	char **v;

	/* read as the daemon reads it: the same files, the same checks */
	if ((cfg = priv_load(o, &ids)) == NULL)
		return;
	for (c = cfg->conns; c; c = c->next) {
		char *cmd = updown_command(c, cfg->daemon.updown_script);

		if (cmd == NULL)
			continue;
		if (allowed_has(cmd) ||
		    (v = realloc(allowed, (nallowed + 1) * sizeof(*v))) == NULL) {
			free(cmd);
			continue;
		}
		allowed = v;
		allowed[nallowed++] = cmd;
	}
	config_free(cfg);
}

static void
say(int fd, const char *cmd, const char *why)
{
	dprintf(fd, "not run by the updown runner: %s (%s)\n", why, cmd);
}

/* The handler of one request: runs the script, reports how it ended. */
static void
handle(int jfd, int out, const char *cmd, char **env)
{
	struct pollfd pfd = { .fd = jfd, .events = POLLIN };
	int status, nul;
	pid_t pid;

	signal(SIGCHLD, SIG_DFL);
	if ((pid = fork()) < 0) {
		dprintf(out, "updown runner: fork: %s\n", strerror(errno));
		status = 127 << 8;
		(void)!write(jfd, &status, sizeof(status));
		_exit(1);
	}
	if (pid == 0) {
		setpgid(0, 0);
		if ((nul = open("/dev/null", O_RDONLY)) >= 0)
			dup2(nul, 0);
		dup2(out, 1);
		dup2(out, 2);
		if (close_range(3, ~0U, 0) < 0)
			for (nul = 3; nul < 1024; nul++)
				close(nul);
		signal(SIGPIPE, SIG_DFL);
		signal(SIGHUP, SIG_DFL);
		signal(SIGINT, SIG_DFL);
		execle("/bin/sh", "sh", "-c", cmd, (char *)NULL, env);
		_exit(127);
	}
	setpgid(pid, pid);
	close(out);
	for (;;) {
		pid_t w = waitpid(pid, &status, WNOHANG);

		if (w == pid) {
			(void)!write(jfd, &status, sizeof(status));
			_exit(0);
		}
		if (w < 0 && errno != EINTR)
			_exit(1);
		/* the job process is gone (killed at the daemon's timeout, or
		 * the daemon itself): so goes the script */
		if (poll(&pfd, 1, 100) > 0 && (pfd.revents & (POLLIN | POLLHUP | POLLERR))) {
			kill(-pid, SIGKILL);
			while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
				;
			_exit(0);
		}
	}
}

/* One request: CMD\0VAR=VALUE\0... with two descriptors (job socket, output). */
static void
serve(const struct daemon_opts *o, char *msg, size_t len, int jfd, int out)
{
	char *env[RUN_ENV_MAX + 2], *p = msg, *end = msg + len, *cmd;
	size_t n = 0;
	int status = 126 << 8;

	if (len == 0 || msg[len - 1] != '\0') {
		dprintf(out, "updown runner: malformed request\n");
		goto refuse;
	}
	cmd = p;
	p += strlen(p) + 1;
	env[n++] = RUN_PATH;
	for (; p < end; p += strlen(p) + 1)
		if (strncmp(p, "PLUTO_", 6) == 0 && strchr(p, '=') != NULL &&
		    n < RUN_ENV_MAX)
			env[n++] = p;
	env[n] = NULL;
	if (!allowed_has(cmd))
		allowed_learn(o);
	if (!allowed_has(cmd)) {
		say(out, cmd, "not a leftupdown or leftfirewall command of the "
		    "configuration");
		goto refuse;
	}
	switch (fork()) {
	case -1:
		dprintf(out, "updown runner: fork: %s\n", strerror(errno));
		status = 127 << 8;
		goto refuse;
	case 0:
		close(sock);
		handle(jfd, out, cmd, env);
		_exit(0);
	default:
		close(jfd);
		close(out);
		return;
	}
refuse:
	(void)!write(jfd, &status, sizeof(status));
	close(jfd);
	close(out);
}

/* 1 when a daemon listens on the socket at path (or it cannot be told):
 * a new instance binds its control socket before it takes the pid file's
 * lock, and that socket must not go with the old one's. */
static int
sock_listened(const char *path)
{
	struct sockaddr_un sun;
	int s, r;

	if (strlen(path) >= sizeof(sun.sun_path))
		return 1;
	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	memcpy(sun.sun_path, path, strlen(path));
	if ((s = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) < 0)
		return 1;
	r = connect(s, (struct sockaddr *)&sun, sizeof(sun)) == 0 ||
	    errno != ECONNREFUSED;
	close(s);
	return r;
}

/* The daemon, no longer root, may not remove its pid file and control
 * socket from a directory of root's (/run): done here once it has ended,
 * unless another instance holds the pid file's lock by then, or already
 * listens on the control socket. */
static void
runner_cleanup(const struct daemon_opts *o)
{
	struct cfg_daemon d;
	struct stat st;
	int fd;

	if (reload_settings(o, &d) < 0 ||
	    (fd = open(d.pid_file, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)) < 0)
		return;
	if (flock(fd, LOCK_EX | LOCK_NB) == 0) {
		if (lstat(d.control_socket, &st) == 0 && S_ISSOCK(st.st_mode) &&
		    !sock_listened(d.control_socket))
			unlink(d.control_socket);
		unlink(d.pid_file);
	}
	close(fd);
}

static void
runner_main(const struct daemon_opts *o)
{
	char *msg;
	int nul;

	/* its own session: a terminal's ^C or hangup is the daemon's business */
	setsid();
	signal(SIGHUP, SIG_IGN);
	signal(SIGINT, SIG_IGN);
	signal(SIGPIPE, SIG_IGN);
	signal(SIGCHLD, SIG_IGN);	/* the handlers are reaped by the kernel */
	/* the standard error only in the foreground (-f): a terminal or a
	 * pipe waiting for the daemon's start must not wait for the runner */
	if ((nul = open("/dev/null", O_RDWR)) >= 0) {
		dup2(nul, 0);
		dup2(nul, 1);
		if (!o->foreground) {
			dup2(nul, 2);
			log_init("ikeflowd", 0, 1);
		}
		if (nul > 2)
			close(nul);
	}
	if ((msg = malloc(RUN_MSG_MAX)) == NULL)
		_exit(1);
	for (;;) {
		union {
			struct cmsghdr	hdr;
			char		buf[CMSG_SPACE(2 * sizeof(int))];
		} c;
		struct iovec iov = { msg, RUN_MSG_MAX };
		struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1,
		    .msg_control = c.buf, .msg_controllen = sizeof(c.buf) };
		struct cmsghdr *cm;
		int fds[2] = { -1, -1 };
		ssize_t n;

		if ((n = recvmsg(sock, &mh, MSG_CMSG_CLOEXEC)) < 0) {
			if (errno == EINTR)
				continue;
			_exit(1);
		}
		if (n == 0) {		/* the daemon has ended */
			runner_cleanup(o);
			_exit(0);
		}
		if ((cm = CMSG_FIRSTHDR(&mh)) != NULL && cm->cmsg_level == SOL_SOCKET &&
		    cm->cmsg_type == SCM_RIGHTS &&
		    cm->cmsg_len == CMSG_LEN(2 * sizeof(int)))
			memcpy(fds, CMSG_DATA(cm), sizeof(fds));
		else if (cm != NULL && cm->cmsg_type == SCM_RIGHTS) {
			/* close whatever came, never run without a way back */
			int k = (int)((cm->cmsg_len - CMSG_LEN(0)) / sizeof(int));

			for (int i = 0; i < k && i < 2; i++) {
				memcpy(&fds[0], CMSG_DATA(cm) + i * sizeof(int), sizeof(int));
				close(fds[0]);
			}
			continue;
		}
		if (fds[0] < 0 || (mh.msg_flags & (MSG_TRUNC | MSG_CTRUNC))) {
			if (fds[0] >= 0) {
				close(fds[0]);
				close(fds[1]);
			}
			continue;
		}
		serve(o, msg, (size_t)n, fds[0], fds[1]);
	}
}

int
runner_start(const struct daemon_opts *o)
{
	int sv[2];
	pid_t pid;

	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0) {
		log_err("updown runner: socketpair: %s", strerror(errno));
		return -1;
	}
	if ((pid = fork()) < 0) {
		log_err("updown runner: fork: %s", strerror(errno));
		close(sv[0]);
		close(sv[1]);
		return -1;
	}
	if (pid == 0) {
		/* nothing of the daemon's goes along but the standard error */
		close(sv[0]);
		if (sv[1] > 3)
			close_range(3, (unsigned)sv[1] - 1, 0);
		close_range((unsigned)sv[1] + 1, ~0U, 0);
		sock = sv[1];
		runner_main(o);
		_exit(0);
	}
	close(sv[1]);
	sock = sv[0];
	runner_pid = pid;
	return 0;
}

void
runner_stop(void)
{
	if (sock >= 0)
		close(sock);	/* the runner ends on the end of file */
	sock = -1;
	if (runner_pid > 0)
		while (waitpid(runner_pid, NULL, 0) < 0 && errno == EINTR)
			;
	runner_pid = -1;
}

/* In a job process of updown.c, after fork: only async-signal-safe calls.
 * msg is the request prepared before the fork; out the script's output.
 * Returns the script's wait status, or -1 when the runner did not answer. */
int
runner_run(const char *msg, size_t len, int out)
{
	union {
		struct cmsghdr	hdr;
		char		buf[CMSG_SPACE(2 * sizeof(int))];
	} c;
	struct iovec iov = { (void *)msg, len };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1,
	    .msg_control = c.buf, .msg_controllen = sizeof(c.buf) };
	struct cmsghdr *cm;
	int js[2], fds[2], status;
	ssize_t n;

	if (sock < 0 || socketpair(AF_UNIX, SOCK_SEQPACKET, 0, js) < 0)
		return -1;
	memset(&c, 0, sizeof(c));
	cm = CMSG_FIRSTHDR(&mh);
	cm->cmsg_level = SOL_SOCKET;
	cm->cmsg_type = SCM_RIGHTS;
	cm->cmsg_len = CMSG_LEN(sizeof(fds));
	fds[0] = js[1];
	fds[1] = out;
	memcpy(CMSG_DATA(cm), fds, sizeof(fds));
	if (sendmsg(sock, &mh, MSG_NOSIGNAL) != (ssize_t)len)
		return -1;
	close(js[1]);
	while ((n = read(js[0], &status, sizeof(status))) < 0 && errno == EINTR)
		;
	return n == (ssize_t)sizeof(status) ? status : -1;
}
