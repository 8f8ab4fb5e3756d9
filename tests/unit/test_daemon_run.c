/* The built ikeflowd, run as a program: --check-config on good and bad
 * files, and a daemon serving its control socket through start, reload
 * (SIGHUP and "reload"), a refused second instance and shutdown. */
#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "common/buf.h"
#include "ctl/ctl_client.h"

#define DATA	TEST_SRCDIR "/unit/data/daemon"
#define PSK	"s3cr3t-psk-value"

static char dir[64];

static void
path(char *dst, size_t len, const char *name)
{
	snprintf(dst, len, "%s/%s", dir, name);
}

static void
copy(const char *src, const char *name, mode_t mode)
{
	char dst[256], buf[4096];
	ssize_t n;
	int in, out;

	path(dst, sizeof(dst), name);
	in = open(src, O_RDONLY);
	assert_true(in >= 0);
	out = open(dst, O_WRONLY | O_CREAT | O_TRUNC, mode);
	assert_true(out >= 0);
	while ((n = read(in, buf, sizeof(buf))) > 0)
		assert_int_equal(write(out, buf, (size_t)n), n);
	close(in);
	close(out);
	assert_int_equal(chmod(dst, mode), 0);
}

static void
write_file(const char *name, const char *text, mode_t mode)
{
	char p[256];
	FILE *f;

	path(p, sizeof(p), name);
	f = fopen(p, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
	assert_int_equal(chmod(p, mode), 0);
}

static char *
read_file(const char *name)
{
	char p[256], *s;
	FILE *f;
	long n;

	path(p, sizeof(p), name);
	if ((f = fopen(p, "r")) == NULL)
		return strdup("");
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	s = calloc(1, (size_t)n + 1);
	assert_int_equal(fread(s, 1, (size_t)n, f), (size_t)n);
	fclose(f);
	return s;
}

/* Starts ./ikeflowd with argv (NULL-terminated), stdout and stderr to
 * DIR/out and DIR/err. */
static pid_t
spawn_to(char **argv, const char *outname, const char *errname)
{
	char o[256], e[256];
	pid_t pid;

	path(o, sizeof(o), outname);
	path(e, sizeof(e), errname);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		int fo = open(o, O_WRONLY | O_CREAT | O_TRUNC, 0600);
		int fe = open(e, O_WRONLY | O_CREAT | O_TRUNC, 0600);

		dup2(fo, 1);
		dup2(fe, 2);
		execv("./ikeflowd", argv);
		_exit(127);
	}
	return pid;
}

static pid_t
spawn(char **argv)
{
	return spawn_to(argv, "out", "err");
}

static int
run(char **argv)
{
	int status;
	pid_t pid = spawn(argv);

	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	return WEXITSTATUS(status);
}

static int
setup(void **state)
{
	char conf[256];

	strcpy(dir, "/tmp/ikeflowd-test.XXXXXX");
	assert_non_null(mkdtemp(dir));
	copy(DATA "/ipsec.conf", "ipsec.conf", 0644);
	copy(DATA "/ipsec.secrets", "ipsec.secrets", 0600);
	/* whatever is installed under SYSCONFDIR stays out of the tests; the
	 * daemons of this test take IKE ports of their own (make check runs
	 * test_ike_glue_socket on 500 and 4500 at the same time, and another
	 * copy of the suite may run too), and leave the host's routing rules
	 * and port 8080 alone. They run with the seccomp filter, as
	 * installed daemons do: starting and stopping many times a second,
	 * they are the ones that found a DH worker's first call missing
	 * from it */
	snprintf(conf, sizeof(conf), "# defaults but for these\n"
	    "ike_port = %u\nnatt_port = %u\ninstall_routes = no\nhttp_listen = no\n",
	    20000 + (unsigned)getpid() % 10000 * 2, 20001 + (unsigned)getpid() % 10000 * 2);
	write_file("empty.conf", conf, 0644);
	return 0;
}

