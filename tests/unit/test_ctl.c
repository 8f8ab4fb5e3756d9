#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common/buf.h"
#include "common/loop.h"
#include "ctl/ctl.h"
#include "ctl/ctl_client.h"

/* ---- handlers that record how they were called ---- */

static char last_cmd[64];
static int last_argc;
static char last_args[256];

static int
record(int argc, char **argv, struct buf *out, void *arg)
{
	snprintf(last_cmd, sizeof(last_cmd), "%s", (const char *)arg);
	last_argc = argc;
	last_args[0] = '\0';
	for (int i = 0; i < argc; i++) {
		strncat(last_args, i ? " " : "", sizeof(last_args) - strlen(last_args) - 1);
		strncat(last_args, argv[i], sizeof(last_args) - strlen(last_args) - 1);
	}
	buf_printf(out, "ran %s", (const char *)arg);
	return 0;
}

static int
failing(int argc, char **argv, struct buf *out, void *arg)
{
	buf_printf(out, "%% no such peer");
	return -1;
}

static size_t big_len;

static int
big(int argc, char **argv, struct buf *out, void *arg)
{
	for (size_t i = 0; out->len < big_len; i++)
		buf_printf(out, "line %zu of a long answer\n", i);
	return 0;
}

static int
setup_cmds(void **state)
{
	last_cmd[0] = '\0';
	assert_int_equal(ctl_register("show crypto ipsec sa", "show crypto ipsec sa [detail]",
	    "IPsec SAs", record, "ipsec-sa"), 0);
	assert_int_equal(ctl_register("show crypto ipsec sa detail", NULL,
	    "IPsec SAs in detail", record, "ipsec-sa-detail"), 0);
	assert_int_equal(ctl_register("show crypto isakmp sa", NULL,
	    "IKE SAs", record, "isakmp-sa"), 0);
	assert_int_equal(ctl_register("show crypto session", NULL,
	    "Sessions", record, "session"), 0);
	assert_int_equal(ctl_register("clear crypto sa peer", "clear crypto sa peer ADDR",
	    "Delete a peer's SAs", failing, NULL), 0);
	return 0;
}

static int
teardown_cmds(void **state)
{
	ctl_unregister_all();
	return 0;
}

static char *
run(const char *line, int *rc)
{
	struct buf *out = buf_new(0);
	char *s;

	assert_non_null(out);
	*rc = ctl_dispatch(line, out);
	s = strndup((const char *)out->data, out->len);
	buf_free(out);
	return s;
}

static void
t_buf_printf(void **state)
{
	struct buf *b = buf_new(0);
	char big[1000];

	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	assert_int_equal(buf_printf(b, "%d-%s", 42, "a"), 0);
	assert_int_equal(buf_printf(b, "|%s|", big), 0);
	assert_int_equal(b->len, 4 + 1 + 999 + 1);
	assert_memory_equal(b->data, "42-a|x", 6);
	assert_int_equal(b->data[b->len - 1], '|');
	assert_int_equal(b->data[b->len], '\0');
	buf_free(b);
}

static void
t_longest_prefix(void **state)
{
	int rc;
	char *s;

	s = run("show crypto ipsec sa", &rc);
	assert_int_equal(rc, 0);
	assert_string_equal(last_cmd, "ipsec-sa");
	assert_int_equal(last_argc, 0);
	free(s);

	s = run("show crypto ipsec sa detail", &rc);
	assert_int_equal(rc, 0);
	assert_string_equal(last_cmd, "ipsec-sa-detail");
	assert_string_equal(s, "ran ipsec-sa-detail");
	free(s);

	/* the remaining words are the handler's arguments */
	s = run("  show crypto ipsec sa  peer 192.0.2.1\n", &rc);
	assert_int_equal(rc, 0);
	assert_string_equal(last_cmd, "ipsec-sa");
	assert_int_equal(last_argc, 2);
	assert_string_equal(last_args, "peer 192.0.2.1");
	free(s);
}

