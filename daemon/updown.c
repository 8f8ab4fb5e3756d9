/* leftupdown / leftfirewall: the updown scripts strongSwan users keep.
 * A tunnel that comes up queues one job per selector pair; its down reuses
 * the environment its up had (the connection may have been reloaded or
 * removed since, and the rules to remove are the ones that were added).
 * Jobs of one connection run one after the other, in order; jobs of
 * different connections run side by side, a few at a time. Each is
 * /bin/sh -c CMD in its own process group, stdout and stderr on a pipe
 * read from the event loop, reaped on SIGCHLD and killed at the timeout.
 * The keying engine never sees any of this: ike_env.c calls updown_child. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <ifaddrs.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common/addr.h"
#include "common/log.h"
#include "common/loop.h"
#include "config/config.h"
#include "daemon/daemon.h"
#include "daemon/daemon_int.h"
#include "daemon/ike_daemon.h"
#include "daemon/updown.h"
#include "state/state.h"

#define UD_OUT_MAX	2048	/* script output kept for the log */
#define UD_RUNNING_MAX	8	/* scripts at once */
#define UD_PATH		"/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

struct ud_job {
	char		conn[CFG_NAME_MAX];
	uint32_t	reqid;
	char		verb[24];
	char		*cmd;
	char		**env;
	pid_t		pid;		/* 0: not started */
	int		fd;		/* output pipe, -1 when closed */
	int		timed_out;
	uint64_t	deadline;
	char		out[UD_OUT_MAX];
	size_t		outlen;
	int		truncated;
	struct ud_job	*next;
};

/* A tunnel whose up ran: what its down needs. */
struct ud_tunnel {
	uint32_t	child_index;
	char		conn[CFG_NAME_MAX];
	uint32_t	reqid;
	char		*cmd;
	size_t		nenv;
	char		***env;		/* one per selector pair, as up had it */
	struct ud_tunnel *next;
};

static int started;
static struct ud_job *jobs;		/* FIFO */
static struct ud_tunnel *tunnels;
static unsigned nrunning;
static struct loop_timer *timer;
static char ud_script[CFG_PATH_MAX];
static uint32_t timeout_s = 30;

/* ---- the environment ---- */

struct envb {
	char	**v;
	size_t	n, cap;
	int	failed;
};

static void
env_push(struct envb *e, const char *fmt, ...)
{
	va_list ap;
	char *s;
	int r;

	if (e->failed)
		return;
	if (e->n + 2 > e->cap) {
		size_t cap = e->cap ? e->cap * 2 : 32;
		char **v = realloc(e->v, cap * sizeof(*v));

		if (v == NULL) {
			e->failed = 1;
			return;
		}
		e->v = v;
		e->cap = cap;
	}
	va_start(ap, fmt);
	r = vasprintf(&s, fmt, ap);
	va_end(ap);
	if (r < 0) {
		e->failed = 1;
		return;
	}
	e->v[e->n++] = s;
	e->v[e->n] = NULL;
}

void
updown_env_free(char **env)
{
	size_t i;

	if (env == NULL)
		return;
	for (i = 0; env[i]; i++)
		free(env[i]);
	free(env);
}

/* PLUTO_MY_PORT / PLUTO_PEER_PORT: one port, 0 for any, else the range as
 * iptables writes it; for ICMP the selectors carry type and code. */
static void
port_str(const struct ikev2_ts *me, const struct ikev2_ts *other, int local,
    char *dst, size_t len)
{
	const struct ikev2_ts *t = local ? me : other;
	uint8_t proto = me->proto ? me->proto : other->proto;

	if (proto == IPPROTO_ICMP || proto == IPPROTO_ICMPV6) {
		uint16_t p = me->sport > other->sport ? me->sport : other->sport;

		snprintf(dst, len, "%u", local ? p >> 8 : p & 0xff);
	} else if (t->sport == t->eport || (t->sport == 0 && t->eport == 0xffff))
		snprintf(dst, len, "%u", t->sport);
	else
		snprintf(dst, len, "%u:%u", t->sport, t->eport);
}