/* SIGTERM to a daemon (our child or detached), then its end, 5 s at most. */
static void
stop_daemon(long pid)
{
	int status;

	if (pid <= 1 || kill((pid_t)pid, SIGTERM) < 0)
		return;
	for (int i = 0; i < 500; i++) {
		if (waitpid((pid_t)pid, &status, WNOHANG) == (pid_t)pid ||
		    (kill((pid_t)pid, 0) < 0 && errno == ESRCH))
			return;
		usleep(10000);
	}
}

static int
teardown(void **state)
{
	char cmd[128], *pidtext = read_file("ikeflowd.pid");
	long pid = atol(pidtext);

	/* a test that failed midway leaves no daemon holding the IKE ports,
	 * t_daemon_detached's second one and t_daemon_run_dir's included,
	 * and the next test's daemon finds them free: wait for the end */
	free(pidtext);
	stop_daemon(pid);
	pidtext = read_file("other.pid");
	pid = atol(pidtext);
	free(pidtext);
	stop_daemon(pid);
	pidtext = read_file("run/ikeflow/ikeflowd.pid");	/* t_daemon_run_dir's */
	pid = atol(pidtext);
	free(pidtext);
	stop_daemon(pid);

	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	assert_int_equal(system(cmd), 0);
	return 0;
}

/* ---- --check-config ---- */

/* --user root: these tests are about the command line, the files and the
 * control socket, on a host without the ikeflow user and in a directory
 * only root may enter; t_check_user and the bed's least-privilege scenario
 * test the drop. A later --user in the arguments wins. */
#define CHECK_ARGS(conf, secrets, ...)					\
	char c_[256], s_[256];						\
	path(c_, sizeof(c_), conf);					\
	path(s_, sizeof(s_), secrets);					\
	char d_[256];							\
	path(d_, sizeof(d_), "empty.conf");				\
	char *argv_[] = { "ikeflowd", "--check-config", "-c", d_,	\
	    "--ipsec-conf", c_, "--ipsec-secrets", s_, "--user", "root",	\
	    __VA_ARGS__, NULL }

static void
t_check_good(void **state)
{
	char conf[256], *out, *err;

	write_file("ikeflowd.conf", "# test settings\nlog_level = notice\n"
	    "history_size = 50 # small\n", 0644);
	path(conf, sizeof(conf), "ikeflowd.conf");
	{
		CHECK_ARGS("ipsec.conf", "ipsec.secrets", "-c", conf);
		assert_int_equal(run(argv_), 0);
	}
	out = read_file("out");
	err = read_file("err");
	assert_string_equal(out, "configuration OK\n");
	assert_null(strstr(err, "error"));
	assert_null(strstr(err, PSK));
	free(out);
	free(err);
}

static void
t_check_bad_conn(void **state)
{
	char *err;

	copy(DATA "/bad-ipsec.conf", "bad.conf", 0644);
	{
		CHECK_ARGS("bad.conf", "ipsec.secrets", "-f");
		assert_int_equal(run(argv_), 1);
	}
	err = read_file("err");
	assert_non_null(strstr(err, "bad.conf:7: unknown key 'frobnicate'"));
	assert_non_null(strstr(err, "configuration has errors"));
	free(err);
	err = read_file("out");
	assert_string_equal(err, "");
	free(err);
}

/* The configuration is read as the user the daemon will run as: a
 * secrets file only root can read stops it, saying so; a user that does
 * not exist too. */
static void
t_check_user(void **state)
{
	char *err;

	if (geteuid() != 0)
		skip();		/* only root takes another user's ids */
	{
		CHECK_ARGS("ipsec.conf", "ipsec.secrets", "--user", "nobody");
		assert_int_equal(run(argv_), 1);
	}
	err = read_file("err");
	assert_non_null(strstr(err, "must be readable by user nobody"));
	assert_null(strstr(err, PSK));
	free(err);
	{
		CHECK_ARGS("ipsec.conf", "ipsec.secrets", "--user", "no-such-user-x");
		assert_int_equal(run(argv_), 1);
	}
	err = read_file("err");
	assert_non_null(strstr(err, "user no-such-user-x: no such user"));
	free(err);
}