static void
t_case_and_abbrev(void **state)
{
	int rc;
	char *s;

	s = run("SHOW Crypto ISAKMP sa", &rc);
	assert_int_equal(rc, 0);
	assert_string_equal(last_cmd, "isakmp-sa");
	free(s);

	s = run("sh cry ipsec sa", &rc);
	assert_int_equal(rc, 0);
	assert_string_equal(last_cmd, "ipsec-sa");
	free(s);

	s = run("sh cry ses", &rc);
	assert_int_equal(rc, 0);
	assert_string_equal(last_cmd, "session");
	free(s);

	/* "i" abbreviates both ipsec and isakmp */
	last_cmd[0] = '\0';
	s = run("sh cry i sa", &rc);
	assert_int_equal(rc, -1);
	assert_string_equal(last_cmd, "");
	assert_non_null(strstr(s, "Ambiguous"));
	assert_non_null(strstr(s, "show crypto isakmp sa"));
	assert_non_null(strstr(s, "show crypto ipsec sa [detail]"));
	free(s);
}

static void
t_unknown(void **state)
{
	int rc;
	char *s;

	last_cmd[0] = '\0';
	s = run("show crypto ikev2 sa", &rc);
	assert_int_equal(rc, -1);
	assert_string_equal(last_cmd, "");
	assert_non_null(strstr(s, "Unknown command: show crypto ikev2 sa"));
	/* the commands under the part that did match are offered */
	assert_non_null(strstr(s, "show crypto isakmp sa"));
	assert_non_null(strstr(s, "show crypto session"));
	assert_null(strstr(s, "clear crypto"));
	assert_non_null(strstr(s, "help"));
	free(s);

	/* a near miss of a first word */
	s = run("shwo crypto", &rc);
	assert_int_equal(rc, -1);
	assert_non_null(strstr(s, "show crypto session"));
	free(s);

	s = run("frobnicate", &rc);
	assert_int_equal(rc, -1);
	assert_non_null(strstr(s, "Type \"help\""));
	assert_null(strstr(s, "Did you mean"));
	free(s);

	s = run("   ", &rc);
	assert_int_equal(rc, -1);
	assert_non_null(strstr(s, "Empty command"));
	free(s);
}

static void
t_handler_error(void **state)
{
	int rc;
	char *s = run("clear crypto sa peer 10.0.0.1", &rc);

	assert_int_equal(rc, -1);
	assert_string_equal(s, "% no such peer");
	free(s);
}

static void
t_help(void **state)
{
	int rc;
	char *s = run("help", &rc);

	assert_int_equal(rc, 0);
	assert_non_null(strstr(s, "show crypto ipsec sa [detail]\n    IPsec SAs\n"));
	assert_non_null(strstr(s, "clear crypto sa peer ADDR\n    Delete a peer's SAs\n"));
	assert_non_null(strstr(s, "help [WORDS...]"));
	/* sorted: clear before help before show */
	assert_true(strstr(s, "clear crypto") < strstr(s, "help [WORDS"));
	assert_true(strstr(s, "help [WORDS") < strstr(s, "show crypto"));
	free(s);

	s = run("help show crypto ipsec", &rc);
	assert_int_equal(rc, 0);
	assert_non_null(strstr(s, "show crypto ipsec sa [detail]"));
	assert_non_null(strstr(s, "IPsec SAs in detail"));
	assert_null(strstr(s, "isakmp"));
	assert_null(strstr(s, "clear"));
	free(s);

	/* extra words: the command that would take them as arguments */
	s = run("help show crypto ipsec sa peer 10.0.0.1", &rc);
	assert_int_equal(rc, 0);
	assert_non_null(strstr(s, "show crypto ipsec sa [detail]"));
	assert_null(strstr(s, "in detail"));
	free(s);

	s = run("help bogus", &rc);
	assert_int_equal(rc, -1);
	assert_non_null(strstr(s, "No command matches \"bogus\""));
	free(s);
}

static void
t_register_errors(void **state)
{
	assert_int_equal(ctl_register("show crypto session", NULL, NULL, record, "x"), -1);
	assert_int_equal(ctl_register("SHOW crypto SESSION", NULL, NULL, record, "x"), -1);
	assert_int_equal(ctl_register("   ", NULL, NULL, record, "x"), -1);
	assert_int_equal(ctl_register("ok", NULL, NULL, NULL, NULL), -1);
}