static void
push_client(struct envb *e, const char *who, const struct ikev2_ts *ts)
{
	struct ifl_subnet n;
	struct ifl_addr mask;
	char a[ADDR_STRLEN], m[ADDR_STRLEN];

	ike_ts_subnet(ts, &n);
	subnet_mask(&n, &mask);
	addr_str(&n.addr, a, sizeof(a));
	env_push(e, "PLUTO_%s_CLIENT=%s/%u", who, a, n.plen);
	env_push(e, "PLUTO_%s_CLIENT_NET=%s", who, a);
	env_push(e, "PLUTO_%s_CLIENT_MASK=%s", who, addr_str(&mask, m, sizeof(m)));
}

/* The local selector is the gateway itself: up-host rather than up-client. */
static int
is_host(const struct ikev2_ts *ts, const struct ifl_addr *me)
{
	return addr_cmp(&ts->start, me) == 0 && addr_cmp(&ts->end, me) == 0;
}

char **
updown_env(const struct ike_child_sa *c, size_t i, size_t j, int up,
    const struct updown_ctx *x)
{
	const struct ikev2_ts *l = &c->ts_local[i], *r = &c->ts_remote[j];
	struct envb e = { 0 };
	char a[ADDR_STRLEN], port[16];

	env_push(&e, "PATH=%s", x->path ? x->path : UD_PATH);
	env_push(&e, "PLUTO_VERSION=1.1");
	/* the -v6 suffix follows the outer (gateway to gateway) family */
	env_push(&e, "PLUTO_VERB=%s-%s%s", up ? "up" : "down",
	    is_host(l, &c->local) ? "host" : "client",
	    c->local.family == AF_INET6 ? "-v6" : "");
	env_push(&e, "PLUTO_CONNECTION=%s", c->conn);
	env_push(&e, "PLUTO_INTERFACE=%s", x->iface && *x->iface ? x->iface : "unknown");
	env_push(&e, "PLUTO_REQID=%u", c->reqid);
	env_push(&e, "PLUTO_PROTO=%s", c->proto == IPPROTO_AH ? "ah" : "esp");
	env_push(&e, "PLUTO_UNIQUEID=%u", x->uniqueid);
	env_push(&e, "PLUTO_ME=%s", addr_str(&c->local, a, sizeof(a)));
	env_push(&e, "PLUTO_MY_ID=%s", x->my_id ? x->my_id : a);
	push_client(&e, "MY", l);
	port_str(l, r, 1, port, sizeof(port));
	env_push(&e, "PLUTO_MY_PORT=%s", port);
	env_push(&e, "PLUTO_MY_PROTOCOL=%u", l->proto);
	env_push(&e, "PLUTO_PEER=%s", addr_str(&c->remote, a, sizeof(a)));
	env_push(&e, "PLUTO_PEER_ID=%s", x->peer_id ? x->peer_id : a);
	push_client(&e, "PEER", r);
	port_str(l, r, 0, port, sizeof(port));
	env_push(&e, "PLUTO_PEER_PORT=%s", port);
	env_push(&e, "PLUTO_PEER_PROTOCOL=%u", r->proto);
	if (x->mark_mask) {
		/* mark= marks both directions */
		env_push(&e, "PLUTO_MARK_IN=%u/0x%08x", x->mark, x->mark_mask);
		env_push(&e, "PLUTO_MARK_OUT=%u/0x%08x", x->mark, x->mark_mask);
	}
	if (c->encap)
		env_push(&e, "PLUTO_UDP_ENC=%u", c->remote_port);
	if (e.failed) {
		updown_env_free(e.v);
		return NULL;
	}
	return e.v;
}

/* ---- jobs ---- */

static void job_finish(struct ud_job *j);
static void jobs_start(void);

static void
job_free(struct ud_job *j)
{
	free(j->cmd);
	updown_env_free(j->env);
	free(j);
}