static void
t_check_bad_settings(void **state)
{
	char conf[256], *err;

	write_file("ikeflowd.conf", "log_level = info\nno_such_key = 1\n"
	    "history_size = lots\n", 0644);
	path(conf, sizeof(conf), "ikeflowd.conf");
	{
		CHECK_ARGS("ipsec.conf", "ipsec.secrets", "-c", conf);
		assert_int_equal(run(argv_), 1);
	}
	err = read_file("err");
	/* every error in the file is reported, with its line */
	assert_non_null(strstr(err, "ikeflowd.conf:2: unknown setting 'no_such_key'"));
	assert_non_null(strstr(err, "ikeflowd.conf:3: history_size = lots"));
	free(err);

	/* an explicit settings file that does not exist */
	path(conf, sizeof(conf), "nonexistent.conf");
	{
		CHECK_ARGS("ipsec.conf", "ipsec.secrets", "--config", conf);
		assert_int_equal(run(argv_), 1);
	}
	err = read_file("err");
	assert_non_null(strstr(err, "nonexistent.conf: No such file or directory"));
	free(err);

	/* a bad value on the command line is reported like one in the file */
	{
		CHECK_ARGS("ipsec.conf", "ipsec.secrets", "--control", "");
		assert_int_equal(run(argv_), 1);
	}
	err = read_file("err");
	assert_non_null(strstr(err, "command line (--control)"));
	free(err);
}

static void
t_check_secrets_mode(void **state)
{
	char *err;

	copy(DATA "/ipsec.secrets", "open.secrets", 0644);
	{
		CHECK_ARGS("ipsec.conf", "open.secrets", "-d");
		assert_int_equal(run(argv_), 1);
	}
	err = read_file("err");
	assert_non_null(strstr(err, "open.secrets: mode 0644"));
	assert_null(strstr(err, PSK));
	free(err);
}

static void
t_usage_errors(void **state)
{
	char *argv1[] = { "ikeflowd", "--no-such-option", NULL };
	char *argv2[] = { "ikeflowd", "--version", NULL };
	char *s;

	assert_int_equal(run(argv1), 1);
	s = read_file("err");
	assert_non_null(strstr(s, "unknown option --no-such-option"));
	free(s);
	assert_int_equal(run(argv2), 0);
	s = read_file("out");
	assert_string_equal(s, "ikeflowd " PACKAGE_VERSION "\n");
	free(s);
}

/* ---- a running daemon ---- */

static int
wait_for(const char *name, int present, int ms)
{
	char p[256];

	path(p, sizeof(p), name);
	for (int i = 0; i < ms / 10; i++) {
		if ((access(p, F_OK) == 0) == present)
			return 0;
		usleep(10000);
	}
	return -1;
}

static int
ask(const char *line, char **body)
{
	char sock[256], err[128];
	struct buf *b = buf_new(0);
	int rc;

	path(sock, sizeof(sock), "ctl.sock");
	rc = ctl_client_request(sock, line, b, 5000, err, sizeof(err));
	/* an empty answer leaves data NULL: strndup(NULL, 0) is undefined */
	*body = b->len ? strndup((const char *)b->data, b->len) : strdup("");
	buf_free(b);
	return rc;
}

/* Asks until the answer contains want (a reload by signal is asynchronous). */
static int
ask_until(const char *line, const char *want, char **body)
{
	for (int i = 0; i < 200; i++) {
		if (ask(line, body) == CTL_R_OK && strstr(*body, want))
			return 0;
		free(*body);
		usleep(10000);
	}
	return ask(line, body);
}

#define DAEMON_ARGS(extra)						\
	char c_[256], s_[256], k_[256], st_[256], p_[256];		\
	path(c_, sizeof(c_), "ipsec.conf");				\
	path(s_, sizeof(s_), "ipsec.secrets");				\
	path(k_, sizeof(k_), "ctl.sock");				\
	path(st_, sizeof(st_), "state");				\
	path(p_, sizeof(p_), "ikeflowd.pid");				\
	char d_[256];							\
	path(d_, sizeof(d_), "empty.conf");				\
	char *argv_[] = { "ikeflowd", extra, "-c", d_, "--user", "root",	\
	    "--ipsec-conf", c_, "--ipsec-secrets", s_, "--control", k_,	\
	    "--state-dir", st_, "--pid-file", p_, NULL }