static void
t_too_long(void **state)
{
	char *line = malloc(CTL_LINE_MAX + 100);
	int rc;
	char *s;

	memset(line, 'a', CTL_LINE_MAX + 99);
	line[CTL_LINE_MAX + 99] = '\0';
	s = run(line, &rc);
	assert_int_equal(rc, -1);
	assert_non_null(strstr(s, "too long"));
	free(s);
	free(line);
}

/* ---- the socket ---- */

static char sock_path[108];
static char tmpdir[64];

static int
setup_sock(void **state)
{
	setup_cmds(state);
	strcpy(tmpdir, "/tmp/ctltest.XXXXXX");
	assert_non_null(mkdtemp(tmpdir));
	snprintf(sock_path, sizeof(sock_path), "%s/ctl.sock", tmpdir);
	assert_int_equal(loop_init(), 0);
	return 0;
}

static int
teardown_sock(void **state)
{
	ctl_close();
	loop_free();
	teardown_cmds(state);
	unlink(sock_path);
	rmdir(tmpdir);
	return 0;
}

/* Sends line and runs the loop until the daemon side has answered. */
static int
exchange(const char *line, struct buf *resp)
{
	char err[128];
	int fd, r, i;

	fd = ctl_client_connect(sock_path, err, sizeof(err));
	assert_true(fd >= 0);
	assert_int_equal(ctl_client_send(fd, line, err, sizeof(err)), 0);
	for (i = 0; i < 2000; i++) {
		loop_once(5);
		if ((r = ctl_client_read_some(fd, resp)) != 0)
			break;
	}
	close(fd);
	return r;
}

static void
t_socket_roundtrip(void **state)
{
	struct buf *resp = buf_new(0);
	const char *body;
	size_t blen;
	struct stat st;

	assert_int_equal(ctl_listen(sock_path), 0);
	assert_int_equal(stat(sock_path, &st), 0);
	assert_true(S_ISSOCK(st.st_mode));
	assert_int_equal(st.st_mode & 0777, 0600);

	assert_int_equal(exchange("show crypto session", resp), 1);
	assert_int_equal(ctl_client_parse(resp, &body, &blen), CTL_R_OK);
	/* the server ends a body with a newline */
	assert_int_equal(blen, strlen("ran session\n"));
	assert_memory_equal(body, "ran session\n", blen);

	buf_reset(resp);
	assert_int_equal(exchange("clear crypto sa peer 1.2.3.4", resp), 1);
	assert_int_equal(ctl_client_parse(resp, &body, &blen), CTL_R_ERR);
	assert_memory_equal(body, "% no such peer\n", blen);

	buf_reset(resp);
	assert_int_equal(exchange("nonsense words", resp), 1);
	assert_int_equal(ctl_client_parse(resp, &body, &blen), CTL_R_ERR);
	assert_non_null(memmem(body, blen, "Unknown command", 15));
	buf_free(resp);
}

/* An answer far bigger than the socket buffer goes out in pieces while the
 * loop keeps serving others. */
static void
t_socket_big_answer(void **state)
{
	struct buf *resp = buf_new(0), *other = buf_new(0);
	const char *body;
	size_t blen;
	char err[128];
	int fd, r = 0, i;

	big_len = 4u << 20;
	assert_int_equal(ctl_register("dump", NULL, NULL, big, NULL), 0);
	assert_int_equal(ctl_listen(sock_path), 0);
	fd = ctl_client_connect(sock_path, err, sizeof(err));
	assert_true(fd >= 0);
	assert_int_equal(ctl_client_send(fd, "dump", err, sizeof(err)), 0);
	/* let the server answer until its socket buffer is full */
	for (i = 0; i < 20; i++)
		loop_once(5);
	/* a second client is served meanwhile */
	assert_int_equal(exchange("show crypto session", other), 1);
	assert_int_equal(ctl_client_parse(other, &body, &blen), CTL_R_OK);
	for (i = 0; i < 100000 && r == 0; i++) {
		loop_once(1);
		r = ctl_client_read_some(fd, resp);
	}
	assert_int_equal(r, 1);
	assert_int_equal(ctl_client_parse(resp, &body, &blen), CTL_R_OK);
	assert_true(blen >= big_len);
	assert_memory_equal(body, "line 0 of a long answer\n", 24);
	assert_int_equal(body[blen - 1], '\n');
	close(fd);
	buf_free(resp);
	buf_free(other);
}