static const char *
env_get(char **env, const char *name)
{
	size_t n = strlen(name), i;

	for (i = 0; env && env[i]; i++)
		if (strncmp(env[i], name, n) == 0 && env[i][n] == '=')
			return env[i] + n + 1;
	return "";
}

/* Queues cmd with env (taken over). */
static void
job_queue(const char *conn, uint32_t reqid, const char *cmd, char **env)
{
	struct ud_job *j, **pp;

	if ((j = calloc(1, sizeof(*j))) == NULL || (j->cmd = strdup(cmd)) == NULL) {
		log_err("IKE:%s: updown %s not run: out of memory", conn,
		    env_get(env, "PLUTO_VERB"));
		free(j);
		updown_env_free(env);
		return;
	}
	snprintf(j->conn, sizeof(j->conn), "%s", conn);
	snprintf(j->verb, sizeof(j->verb), "%s", env_get(env, "PLUTO_VERB"));
	j->reqid = reqid;
	j->env = env;
	j->fd = -1;
	for (pp = &jobs; *pp; pp = &(*pp)->next)
		;
	*pp = j;
}

static void
timer_arm(void)
{
	struct ud_job *j;
	uint64_t next = 0, now = loop_now_ms();

	if (timer == NULL)
		return;
	for (j = jobs; j; j = j->next)
		if (j->pid > 0 && !j->timed_out && (next == 0 || j->deadline < next))
			next = j->deadline;
	if (next == 0)
		loop_timer_stop(timer);
	else
		loop_timer_set(timer, next > now ? next - now : 0);
}

static void
job_read(struct ud_job *j)
{
	char buf[1024];
	ssize_t n;

	while (j->fd >= 0) {
		n = read(j->fd, buf, sizeof(buf));
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == EAGAIN)
			return;
		if (n <= 0) {
			loop_fd_del(j->fd);
			close(j->fd);
			j->fd = -1;
			return;
		}
		/* the rest is read and dropped: the script must not block */
		if (j->outlen < sizeof(j->out) - 1) {
			size_t k = (size_t)n;

			if (k > sizeof(j->out) - 1 - j->outlen) {
				k = sizeof(j->out) - 1 - j->outlen;
				j->truncated = 1;
			}
			memcpy(j->out + j->outlen, buf, k);
			j->outlen += k;
		} else
			j->truncated = 1;
	}
}

static void
on_output(int fd, uint32_t events, void *arg)
{
	(void)fd;
	(void)events;
	job_read(arg);
}

/* The request for the runner (runner.c): "CMD\0VAR=VALUE\0...", made
 * before the fork (no malloc after it). NULL without a runner. */
static char *
job_request(const struct ud_job *j, size_t *len)
{
	size_t n = strlen(j->cmd) + 1, i;
	char *m, *p;

	for (i = 0; j->env && j->env[i]; i++)
		n += strlen(j->env[i]) + 1;
	if (runner_fd() < 0 || (m = malloc(n)) == NULL)
		return NULL;
	p = stpcpy(m, j->cmd) + 1;
	for (i = 0; j->env && j->env[i]; i++)
		p = stpcpy(p, j->env[i]) + 1;
	*len = n;
	return m;
}