static void
t_daemon_lifecycle(void **state)
{
	char *body, *log;
	int status;
	pid_t pid, pid2;

	DAEMON_ARGS("-f");
	pid = spawn(argv_);
	assert_int_equal(wait_for("ctl.sock", 1, 5000), 0);
	assert_int_equal(wait_for("ikeflowd.pid", 1, 5000), 0);

	assert_int_equal(ask("status", &body), CTL_R_OK);
	assert_non_null(strstr(body, "ikeflowd " PACKAGE_VERSION));
	assert_non_null(strstr(body, "Connections loaded: 2\n"));
	assert_non_null(strstr(body, "ciscoios: IKEv2, auto=add, 192.0.2.2 <-> 192.0.2.1"));
	assert_non_null(strstr(body, "branch: IKEv2, auto=route"));
	assert_null(strstr(body, "parked"));
	assert_non_null(strstr(body, "IKE SAs active: 0\n"));
	free(body);

	/* abbreviated, Cisco style */
	assert_int_equal(ask("sh run", &body), CTL_R_OK);
	assert_non_null(strstr(body, "conn ciscoios"));
	assert_non_null(strstr(body, "<hidden>"));
	assert_null(strstr(body, PSK));
	assert_null(strstr(body, "0123456789abcdef"));
	free(body);

	assert_int_equal(ask("show crypto nothing", &body), CTL_R_ERR);
	assert_non_null(strstr(body, "Unknown command"));
	free(body);

	/* a second instance on the same pid file is refused */
	pid2 = spawn_to(argv_, "out2", "err2");
	assert_int_equal(waitpid(pid2, &status, 0), pid2);
	assert_int_equal(WEXITSTATUS(status), 1);
	log = read_file("err2");
	assert_non_null(strstr(log, "ikeflowd is already running (pid"));
	free(log);

	/* reload over the control socket with a changed ipsec.conf */
	copy(DATA "/reload-ipsec.conf", "ipsec.conf", 0644);
	assert_int_equal(ask("reload", &body), CTL_R_OK);
	assert_non_null(strstr(body, "Configuration reloaded: 2 connections, 2 secrets"));
	free(body);
	assert_int_equal(ask("status", &body), CTL_R_OK);
	assert_non_null(strstr(body, "newpeer: IKEv2"));
	assert_null(strstr(body, "branch"));
	assert_non_null(strstr(body, "Reloads: 1 (last succeeded)"));
	free(body);

	/* a broken file: the answer carries the error, the old config stays */
	write_file("ipsec.conf", "conn x\n\tleft=192.0.2.2\n\tfrobnicate=1\n"
	    "\tright=192.0.2.3\n\tauto=add\n\tauthby=secret\n", 0644);
	assert_int_equal(ask("reload", &body), CTL_R_ERR);
	assert_non_null(strstr(body, "ipsec.conf:3"));
	assert_non_null(strstr(body, "running configuration stays in force"));
	free(body);
	assert_int_equal(ask("status", &body), CTL_R_OK);
	assert_non_null(strstr(body, "newpeer: IKEv2"));
	assert_non_null(strstr(body, "Reloads: 2 (last failed"));
	free(body);

	/* SIGHUP with the first file back */
	copy(DATA "/ipsec.conf", "ipsec.conf", 0644);
	assert_int_equal(kill(pid, SIGHUP), 0);
	assert_int_equal(ask_until("status", "branch: IKEv2", &body), CTL_R_OK);
	assert_null(strstr(body, "newpeer"));
	free(body);

	assert_int_equal(kill(pid, SIGTERM), 0);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
	assert_int_equal(wait_for("ctl.sock", 0, 10), 0);
	assert_int_equal(wait_for("ikeflowd.pid", 0, 10), 0);
	assert_int_equal(wait_for("state/ikeflowd.state", 1, 10), 0);

	log = read_file("err");
	assert_non_null(strstr(log, "ikeflowd " PACKAGE_VERSION " starting"));
	assert_non_null(strstr(log, "connection ciscoios loaded"));
	assert_non_null(strstr(log, "SIGHUP received"));
	assert_non_null(strstr(log, "SIGTERM received, shutting down"));
	assert_null(strstr(log, PSK));
	free(log);
}