/* ---- answers in parts ---- */

#define NPARTS	500

static int parts_made, parts_done;

static int
part_more(struct buf *out, void *arg)
{
	int *next = arg;

	buf_printf(out, "part %d\n", (*next)++);
	parts_made++;
	return *next < NPARTS;
}

static void
part_done(void *arg)
{
	parts_done++;
	free(arg);
}

static int
parts(int argc, char **argv, struct buf *out, void *arg)
{
	int *next = calloc(1, sizeof(*next));

	assert_non_null(next);
	buf_printf(out, "first\n");
	assert_int_equal(ctl_answer_more(part_more, part_done, next), 0);
	/* one pending per request */
	assert_int_equal(ctl_answer_more(part_more, part_done, next), -1);
	return 0;
}

static void
t_parts_in_process(void **state)
{
	int rc;
	char *s;

	parts_made = parts_done = 0;
	assert_int_equal(ctl_register("parts", NULL, NULL, parts, NULL), 0);
	s = run("parts", &rc);
	assert_int_equal(rc, 0);
	assert_true(strncmp(s, "first\npart 0\npart 1\n", 20) == 0);
	assert_non_null(strstr(s, "part 499\n"));
	assert_int_equal(parts_done, 1);
	free(s);
	/* outside a handler there is nothing to hand the parts to */
	assert_int_equal(ctl_answer_more(part_more, part_done, NULL), -1);
}

/* On the socket each part is made on its own turn of the loop: another
 * client is answered in between; a client that leaves drops the rest. */
static void
t_socket_parts(void **state)
{
	struct buf *resp = buf_new(0), *other = buf_new(0);
	const char *body;
	size_t blen;
	char err[128];
	int fd, r = 0, i;

	parts_made = parts_done = 0;
	assert_int_equal(ctl_register("parts", NULL, NULL, parts, NULL), 0);
	assert_int_equal(ctl_listen(sock_path), 0);
	fd = ctl_client_connect(sock_path, err, sizeof(err));
	assert_true(fd >= 0);
	assert_int_equal(ctl_client_send(fd, "parts", err, sizeof(err)), 0);
	for (i = 0; i < 5; i++)
		loop_once(5);
	assert_true(parts_made < NPARTS);
	assert_int_equal(exchange("show crypto session", other), 1);
	assert_int_equal(ctl_client_parse(other, &body, &blen), CTL_R_OK);
	assert_true(parts_made < NPARTS);
	for (i = 0; i < 100000 && r == 0; i++) {
		loop_once(1);
		r = ctl_client_read_some(fd, resp);
	}
	assert_int_equal(r, 1);
	assert_int_equal(ctl_client_parse(resp, &body, &blen), CTL_R_OK);
	assert_true(blen > 6 && memcmp(body, "first\npart 0\n", 13) == 0);
	assert_non_null(memmem(body, blen, "\npart 499\n", 10));
	assert_int_equal(parts_done, 1);
	close(fd);

	/* a client gone before the end */
	parts_made = 0;
	fd = ctl_client_connect(sock_path, err, sizeof(err));
	assert_true(fd >= 0);
	assert_int_equal(ctl_client_send(fd, "parts", err, sizeof(err)), 0);
	for (i = 0; i < 5; i++)
		loop_once(5);
	close(fd);
	for (i = 0; i < 200 && parts_done < 2; i++)
		loop_once(5);
	assert_int_equal(parts_done, 2);
	assert_true(parts_made < NPARTS);
	buf_free(resp);
	buf_free(other);
}