static int
job_start(struct ud_job *j)
{
	int p[2], nul;
	pid_t pid;
	size_t reqlen = 0;
	char *req = job_request(j, &reqlen);

	if (runner_fd() >= 0 && req == NULL) {
		log_err("IKE:%s: updown %s not run: out of memory", j->conn, j->verb);
		return -1;
	}
	if (pipe2(p, O_CLOEXEC) < 0) {
		log_err("IKE:%s: updown %s not run: pipe: %s", j->conn, j->verb,
		    strerror(errno));
		free(req);
		return -1;
	}
	if ((pid = fork()) < 0) {
		log_err("IKE:%s: updown %s not run: fork: %s", j->conn, j->verb,
		    strerror(errno));
		free(req);
		close(p[0]);
		close(p[1]);
		return -1;
	}
	if (pid == 0) {
		sigset_t none;

		/* only async-signal-safe calls from here: other threads exist */
		sigemptyset(&none);
		sigprocmask(SIG_SETMASK, &none, NULL);
		signal(SIGPIPE, SIG_DFL);
		setpgid(0, 0);
		if ((nul = open("/dev/null", O_RDONLY)) >= 0)
			dup2(nul, 0);
		dup2(p[1], 1);
		dup2(p[1], 2);
		if (req != NULL) {
			/* the daemon has no privilege left to give the script:
			 * the runner, forked before the drop, runs it as root
			 * and says how it ended, which this process repeats */
			int st = runner_run(req, reqlen, 1);

			if (st < 0) {
				static const char e[] = "the updown runner did not answer\n";

				(void)!write(2, e, sizeof(e) - 1);
				_exit(125);
			}
			if (WIFSIGNALED(st)) {
				signal(WTERMSIG(st), SIG_DFL);
				kill(getpid(), WTERMSIG(st));
			}
			_exit(WIFEXITED(st) ? WEXITSTATUS(st) : 125);
		}
		/* nothing of the daemon's (sockets, netlink) goes along */
		if (close_range(3, ~0U, 0) < 0)
			for (nul = 3; nul < 1024; nul++)
				close(nul);
		execle("/bin/sh", "sh", "-c", j->cmd, (char *)NULL, j->env);
		_exit(127);
	}
	free(req);
	setpgid(pid, pid);
	close(p[1]);
	fcntl(p[0], F_SETFL, fcntl(p[0], F_GETFL) | O_NONBLOCK);
	j->pid = pid;
	j->fd = p[0];
	j->deadline = loop_now_ms() + (uint64_t)timeout_s * 1000;
	if (loop_fd_add(j->fd, EPOLLIN, on_output, j) < 0) {
		/* still reaped and killed at the timeout; its output is lost */
		close(j->fd);
		j->fd = -1;
	} else
		loop_fd_name(j->fd, "updown script");
	nrunning++;
	log_debug("IKE:%s: updown %s started (pid %ld)", j->conn, j->verb, (long)pid);
	return 0;
}

static void
job_unlink(struct ud_job *j)
{
	struct ud_job **pp;

	for (pp = &jobs; *pp && *pp != j; pp = &(*pp)->next)
		;
	if (*pp)
		*pp = j->next;
}

/* The output into the log, one line at a time, unprintable bytes as '?'. */
static void
log_output(int prio, struct ud_job *j)
{
	char *s, *nl;
	size_t i;

	j->out[j->outlen] = '\0';
	for (i = 0; i < j->outlen; i++)
		if (j->out[i] != '\n' && (j->out[i] < 0x20 || j->out[i] == 0x7f))
			j->out[i] = '?';
	for (s = j->out; *s; s = nl + 1) {
		if ((nl = strchr(s, '\n')) != NULL)
			*nl = '\0';
		if (*s)
			log_msg(prio, "IKE:%s: updown %s: %s", j->conn, j->verb, s);
		if (nl == NULL)
			break;
	}
	if (j->truncated)
		log_msg(prio, "IKE:%s: updown %s: (output truncated)", j->conn, j->verb);
}

static void
job_done(struct ud_job *j, int status)
{
	job_read(j);
	if (j->fd >= 0) {
		/* a background process of the script holds the pipe: not ours */
		loop_fd_del(j->fd);
		close(j->fd);
		j->fd = -1;
	}
	nrunning--;
	if (j->timed_out)
		log_err("IKE:%s: updown %s (%s) killed after %u s", j->conn, j->verb,
		    j->cmd, timeout_s);
	else if (WIFEXITED(status) && WEXITSTATUS(status) == 0) {
		log_debug("IKE:%s: updown %s done", j->conn, j->verb);
		log_output(LOG_INFO, j);
	} else if (WIFEXITED(status) && WEXITSTATUS(status) == 127 && j->outlen == 0)
		log_err("IKE:%s: updown %s: /bin/sh could not be run", j->conn, j->verb);
	else if (WIFEXITED(status))
		log_err("IKE:%s: updown %s (%s) failed with exit status %d", j->conn,
		    j->verb, j->cmd, WEXITSTATUS(status));
	else
		log_err("IKE:%s: updown %s (%s) killed by signal %d", j->conn, j->verb,
		    j->cmd, WIFSIGNALED(status) ? WTERMSIG(status) : 0);
	if (j->timed_out || !WIFEXITED(status) || WEXITSTATUS(status) != 0)
		log_output(LOG_ERR, j);
	job_finish(j);
}