/* Worker threads started after the seccomp filter is in (a reload from
 * no DH workers to two) live under it: their first calls are allowed, and
 * the daemon answers after they have run. */
static void
t_workers_after_filter(void **state)
{
	char conf[256], *body, *log;
	int status;
	pid_t pid;

	snprintf(conf, sizeof(conf), "ike_port = %u\nnatt_port = %u\n"
	    "install_routes = no\nhttp_listen = no\ndh_workers = 0\n",
	    20000 + (unsigned)getpid() % 10000 * 2, 20001 + (unsigned)getpid() % 10000 * 2);
	write_file("empty.conf", conf, 0644);
	DAEMON_ARGS("-f");
	pid = spawn(argv_);
	assert_int_equal(wait_for("ctl.sock", 1, 5000), 0);
	assert_int_equal(ask_until("show crypto ikev2 stats", "no workers", &body),
	    CTL_R_OK);
	free(body);

	*strstr(conf, "dh_workers = 0") = '\0';
	strcat(conf, "dh_workers = 2\n");
	write_file("empty.conf", conf, 0644);
	assert_int_equal(ask("reload", &body), CTL_R_OK);
	free(body);
	/* the workers fill the pool: every one of them ran */
	assert_int_equal(ask_until("show crypto ikev2 stats", "2 workers", &body),
	    CTL_R_OK);
	free(body);
	for (int i = 0; i < 20; i++) {
		assert_int_equal(ask("status", &body), CTL_R_OK);
		free(body);
	}
	assert_int_equal(kill(pid, SIGTERM), 0);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
	log = read_file("err");
	assert_non_null(strstr(log, "seccomp: system call filter installed"));
	assert_null(strstr(log, "not allowed"));
	free(log);
}

/* show tech-support ipsec's sections in IOS's order, its peer and vrf
 * forms, the log ring, and the bundle made by the built ikeflowctl from
 * this daemon: every file there, the PSKs not. */