static void
t_socket_bad_requests(void **state)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	struct buf *resp = buf_new(0);
	char *junk = malloc(CTL_LINE_MAX + 10);
	const char *body;
	size_t blen;
	int fd, r = 0, i;

	assert_int_equal(ctl_listen(sock_path), 0);
	strcpy(sun.sun_path, sock_path);

	/* no newline within the limit */
	memset(junk, 'z', CTL_LINE_MAX + 10);
	fd = socket(AF_UNIX, SOCK_STREAM, 0);
	assert_int_equal(connect(fd, (struct sockaddr *)&sun, sizeof(sun)), 0);
	assert_int_equal(send(fd, junk, CTL_LINE_MAX + 10, MSG_NOSIGNAL), CTL_LINE_MAX + 10);
	for (i = 0; i < 2000 && r == 0; i++) {
		loop_once(5);
		r = ctl_client_read_some(fd, resp);
	}
	assert_int_equal(r, 1);
	assert_int_equal(ctl_client_parse(resp, &body, &blen), CTL_R_ERR);
	assert_non_null(memmem(body, blen, "too long", 8));
	close(fd);

	/* a request without newline, then half-close: still answered */
	buf_reset(resp);
	fd = socket(AF_UNIX, SOCK_STREAM, 0);
	assert_int_equal(connect(fd, (struct sockaddr *)&sun, sizeof(sun)), 0);
	assert_int_equal(send(fd, "help", 4, MSG_NOSIGNAL), 4);
	shutdown(fd, SHUT_WR);
	for (r = 0, i = 0; i < 2000 && r == 0; i++) {
		loop_once(5);
		r = ctl_client_read_some(fd, resp);
	}
	assert_int_equal(r, 1);
	assert_int_equal(ctl_client_parse(resp, &body, &blen), CTL_R_OK);
	close(fd);

	/* a client that connects and goes away is simply dropped */
	fd = socket(AF_UNIX, SOCK_STREAM, 0);
	assert_int_equal(connect(fd, (struct sockaddr *)&sun, sizeof(sun)), 0);
	close(fd);
	for (i = 0; i < 5; i++)
		loop_once(5);
	buf_reset(resp);
	assert_int_equal(exchange("help", resp), 1);
	assert_int_equal(ctl_client_parse(resp, &body, &blen), CTL_R_OK);
	free(junk);
	buf_free(resp);
}

static void
t_socket_takeover(void **state)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	int fd;
	pid_t pid;
	int status;

	strcpy(sun.sun_path, sock_path);

	/* a live socket: refuse */
	fd = socket(AF_UNIX, SOCK_STREAM, 0);
	assert_int_equal(bind(fd, (struct sockaddr *)&sun, sizeof(sun)), 0);
	assert_int_equal(listen(fd, 1), 0);
	assert_int_equal(ctl_listen(sock_path), -1);
	close(fd);

	/* the same file with nobody listening is stale: taken over */
	assert_int_equal(access(sock_path, F_OK), 0);
	assert_int_equal(ctl_listen(sock_path), 0);
	ctl_close();
	assert_int_equal(access(sock_path, F_OK), -1);

	/* a regular file is not ours to remove */
	fd = open(sock_path, O_CREAT | O_WRONLY, 0600);
	assert_true(fd >= 0);
	close(fd);
	assert_int_equal(ctl_listen(sock_path), -1);
	assert_int_equal(access(sock_path, F_OK), 0);
	unlink(sock_path);

	/* while we listen, a second listener on the path is refused; the
	 * check runs in a child so that it cannot disturb our socket */
	assert_int_equal(ctl_listen(sock_path), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		char err[64];
		int cfd = ctl_client_connect(sock_path, err, sizeof(err));

		_exit(cfd >= 0 ? 0 : 1);
	}
	/* the connection is accepted (and later timed out or dropped) */
	for (int i = 0; i < 5; i++)
		loop_once(5);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_int_equal(WEXITSTATUS(status), 0);
}

static void
t_client_join(void **state)
{
	char line[16];
	char *w1[] = { "show", "crypto", "sa" };
	char *w2[] = { "a\nb" };
	char *w3[] = { "0123456789", "abcdefghij" };

	assert_int_equal(ctl_client_join(3, w1, line, sizeof(line)), 0);
	assert_string_equal(line, "show crypto sa");
	assert_int_equal(ctl_client_join(1, w2, line, sizeof(line)), -1);
	assert_int_equal(ctl_client_join(2, w3, line, sizeof(line)), -1);
}