static void
job_finish(struct ud_job *j)
{
	char conn[CFG_NAME_MAX];

	snprintf(conn, sizeof(conn), "%s", j->conn);
	job_unlink(j);
	job_free(j);
	if (updown_conn_pending(conn) == 0)
		updown_hold_release(conn, 1);
}

/* Reaps the scripts that ended; 1 when one did. */
static int
jobs_reap(void)
{
	struct ud_job *j, *next;
	int status, any = 0;

	for (j = jobs; j; j = next) {
		next = j->next;
		if (j->pid <= 0)
			continue;
		if (waitpid(j->pid, &status, WNOHANG) != j->pid)
			continue;
		job_done(j, status);
		any = 1;
	}
	return any;
}

/* Starts the jobs whose connection has no earlier job, up to the limit. */
static void
jobs_start(void)
{
	struct ud_job *j, *e, *next;

	for (j = jobs; j && nrunning < UD_RUNNING_MAX; j = next) {
		next = j->next;
		if (j->pid != 0)
			continue;
		for (e = jobs; e != j; e = e->next)
			if (e->reqid == j->reqid && strcmp(e->conn, j->conn) == 0)
				break;
		if (e != j)
			continue;
		if (job_start(j) < 0)
			job_finish(j);
	}
	timer_arm();
}

static void
jobs_kill_late(uint64_t now)
{
	struct ud_job *j;

	for (j = jobs; j; j = j->next)
		if (j->pid > 0 && !j->timed_out && now >= j->deadline) {
			j->timed_out = 1;
			kill(-j->pid, SIGKILL);
		}
}

static void
on_sigchld(int signo, void *arg)
{
	(void)signo;
	(void)arg;
	if (jobs_reap())
		jobs_start();
}

static void
on_timer(void *arg)
{
	(void)arg;
	jobs_kill_late(loop_now_ms());
	timer_arm();
}

size_t
updown_pending(void)
{
	struct ud_job *j;
	size_t n = 0;

	for (j = jobs; j; j = j->next)
		n++;
	return n;
}

size_t
updown_conn_pending(const char *conn)
{
	struct ud_job *j;
	size_t n = 0;

	for (j = jobs; j; j = j->next)
		if (strcmp(j->conn, conn) == 0)
			n++;
	return n;
}

/* ---- tunnels ---- */

static void
tunnel_free(struct ud_tunnel *t)
{
	size_t i;

	for (i = 0; i < t->nenv; i++)
		updown_env_free(t->env[i]);
	free(t->env);
	free(t->cmd);
	free(t);
}

static struct ud_tunnel **
tunnel_find(const struct ike_child_sa *c)
{
	struct ud_tunnel **pp;

	for (pp = &tunnels; *pp; pp = &(*pp)->next)
		if ((*pp)->child_index == c->child_index &&
		    strcmp((*pp)->conn, c->conn) == 0)
			break;
	return pp;
}

char *
updown_command(const struct cfg_conn *cc, const char *script)
{
	char *cmd;
	const char *s;
	size_t n = 0;

	if (cc->left.updown[0])
		return strdup(cc->left.updown);
	if (!cc->left.firewall)
		return NULL;
	if ((cmd = malloc(strlen(script) * 4 + 16)) == NULL)
		return NULL;
	cmd[n++] = '\'';
	for (s = script; *s; s++) {
		if (*s == '\'') {
			memcpy(cmd + n, "'\\''", 4);
			n += 4;
		} else
			cmd[n++] = *s;
	}
	memcpy(cmd + n, "' iptables", sizeof("' iptables"));
	return cmd;
}

