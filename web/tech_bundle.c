/* GET /tech-support.tar.gz: the diagnostic bundle of `ikeflowctl tech-support
 * bundle`, made by that very command in a child process (ikeflowctl -s
 * CONTROL_SOCKET tech-support bundle -o -), so the archive is the same, it is
 * never whole in memory, and nothing here blocks: the child asks ikeflowd
 * over the control socket, which this loop keeps serving, and writes the
 * archive into a pipe. The response's content reader copies what the pipe
 * holds; when it is empty the connection is suspended and the pipe watched
 * in the loop, which resumes the connection when the child writes more.
 *
 * MHD does not see a client leave while its connection is suspended, so the
 * client's socket is watched too: a client that goes away gets its child
 * killed at once, not at the child's next write. A child silent for
 * TB_IDLE_MS is killed as well (a suspended connection never times out).
 * Children run in a process group of their own (ikeflowctl runs ikeflowd
 * --check-config: both are killed together) and are reaped on SIGCHLD; the
 * archive ends cleanly only when the child exited 0, otherwise the
 * connection is cut so the client sees an incomplete download. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <microhttpd.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common/addr.h"
#include "common/log.h"
#include "common/loop.h"
#include "web/web_server.h"

#ifndef SBINDIR
#define SBINDIR		"/usr/sbin"
#endif

#define TB_MAX		2		/* bundles made at once */
#define TB_IDLE_MS	(90 * 1000)	/* a child silent this long is killed */

extern char **environ;

struct tb {
	int			 used;
	pid_t			 pid;		/* > 0 until reaped */
	int			 fd;		/* the archive pipe, -1 once at its end */
	int			 errfd;		/* the child's stderr, read when it ends */
	int			 sock;		/* the client, watched while suspended */
	struct MHD_Connection	*conn;		/* NULL once MHD freed the response */
	struct loop_timer	*idle;
	int			 suspended;
	int			 pipe_watched;
	int			 reaped, status;
	int			 gone;		/* client left or child killed */
	unsigned long long	 bytes;
	char			 client[ADDR_STRLEN];
};

static struct tb tbs[TB_MAX];
static char tool[PATH_MAX];
static int sigchld_watched;

void
web_bundle_tool(const char *path)
{
	snprintf(tool, sizeof(tool), "%s", path ? path : "");
}

/* The ikeflowctl beside this ikeflowd (a build tree, a package's sbin),
 * else the installed one. */
static const char *
tool_path(void)
{
	static char dflt[PATH_MAX];
	char self[PATH_MAX - 16], *slash;
	ssize_t n;

	if (tool[0])
		return tool;
	if ((n = readlink("/proc/self/exe", self, sizeof(self) - 1)) > 0) {
		self[n] = '\0';
		if ((slash = strrchr(self, '/')) != NULL) {
			*slash = '\0';
			snprintf(dflt, sizeof(dflt), "%s/ikeflowctl", self);
			if (access(dflt, X_OK) == 0)
				return dflt;
		}
	}
	snprintf(dflt, sizeof(dflt), "%s/ikeflowctl", SBINDIR);
	return dflt;
}

static void
unwatch_pipe(struct tb *t)
{
	if (t->pipe_watched) {
		loop_fd_del(t->fd);
		t->pipe_watched = 0;
	}
}

static void
resume(struct tb *t)
{
	if (!t->suspended)
		return;
	if (t->sock >= 0) {
		loop_fd_del(t->sock);
		t->sock = -1;
	}
	unwatch_pipe(t);
	t->suspended = 0;
	MHD_resume_connection(t->conn);
	web_server_wake();	/* MHD takes it back in its next run */
}

static void
kill_child(struct tb *t)
{
	if (t->pid > 0 && !t->reaped)
		kill(-t->pid, SIGKILL);
}

/* The child's last words (why parts are missing, or why it failed), into
 * the log, once it has ended: they are all in the pipe by then. */
static void
log_child_stderr(struct tb *t)
{
	char msg[2048], *line, *save = NULL;
	ssize_t n;

	if (t->errfd < 0)
		return;
	n = read(t->errfd, msg, sizeof(msg) - 1);
	close(t->errfd);
	t->errfd = -1;
	if (n <= 0)
		return;
	msg[n] = '\0';
	for (line = strtok_r(msg, "\n", &save); line; line = strtok_r(NULL, "\n", &save))
		log_info("web: tech-support bundle for %s: %s", t->client, line);
}

static void
slot_release(struct tb *t)
{
	if (!t->used || t->conn || (t->pid > 0 && !t->reaped))
		return;
	if (t->idle)
		loop_timer_free(t->idle);
	if (t->errfd >= 0)
		close(t->errfd);
	memset(t, 0, sizeof(*t));
	t->fd = t->errfd = t->sock = -1;
}