/* The built ikeflowctl, against a path where no daemon is. */
static void
t_ikeflowctl_no_daemon(void **state)
{
	char cmd[512], out[512];
	FILE *p;
	size_t n;
	int status;

	snprintf(cmd, sizeof(cmd), "./ikeflowctl -s %s/absent.sock status 2>&1", tmpdir);
	p = popen(cmd, "r");
	assert_non_null(p);
	n = fread(out, 1, sizeof(out) - 1, p);
	out[n] = '\0';
	status = pclose(p);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 2);
	snprintf(cmd, sizeof(cmd), "ikeflowctl: cannot reach ikeflowd at %s/absent.sock: "
	    "No such file or directory (is the daemon running?)\n", tmpdir);
	assert_string_equal(out, cmd);

	/* no words: usage, exit 1 */
	p = popen("./ikeflowctl 2>&1", "r");
	assert_non_null(p);
	n = fread(out, 1, sizeof(out) - 1, p);
	out[n] = '\0';
	status = pclose(p);
	assert_int_equal(WEXITSTATUS(status), 1);
	assert_non_null(strstr(out, "usage: ikeflowctl"));
}

/* The built ikeflowctl against our in-process server: run it in a child
 * while this process serves. */
static void
t_ikeflowctl_roundtrip(void **state)
{
	char out[256];
	int pfd[2], status;
	ssize_t n;
	size_t got = 0;
	pid_t pid;

	assert_int_equal(ctl_listen(sock_path), 0);
	assert_int_equal(pipe(pfd), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		dup2(pfd[1], 1);
		dup2(pfd[1], 2);
		execl("./ikeflowctl", "ikeflowctl", "-s", sock_path, "SHOW", "crypto",
		    "ipsec", "sa", "peer", "x", (char *)NULL);
		_exit(127);
	}
	close(pfd[1]);
	fcntl(pfd[0], F_SETFL, O_NONBLOCK);
	for (int i = 0; i < 2000; i++) {
		loop_once(5);
		n = read(pfd[0], out + got, sizeof(out) - 1 - got);
		if (n == 0)
			break;
		if (n > 0)
			got += (size_t)n;
	}
	out[got] = '\0';
	close(pfd[0]);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_int_equal(WEXITSTATUS(status), 0);
	assert_string_equal(out, "ran ipsec-sa\n");
	assert_string_equal(last_args, "peer x");
}

/* ---- answers that wait (up, down) ---- */

/* "wait MS RESULT": defers for MS, streams three lines 20 ms apart, then
 * ends OK or ERR as RESULT says ("none": never ends). */
static struct {
	struct ctl_stream	*s;
	struct loop_timer	*t;
	int			 step, ok, never, gone;
} wt;

static void
wait_step(void *arg)
{
	char line[64];

	(void)arg;
	if (wt.s == NULL)
		return;
	if (wt.step < 3) {
		snprintf(line, sizeof(line), "step %d of the exchange", ++wt.step);
		ctl_stream_line(wt.s, line);
		loop_timer_set(wt.t, 20);
		return;
	}
	if (wt.never)
		return;
	ctl_stream_end(wt.s, wt.ok, wt.ok ? "child SA installed" : "authentication failed");
	wt.s = NULL;
}

static void
wait_gone(void *arg)
{
	assert_ptr_equal(arg, &wt);
	wt.gone++;
	wt.s = NULL;
}

static int
waiting(int argc, char **argv, struct buf *out, void *arg)
{
	(void)arg;
	if (argc != 2)
		return -1;
	buf_printf(out, "initiating\n");
	wt.ok = strcmp(argv[1], "ok") == 0;
	wt.never = strcmp(argv[1], "none") == 0;
	wt.step = 0;
	if ((wt.s = ctl_defer((uint32_t)atoi(argv[0]), wait_gone, &wt)) == NULL) {
		buf_printf(out, "cannot wait\n");
		return 0;
	}
	/* a second defer in the same request is refused */
	assert_null(ctl_defer(10, wait_gone, &wt));
	loop_timer_set(wt.t, 20);
	return 0;
}