static void
iface_of(const struct ifl_addr *a, char *dst, size_t len)
{
	struct ifaddrs *ifa, *i;
	struct ifl_addr x;

	*dst = '\0';
	if (getifaddrs(&ifa) < 0)
		return;
	for (i = ifa; i; i = i->ifa_next) {
		if (i->ifa_addr == NULL ||
		    addr_from_sockaddr(i->ifa_addr, &x, NULL) < 0 ||
		    addr_cmp(&x, a) != 0)
			continue;
		snprintf(dst, len, "%s", i->ifa_name);
		break;
	}
	freeifaddrs(ifa);
}

static void
tunnel_up(const struct ike_child_sa *c)
{
	const struct ike_conn *ic = ike_conns_by_name(c->conn);
	const struct st_child *st = st_child_get(c->child_index);
	const struct st_ike *ike;
	struct ud_tunnel *t;
	struct updown_ctx x;
	char iface[64], *cmd;
	size_t i, j;

	/* a rekey or a reauthentication goes on with the same tunnel */
	if (ic == NULL || st == NULL || st->nsa > 0 || *tunnel_find(c) != NULL)
		return;
	if ((cmd = updown_command(&ic->c, ud_script)) == NULL)
		return;
	memset(&x, 0, sizeof(x));
	x.path = getenv("PATH");
	iface_of(&c->local, iface, sizeof(iface));
	x.iface = iface;
	if ((ike = st_ike_get(st->ike_index)) != NULL) {
		x.my_id = ike->local_id[0] ? ike->local_id : NULL;
		x.peer_id = ike->remote_id[0] ? ike->remote_id : NULL;
	}
	x.uniqueid = st->ike_index;
	x.mark = ic->c.mark;
	x.mark_mask = ic->c.mark_mask;
	if ((t = calloc(1, sizeof(*t))) == NULL ||
	    (t->env = calloc(c->nts_local * c->nts_remote + 1, sizeof(*t->env))) == NULL)
		goto nomem;
	t->child_index = c->child_index;
	snprintf(t->conn, sizeof(t->conn), "%s", c->conn);
	t->reqid = c->reqid;
	t->cmd = cmd;
	cmd = NULL;
	for (i = 0; i < c->nts_local; i++)
		for (j = 0; j < c->nts_remote; j++) {
			char **env;

			if (c->ts_local[i].start.family != c->ts_remote[j].start.family)
				continue;
			if ((env = updown_env(c, i, j, 1, &x)) == NULL)
				goto nomem;
			t->env[t->nenv++] = env;
			if ((env = updown_env(c, i, j, 1, &x)) == NULL)
				goto nomem;
			job_queue(c->conn, c->reqid, t->cmd, env);
		}
	if (t->nenv)
		updown_hold_start(c->conn, &c->remote);
	t->next = tunnels;
	tunnels = t;
	jobs_start();
	return;
nomem:
	log_err("IKE:%s: updown up not run: out of memory", c->conn);
	free(cmd);
	if (t)
		tunnel_free(t);
	jobs_start();
}

/* The tunnel goes on when this pair was replaced by a rekey, or when its
 * row's current pair is another one (a redundant pair of a rekey
 * collision, or an old pair, went). Replaced SAs whose deletion the
 * kernel has not reported yet are still in the row, marked expiring. */
static int
tunnel_continues(const struct ike_child_sa *c)
{
	const struct st_child *st = st_child_get(c->child_index);
	int i;

	if (c->superseded)
		return 1;
	for (i = 0; st && i < st->nsa; i++)
		if (!st->sa[i].expiring && st->sa[i].spi != c->spi_in &&
		    st->sa[i].spi != c->spi_out)
			return 1;
	return 0;
}