static void
on_sigchld(int signo, void *arg)
{
	(void)signo;
	(void)arg;
	for (int i = 0; i < TB_MAX; i++) {
		struct tb *t = &tbs[i];
		int st;

		if (!t->used || t->pid <= 0 || t->reaped ||
		    waitpid(t->pid, &st, WNOHANG) != t->pid)
			continue;
		t->reaped = 1;
		t->status = st;
		log_child_stderr(t);
		if (WIFEXITED(st) && WEXITSTATUS(st) == 0)
			log_info("web: tech-support bundle for %s: %llu bytes sent%s",
			    t->client, t->bytes, t->gone ? " before it was cut" : "");
		else if (!t->gone)
			log_warnx("web: tech-support bundle for %s: ikeflowctl (pid %ld) %s "
			    "%d: the download is cut", t->client, (long)t->pid,
			    WIFEXITED(st) ? "exited with status" : "ended by signal",
			    WIFEXITED(st) ? WEXITSTATUS(st) : WTERMSIG(st));
		loop_timer_stop(t->idle);
		/* a reader waiting for the end of the child */
		resume(t);
		slot_release(t);
	}
}

static void
on_pipe(int fd, uint32_t events, void *arg)
{
	(void)fd;
	(void)events;
	resume(arg);
}

static void
on_client_gone(int fd, uint32_t events, void *arg)
{
	struct tb *t = arg;

	(void)fd;
	(void)events;
	log_info("web: tech-support bundle for %s: the client went away; ikeflowctl "
	    "(pid %ld) killed", t->client, (long)t->pid);
	t->gone = 1;
	kill_child(t);
	resume(t);
}

static void
on_idle(void *arg)
{
	struct tb *t = arg;

	if (t->reaped)
		return;
	log_warnx("web: tech-support bundle for %s: ikeflowctl (pid %ld) wrote nothing "
	    "for %d s: killed", t->client, (long)t->pid, TB_IDLE_MS / 1000);
	t->gone = 1;
	kill_child(t);
	resume(t);
}

/* Waits, suspended, for the pipe to be readable (or the child to end:
 * pipe = 0), and for the client's socket to close. */
static void
suspend(struct tb *t, int pipe)
{
	const union MHD_ConnectionInfo *ci;

	if (pipe && loop_fd_add(t->fd, EPOLLIN, on_pipe, t) == 0) {
		loop_fd_name(t->fd, "HTTP tech-support bundle");
		t->pipe_watched = 1;
	}
	ci = MHD_get_connection_info(t->conn, MHD_CONNECTION_INFO_CONNECTION_FD);
	if (ci && loop_fd_add(ci->connect_fd, EPOLLRDHUP, on_client_gone, t) == 0)
		t->sock = ci->connect_fd;
	MHD_suspend_connection(t->conn);
	t->suspended = 1;
}

static ssize_t
tb_read(void *cls, uint64_t pos, char *dst, size_t max)
{
	struct tb *t = cls;
	ssize_t n;

	(void)pos;
	if (t->gone)
		return MHD_CONTENT_READER_END_WITH_ERROR;
	while (t->fd >= 0) {
		n = read(t->fd, dst, max);
		if (n > 0) {
			t->bytes += (unsigned long long)n;
			loop_timer_set(t->idle, TB_IDLE_MS);
			return n;
		}
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == EAGAIN) {
			suspend(t, 1);
			return 0;
		}
		if (n < 0) {
			log_warnx("web: tech-support bundle for %s: reading from ikeflowctl: "
			    "%s", t->client, strerror(errno));
			t->gone = 1;
			kill_child(t);
			return MHD_CONTENT_READER_END_WITH_ERROR;
		}
		close(t->fd);
		t->fd = -1;
	}
	/* the whole archive is out; it is complete if ikeflowctl says so */
	if (!t->reaped) {
		suspend(t, 0);
		return 0;
	}
	if (WIFEXITED(t->status) && WEXITSTATUS(t->status) == 0)
		return MHD_CONTENT_READER_END_OF_STREAM;
	return MHD_CONTENT_READER_END_WITH_ERROR;
}

static void
tb_free(void *cls)
{
	struct tb *t = cls;

	if (t->suspended)	/* not expected: MHD frees resumed connections */
		resume(t);
	if (!t->reaped && t->pid > 0 && !t->gone) {
		log_info("web: tech-support bundle for %s: the download ended early; "
		    "ikeflowctl (pid %ld) killed", t->client, (long)t->pid);
		t->gone = 1;
	}
	kill_child(t);
	unwatch_pipe(t);
	if (t->fd >= 0)
		close(t->fd);
	t->fd = -1;
	t->conn = NULL;
	slot_release(t);
}