static int
setup_wait(void **state)
{
	setup_sock(state);
	memset(&wt, 0, sizeof(wt));
	assert_non_null(wt.t = loop_timer_new(wait_step, NULL));
	assert_int_equal(ctl_register("wait", NULL, NULL, waiting, NULL), 0);
	return 0;
}

static int
teardown_wait(void **state)
{
	loop_timer_free(wt.t);
	return teardown_sock(state);
}

/* ikeflowctl "wait ..." in a child while this process serves; its output
 * (stdout and stderr) and exit status. */
static int
ctl_run(const char *ms, const char *result, char *out, size_t len)
{
	int pfd[2], status;
	size_t got = 0;
	ssize_t n;
	pid_t pid;

	assert_int_equal(pipe(pfd), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		dup2(pfd[1], 1);
		dup2(pfd[1], 2);
		execl("./ikeflowctl", "ikeflowctl", "-s", sock_path, "wait", ms, result,
		    (char *)NULL);
		_exit(127);
	}
	close(pfd[1]);
	fcntl(pfd[0], F_SETFL, O_NONBLOCK);
	for (int i = 0; i < 4000; i++) {
		struct buf *other = buf_new(0);
		const char *body;
		size_t blen;

		loop_once(5);
		/* while one waits, the others are served */
		if (i == 3) {
			assert_int_equal(exchange("show crypto session", other), 1);
			assert_int_equal(ctl_client_parse(other, &body, &blen), CTL_R_OK);
		}
		buf_free(other);
		n = read(pfd[0], out + got, len - 1 - got);
		if (n == 0)
			break;
		if (n > 0)
			got += (size_t)n;
	}
	out[got] = '\0';
	close(pfd[0]);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	return WEXITSTATUS(status);
}

static void
t_wait_stream(void **state)
{
	char out[512];

	assert_int_equal(ctl_listen(sock_path), 0);
	assert_int_equal(ctl_run("5000", "ok", out, sizeof(out)), 0);
	assert_string_equal(out, "initiating\nstep 1 of the exchange\n"
	    "step 2 of the exchange\nstep 3 of the exchange\nchild SA installed\n");
	assert_int_equal(wt.gone, 0);

	assert_int_equal(ctl_run("5000", "fail", out, sizeof(out)), 1);
	assert_non_null(strstr(out, "step 3 of the exchange\nauthentication failed\n"));
	assert_int_equal(wt.gone, 0);

	/* no result within the wait: the daemon says so, the waiter is told */
	assert_int_equal(ctl_run("300", "none", out, sizeof(out)), 1);
	assert_non_null(strstr(out, "initiating\n"));
	assert_non_null(strstr(out, "No result within 0 s"));
	assert_int_equal(wt.gone, 1);

	/* direct dispatch (no client to wait for) answers at once */
	{
		int rc;
		char *s = run("wait 100 ok", &rc);

		assert_int_equal(rc, 0);
		assert_string_equal(s, "initiating\ncannot wait\n");
		free(s);
	}
}

/* A client that leaves while it waits: the waiter hears of it, and the
 * daemon goes on. */
static void
t_wait_client_gone(void **state)
{
	struct buf *resp = buf_new(0);
	char err[128];
	int fd;

	assert_int_equal(ctl_listen(sock_path), 0);
	fd = ctl_client_connect(sock_path, err, sizeof(err));
	assert_true(fd >= 0);
	assert_int_equal(ctl_client_send(fd, "wait 5000 none", err, sizeof(err)), 0);
	for (int i = 0; i < 400 && resp->len < 20; i++) {
		loop_once(5);
		(void)ctl_client_read_some(fd, resp);
	}
	assert_true(resp->len >= 10);
	assert_memory_equal(resp->data, "WAIT 5000\n| initiating\n", 23);
	close(fd);
	for (int i = 0; i < 100 && wt.gone == 0; i++)
		loop_once(5);
	assert_int_equal(wt.gone, 1);
	buf_reset(resp);
	assert_int_equal(exchange("show crypto session", resp), 1);
	buf_free(resp);
}