static void
t_tech_support(void **state)
{
	static const char *const order[] = { "show version", "show running-config",
	    "show crypto isakmp sa count", "show crypto ipsec sa count",
	    "show crypto session summary", "show crypto session detail",
	    "show crypto isakmp sa detail", "show crypto ikev2 sa detailed",
	    "show crypto ipsec sa detail", "show crypto isakmp peers",
	    "show crypto ruleset detail", "show crypto route",
	    "show processes memory | include Crypto IKMP",
	    "show processes cpu | include Crypto IKMP", "show crypto eli",
	    "show crypto engine accelerator statistic", NULL };
	char *body, *at, banner[128], cmd[1024], tgz[256];
	int status;
	pid_t pid;

	DAEMON_ARGS("-f");
	pid = spawn(argv_);
	assert_int_equal(wait_for("ctl.sock", 1, 5000), 0);
	/* the socket file is there a moment before it listens */
	assert_int_equal(ask_until("status", "ikeflowd", &body), CTL_R_OK);
	free(body);

	assert_int_equal(ask("show tech-support ipsec", &body), CTL_R_OK);
	at = body;
	for (size_t i = 0; order[i]; i++) {
		snprintf(banner, sizeof(banner), "\n------------------ %s ------------------\n",
		    order[i]);
		if ((at = strstr(at, banner)) == NULL)
			fail_msg("section \"%s\" missing or out of order", order[i]);
	}
	assert_non_null(strstr(body, "ikeflowd (IKEv2 keying daemon"));
	assert_non_null(strstr(body, "conn ciscoios"));
	assert_non_null(strstr(body, "Active IKEv2 SA's: 0\n"));
	assert_non_null(strstr(body, "  Event loop: "));
	assert_null(strstr(body, PSK));
	free(body);

	assert_int_equal(ask("show tech-support ipsec peer 192.0.2.1", &body), CTL_R_OK);
	assert_non_null(strstr(body, "-- show crypto session remote 192.0.2.1 detail --"));
	assert_non_null(strstr(body, "-- show crypto ipsec sa peer 192.0.2.1 detail --"));
	assert_non_null(strstr(body, "-- show crypto isakmp peers 192.0.2.1 --"));
	assert_null(strstr(body, "-- show crypto session summary --"));
	free(body);
	assert_int_equal(ask("show tech-support ipsec vrf blue", &body), CTL_R_OK);
	assert_true(strncmp(body, "% ikeflow has no VRFs: vrf blue", 31) == 0);
	assert_non_null(strstr(body, "-- show crypto session summary --"));
	free(body);
	assert_int_equal(ask("show tech-support ipsec peer nowhere", &body), CTL_R_ERR);
	assert_non_null(strstr(body, "% Invalid peer address: nowhere"));
	free(body);

	assert_int_equal(ask("show logging", &body), CTL_R_OK);
	assert_non_null(strstr(body, "notice: ikeflowd " PACKAGE_VERSION " ready (pid"));
	free(body);

	/* the bundle, from the command line */
	path(tgz, sizeof(tgz), "b.tar.gz");
	snprintf(cmd, sizeof(cmd), "./ikeflowctl -s %s tech-support bundle -o %s 2>%s/bundle.err",
	    k_, tgz, dir);
	assert_int_equal(system(cmd), 0);
	body = read_file("bundle.err");
	assert_non_null(strstr(body, "wrote"));
	assert_null(strstr(body, "left out"));
	free(body);
	snprintf(cmd, sizeof(cmd), "test \"$(stat -c %%a %s)\" = 600", tgz);
	assert_int_equal(system(cmd), 0);
	snprintf(cmd, sizeof(cmd), "mkdir %s/x && tar -C %s/x -xzf %s && cd %s/x/ikeflow-techsupport-* &&"
	    " test -s tech-support.txt && test -s mib/flowmib.json && test -s log/ikeflowd.log &&"
	    " grep -q 'PSK <redacted>' config/ipsec.secrets &&"
	    " grep -q '# nothing missing' MANIFEST &&"
	    " grep -q 'configuration OK' check-config.txt", dir, dir, tgz, dir);
	assert_int_equal(system(cmd), 0);
	snprintf(cmd, sizeof(cmd), "grep -raqiE '%s|0123456789abcdef' %s/x", PSK, dir);
	assert_int_not_equal(system(cmd), 0);
	/* never over an existing file */
	snprintf(cmd, sizeof(cmd), "./ikeflowctl -s %s tech-support bundle -o %s 2>/dev/null",
	    k_, tgz);
	assert_int_not_equal(system(cmd), 0);

	assert_int_equal(kill(pid, SIGTERM), 0);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_int_equal(WEXITSTATUS(status), 0);
}

/* A state directory found open to others is closed (it is ours); one owned
 * by another user is refused with the reason, before anything is read. */