/* The child: ikeflowctl writing the archive to out, its messages to err, in
 * a process group of its own, with the default signal dispositions and no
 * signal blocked (the loop blocks those it reads from a signalfd). */
static pid_t
spawn(const char *path, const char *ctl_socket, int out, int err)
{
	char *argv[] = { (char *)path, "-s", (char *)ctl_socket, "tech-support", "bundle",
	    "-o", "-", NULL };
	posix_spawn_file_actions_t fa;
	posix_spawnattr_t sa;
	sigset_t none, all;
	pid_t pid;
	int rc;

	sigemptyset(&none);
	sigfillset(&all);
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
	posix_spawn_file_actions_adddup2(&fa, out, 1);
	posix_spawn_file_actions_adddup2(&fa, err, 2);
	posix_spawnattr_init(&sa);
	posix_spawnattr_setflags(&sa, POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK |
	    POSIX_SPAWN_SETSIGDEF);
	posix_spawnattr_setpgroup(&sa, 0);
	posix_spawnattr_setsigmask(&sa, &none);
	posix_spawnattr_setsigdefault(&sa, &all);
	rc = posix_spawn(&pid, path, &fa, &sa, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	posix_spawnattr_destroy(&sa);
	if (rc != 0) {
		errno = rc;
		return -1;
	}
	return pid;
}

struct MHD_Response *
web_bundle_response(struct MHD_Connection *c, const char *ctl_socket, const char *client,
    unsigned *status, const char **why)
{
	struct MHD_Response *r;
	struct tb *t = NULL;
	const char *path = tool_path();
	int p[2] = { -1, -1 }, e[2] = { -1, -1 };

	*status = MHD_HTTP_INTERNAL_SERVER_ERROR;
	*why = "the bundle could not be started (see the log)";
	for (int i = 0; i < TB_MAX && t == NULL; i++)
		if (!tbs[i].used)
			t = &tbs[i];
	if (t == NULL) {
		*status = MHD_HTTP_SERVICE_UNAVAILABLE;
		*why = "Two bundles are being made already: try again in a minute.";
		return NULL;
	}
	if (!sigchld_watched) {
		if (loop_signal(SIGCHLD, on_sigchld, NULL) < 0) {
			log_warnx("web: tech-support bundle: cannot watch for children ending");
			return NULL;
		}
		sigchld_watched = 1;
	}
	if (pipe2(p, O_CLOEXEC) < 0 || pipe2(e, O_CLOEXEC | O_NONBLOCK) < 0 ||
	    fcntl(p[0], F_SETFL, O_NONBLOCK) < 0) {
		log_warnx("web: tech-support bundle for %s: pipe: %s", client, strerror(errno));
		goto fail;
	}
	memset(t, 0, sizeof(*t));
	t->fd = t->errfd = t->sock = -1;
	if ((t->idle = loop_timer_new(on_idle, t)) == NULL) {
		log_warnx("web: tech-support bundle for %s: out of memory", client);
		goto fail;
	}
	loop_timer_name(t->idle, "HTTP tech-support bundle");
	if ((t->pid = spawn(path, ctl_socket, p[1], e[1])) < 0) {
		log_warnx("web: tech-support bundle for %s: %s: %s", client, path,
		    strerror(errno));
		loop_timer_free(t->idle);
		t->idle = NULL;
		t->pid = 0;
		goto fail;
	}
	close(p[1]);
	close(e[1]);
	t->used = 1;
	t->fd = p[0];
	t->errfd = e[0];
	t->conn = c;
	snprintf(t->client, sizeof(t->client), "%s", client);
	loop_timer_set(t->idle, TB_IDLE_MS);
	log_info("web: tech-support bundle for %s: ikeflowctl pid %ld", client, (long)t->pid);
	r = MHD_create_response_from_callback(MHD_SIZE_UNKNOWN, 32 * 1024, tb_read, t,
	    tb_free);
	if (r == NULL)
		tb_free(t);	/* kills the child; reaped on SIGCHLD */
	return r;
fail:
	for (int i = 0; i < 2; i++) {
		if (p[i] >= 0)
			close(p[i]);
		if (e[i] >= 0)
			close(e[i]);
	}
	return NULL;
}

void
web_bundle_stop_all(void)
{
	for (int i = 0; i < TB_MAX; i++) {
		struct tb *t = &tbs[i];

		if (!t->used || t->conn == NULL)
			continue;
		t->gone = 1;
		kill_child(t);
		resume(t);
	}
}