/* The client side's reading of a waiting answer, from a fake daemon. */
static void
t_wait_client_parse(void **state)
{
	static const struct { const char *answer; int rc; const char *body; } cases[] = {
		{ "WAIT 1000\n| a\n| b\nOK\ndone\n", CTL_R_OK, "done\n" },
		{ "WAIT 1000\nERR\nno\n", CTL_R_ERR, "no\n" },
		{ "WAIT 1000\n| a\n", CTL_R_PROTO, NULL },		/* cut short */
		{ "WAIT x\nOK\n", CTL_R_PROTO, NULL },
		{ "WAIT 1000\nsomething else\nOK\n", CTL_R_PROTO, NULL },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct sockaddr_un sun = { .sun_family = AF_UNIX };
		struct buf *body;
		char err[128];
		int lfd, rc;
		pid_t pid;

		strcpy(sun.sun_path, sock_path);
		unlink(sock_path);
		lfd = socket(AF_UNIX, SOCK_STREAM, 0);
		assert_int_equal(bind(lfd, (struct sockaddr *)&sun, sizeof(sun)), 0);
		assert_int_equal(listen(lfd, 1), 0);
		pid = fork();
		assert_true(pid >= 0);
		if (pid == 0) {
			char in[64];
			int c = accept(lfd, NULL, NULL);

			(void)read(c, in, sizeof(in));
			(void)write(c, cases[i].answer, strlen(cases[i].answer));
			_exit(0);
		}
		close(lfd);
		body = buf_new(0);
		rc = ctl_client_request_progress(sock_path, "x", body, 2000, NULL, NULL,
		    err, sizeof(err));
		assert_int_equal(rc, cases[i].rc);
		if (cases[i].body != NULL) {
			assert_int_equal(body->len, strlen(cases[i].body));
			assert_memory_equal(body->data, cases[i].body, body->len);
		}
		waitpid(pid, NULL, 0);
		buf_free(body);
	}
	unlink(sock_path);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(t_buf_printf),
		cmocka_unit_test_setup_teardown(t_longest_prefix, setup_cmds, teardown_cmds),
		cmocka_unit_test_setup_teardown(t_case_and_abbrev, setup_cmds, teardown_cmds),
		cmocka_unit_test_setup_teardown(t_unknown, setup_cmds, teardown_cmds),
		cmocka_unit_test_setup_teardown(t_handler_error, setup_cmds, teardown_cmds),
		cmocka_unit_test_setup_teardown(t_help, setup_cmds, teardown_cmds),
		cmocka_unit_test_setup_teardown(t_register_errors, setup_cmds, teardown_cmds),
		cmocka_unit_test_setup_teardown(t_too_long, setup_cmds, teardown_cmds),
		cmocka_unit_test_setup_teardown(t_socket_roundtrip, setup_sock, teardown_sock),
		cmocka_unit_test_setup_teardown(t_socket_big_answer, setup_sock, teardown_sock),
		cmocka_unit_test_setup_teardown(t_parts_in_process, setup_cmds, teardown_cmds),
		cmocka_unit_test_setup_teardown(t_socket_parts, setup_sock, teardown_sock),
		cmocka_unit_test_setup_teardown(t_socket_bad_requests, setup_sock, teardown_sock),
		cmocka_unit_test_setup_teardown(t_socket_takeover, setup_sock, teardown_sock),
		cmocka_unit_test(t_client_join),
		cmocka_unit_test_setup_teardown(t_wait_stream, setup_wait, teardown_wait),
		cmocka_unit_test_setup_teardown(t_wait_client_gone, setup_wait, teardown_wait),
		cmocka_unit_test_setup_teardown(t_wait_client_parse, setup_sock, teardown_sock),
		cmocka_unit_test_setup_teardown(t_ikeflowctl_no_daemon, setup_sock, teardown_sock),
		cmocka_unit_test_setup_teardown(t_ikeflowctl_roundtrip, setup_sock, teardown_sock),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