static void
t_state_dir_checked(void **state)
{
	char sd[256], *log, *body;
	struct stat st;
	int status;
	pid_t pid;

	path(sd, sizeof(sd), "state");
	assert_int_equal(mkdir(sd, 0755), 0);
	assert_int_equal(chmod(sd, 0757), 0);
	{
		DAEMON_ARGS("-f");
		pid = spawn(argv_);
	}
	assert_int_equal(wait_for("ctl.sock", 1, 5000), 0);
	assert_int_equal(ask("status", &body), CTL_R_OK);
	free(body);
	assert_int_equal(stat(sd, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0700);
	assert_int_equal(kill(pid, SIGTERM), 0);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_int_equal(WEXITSTATUS(status), 0);
	log = read_file("err");
	assert_non_null(strstr(log, "state directory"));
	assert_non_null(strstr(log, "mode 0757 let group/others in, now 0700"));
	free(log);

	if (geteuid() != 0)
		return;
	assert_int_equal(chown(sd, 65534, 65534), 0);
	{
		DAEMON_ARGS("-f");
		assert_int_equal(run(argv_), 1);
	}
	log = read_file("err");
	assert_non_null(strstr(log, "/state: owned by uid 65534, not by uid 0 that "
	    "ikeflowd runs as; refusing to use it (chown it, or set state_dir)"));
	free(log);
}

/* Without -f: the starting process returns once the daemon is ready. */
static void
t_daemon_detached(void **state)
{
	char *pidtext, *body;
	long dpid;
	int status;
	pid_t pid;

	DAEMON_ARGS("--log-level=warning");
	pid = spawn(argv_);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_int_equal(WEXITSTATUS(status), 0);
	/* ready means answering, without waiting */
	assert_int_equal(ask("status", &body), CTL_R_OK);
	free(body);
	pidtext = read_file("ikeflowd.pid");
	dpid = atol(pidtext);
	free(pidtext);
	assert_true(dpid > 1);
	assert_true(dpid != (long)pid);
	assert_int_equal(getsid((pid_t)dpid) != getsid(0), 1);

	/* a second one on another pid file but the same state directory */
	path(p_, sizeof(p_), "other.pid");
	path(k_, sizeof(k_), "other.sock");
	pid = spawn(argv_);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_int_equal(WEXITSTATUS(status), 1);
	body = read_file("err");
	assert_non_null(strstr(body, "is in use by another ikeflowd"));
	free(body);
	assert_int_equal(wait_for("other.sock", 0, 10), 0);

	assert_int_equal(kill((pid_t)dpid, SIGTERM), 0);
	assert_int_equal(wait_for("ikeflowd.pid", 0, 5000), 0);
	assert_int_equal(wait_for("ctl.sock", 0, 10), 0);
}

/* The pid file's directory need not exist (the run directory of a build
 * that was never installed): it is made 0755, the file 0644, whatever the
 * umask. A directory that cannot be made names the option to use. */
static void
t_daemon_run_dir(void **state)
{
	struct stat st;
	char *body, *err;
	int status;
	pid_t pid;
	mode_t old;

	DAEMON_ARGS("-f");
	path(p_, sizeof(p_), "run/ikeflow/ikeflowd.pid");
	old = umask(077);
	pid = spawn(argv_);
	umask(old);
	assert_int_equal(wait_for("ctl.sock", 1, 5000), 0);
	assert_int_equal(wait_for("run/ikeflow/ikeflowd.pid", 1, 5000), 0);
	assert_int_equal(ask("status", &body), CTL_R_OK);
	free(body);
	path(p_, sizeof(p_), "run");
	assert_int_equal(stat(p_, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0755);
	path(p_, sizeof(p_), "run/ikeflow");
	assert_int_equal(stat(p_, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0755);
	path(p_, sizeof(p_), "run/ikeflow/ikeflowd.pid");
	assert_int_equal(stat(p_, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0644);
	assert_int_equal(kill(pid, SIGTERM), 0);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_int_equal(WEXITSTATUS(status), 0);

	/* a regular file where a directory must go: refused, saying what to do */
	write_file("notadir", "x\n", 0644);
	path(p_, sizeof(p_), "notadir/sub/ikeflowd.pid");
	pid = spawn(argv_);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_int_equal(WEXITSTATUS(status), 1);
	err = read_file("err");
	assert_non_null(strstr(err, "cannot create directory"));
	assert_non_null(strstr(err, "notadir"));
	assert_non_null(strstr(err, "--pid-file"));
	free(err);
	assert_int_equal(wait_for("ctl.sock", 0, 10), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(t_check_good, setup, teardown),
		cmocka_unit_test_setup_teardown(t_check_bad_conn, setup, teardown),
		cmocka_unit_test_setup_teardown(t_check_bad_settings, setup, teardown),
		cmocka_unit_test_setup_teardown(t_check_user, setup, teardown),
		cmocka_unit_test_setup_teardown(t_check_secrets_mode, setup, teardown),
		cmocka_unit_test_setup_teardown(t_usage_errors, setup, teardown),
		cmocka_unit_test_setup_teardown(t_daemon_lifecycle, setup, teardown),
		cmocka_unit_test_setup_teardown(t_state_dir_checked, setup, teardown),
		cmocka_unit_test_setup_teardown(t_workers_after_filter, setup, teardown),
		cmocka_unit_test_setup_teardown(t_daemon_detached, setup, teardown),
		cmocka_unit_test_setup_teardown(t_tech_support, setup, teardown),
		cmocka_unit_test_setup_teardown(t_daemon_run_dir, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