static void
tunnel_down(const struct ike_child_sa *c)
{
	struct ud_tunnel **pp = tunnel_find(c), *t = *pp;
	size_t i;

	if (t == NULL || tunnel_continues(c))
		return;
	*pp = t->next;
	for (i = 0; i < t->nenv; i++) {
		char **env = t->env[i], **v;

		/* "PLUTO_VERB=up-..." becomes "PLUTO_VERB=down-..." */
		for (v = env; *v; v++)
			if (strncmp(*v, "PLUTO_VERB=up-", 14) == 0) {
				char *s;

				if (asprintf(&s, "PLUTO_VERB=down-%s", *v + 14) < 0)
					break;
				free(*v);
				*v = s;
			}
		job_queue(t->conn, t->reqid, t->cmd, env);
		t->env[i] = NULL;
	}
	t->nenv = 0;
	tunnel_free(t);
	jobs_start();
}

void
updown_child(const struct ike_child_sa *c, int up)
{
	if (!started)
		return;
	if (up)
		tunnel_up(c);
	else
		tunnel_down(c);
}

/* ---- the module ---- */

static void
settings(const struct ifl_config *cfg)
{
	snprintf(ud_script, sizeof(ud_script), "%s", cfg->daemon.updown_script);
	timeout_s = cfg->daemon.updown_timeout;
}

static int
updown_init(const struct ifl_config *cfg)
{
	settings(cfg);
	if ((timer = loop_timer_new(on_timer, NULL)) == NULL ||
	    loop_signal(SIGCHLD, on_sigchld, NULL) < 0) {
		log_err("updown: cannot watch for scripts ending");
		return -1;
	}
	loop_timer_name(timer, "updown scripts");
	started = 1;
	return 0;
}

static int
updown_reload(const struct ifl_config *old, const struct ifl_config *cfg)
{
	(void)old;
	settings(cfg);
	return 0;
}

/* The IKE module has just ended every tunnel: their downs run now, with
 * the loop stopped, each within the timeout and all within twice it. */
static void
updown_shutdown(void)
{
	uint64_t stop = loop_now_ms() + 2 * (uint64_t)timeout_s * 1000;
	struct ud_tunnel *t;
	struct ud_job *j;

	if (jobs)
		log_info("updown: waiting for %zu script(s)", updown_pending());
	while (jobs) {
		struct pollfd pfd[UD_RUNNING_MAX];
		struct ud_job *pj[UD_RUNNING_MAX];
		nfds_t n = 0, k;
		uint64_t now = loop_now_ms();

		jobs_start();
		if (now >= stop)
			break;
		jobs_kill_late(now);
		for (j = jobs; j && n < UD_RUNNING_MAX; j = j->next)
			if (j->pid > 0 && j->fd >= 0) {
				pfd[n].fd = j->fd;
				pfd[n].events = POLLIN;
				pj[n++] = j;
			}
		/* SIGCHLD is blocked (the loop's signalfd): poll briefly */
		if (poll(pfd, n, 50) > 0)
			for (k = 0; k < n; k++)
				if (pfd[k].revents)
					job_read(pj[k]);
		jobs_reap();
	}
	for (j = jobs; j; j = j->next)
		if (j->pid > 0) {
			j->timed_out = 1;
			kill(-j->pid, SIGKILL);
		}
	while (jobs) {
		j = jobs;
		if (j->pid > 0) {
			int status = 0;

			while (waitpid(j->pid, &status, 0) < 0 && errno == EINTR)
				;
			job_done(j, status);
		} else {
			log_err("IKE:%s: updown %s not run: shutting down", j->conn,
			    j->verb);
			job_finish(j);
		}
	}
	while ((t = tunnels) != NULL) {
		tunnels = t->next;
		tunnel_free(t);
	}
	updown_hold_release(NULL, 1);
	if (timer) {
		loop_timer_free(timer);
		timer = NULL;
	}
	started = 0;
}

const struct daemon_module updown_module = {
	.name = "updown",
	.init = updown_init,
	.reload = updown_reload,
	.shutdown = updown_shutdown,
};
