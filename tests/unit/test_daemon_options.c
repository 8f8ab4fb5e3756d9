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
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <syslog.h>
#include <unistd.h>

#include "daemon/daemon_int.h"

struct parsed {
	struct daemon_opts o;
	int rc;
	char out[4096], err[1024];
};

static void
parse(struct parsed *p, int argc, char **argv)
{
	FILE *out, *err;

	memset(p, 0, sizeof(*p));
	out = fmemopen(p->out, sizeof(p->out), "w");
	err = fmemopen(p->err, sizeof(p->err), "w");
	assert_non_null(out);
	assert_non_null(err);
	p->rc = options_parse(&p->o, argc, argv, out, err);
	fclose(out);
	fclose(err);
}

#define PARSE(p, ...) do {						\
	char *av_[] = { "ikeflowd", __VA_ARGS__, NULL };		\
	parse((p), (int)(sizeof(av_) / sizeof(av_[0])) - 1, av_);	\
} while (0)

static void
t_defaults(void **state)
{
	struct parsed p;
	char *av[] = { "ikeflowd", NULL };

	parse(&p, 1, av);
	assert_int_equal(p.rc, OPTS_RUN);
	assert_int_equal(p.o.foreground, 0);
	assert_int_equal(p.o.check_config, 0);
	assert_int_equal(p.o.log_level, -1);
	assert_string_equal(p.o.config_file, SYSCONFDIR "/ikeflowd.conf");
	assert_int_equal(p.o.config_explicit, 0);
	assert_null(p.o.ipsec_conf);
	assert_null(p.o.ipsec_secrets);
	assert_null(p.o.control);
	assert_null(p.o.state_dir);
	assert_null(p.o.pid_file);
	assert_null(p.o.updown_script);
}

static void
t_all_options(void **state)
{
	struct parsed p;

	PARSE(&p, "-f", "-c", "/x/ikeflowd.conf", "--ipsec-conf", "/x/ipsec.conf",
	    "--ipsec-secrets=/x/ipsec.secrets", "--control", "/x/ctl",
	    "--state-dir", "/x/state", "--pid-file", "/x/pid", "--check-config",
	    "--log-level", "notice", "--updown-script", "/x/updown");
	assert_int_equal(p.rc, OPTS_RUN);
	assert_int_equal(p.o.foreground, 1);
	assert_int_equal(p.o.check_config, 1);
	assert_int_equal(p.o.log_level, LOG_NOTICE);
	assert_string_equal(p.o.config_file, "/x/ikeflowd.conf");
	assert_int_equal(p.o.config_explicit, 1);
	assert_string_equal(p.o.ipsec_conf, "/x/ipsec.conf");
	assert_string_equal(p.o.ipsec_secrets, "/x/ipsec.secrets");
	assert_string_equal(p.o.control, "/x/ctl");
	assert_string_equal(p.o.state_dir, "/x/state");
	assert_string_equal(p.o.pid_file, "/x/pid");
	assert_string_equal(p.o.updown_script, "/x/updown");

	PARSE(&p, "--foreground", "--config=/y.conf", "-d");
	assert_int_equal(p.rc, OPTS_RUN);
	assert_int_equal(p.o.foreground, 1);
	assert_string_equal(p.o.config_file, "/y.conf");
	assert_int_equal(p.o.log_level, LOG_DEBUG);
	/* a second parse starts from scratch */
	assert_int_equal(p.o.check_config, 0);
	assert_null(p.o.control);

	PARSE(&p, "-fd");
	assert_int_equal(p.rc, OPTS_RUN);
	assert_int_equal(p.o.foreground, 1);
	assert_int_equal(p.o.log_level, LOG_DEBUG);
}

static void
t_help_version(void **state)
{
	struct parsed p;
	static const char *documented[] = { "--foreground", "--config", "--ipsec-conf",
	    "--ipsec-secrets", "--control", "--state-dir", "--pid-file",
	    "--updown-script", "--check-config", "--debug", "--log-level", "--version", "--help" };

	PARSE(&p, "--help");
	assert_int_equal(p.rc, OPTS_EXIT_OK);
	for (size_t i = 0; i < sizeof(documented) / sizeof(documented[0]); i++)
		if (strstr(p.out, documented[i]) == NULL)
			fail_msg("--help does not mention %s", documented[i]);
	assert_string_equal(p.err, "");

	PARSE(&p, "-V");
	assert_int_equal(p.rc, OPTS_EXIT_OK);
	assert_string_equal(p.out, "ikeflowd " PACKAGE_VERSION "\n");
}

static void
t_errors(void **state)
{
	struct parsed p;

	PARSE(&p, "--bogus");
	assert_int_equal(p.rc, OPTS_EXIT_FAIL);
	assert_non_null(strstr(p.err, "unknown option --bogus"));

	PARSE(&p, "-c");
	assert_int_equal(p.rc, OPTS_EXIT_FAIL);
	assert_non_null(strstr(p.err, "needs an argument"));

	PARSE(&p, "--log-level", "loud");
	assert_int_equal(p.rc, OPTS_EXIT_FAIL);
	assert_non_null(strstr(p.err, "unknown log level \"loud\""));

	PARSE(&p, "-f", "stray");
	assert_int_equal(p.rc, OPTS_EXIT_FAIL);
	assert_non_null(strstr(p.err, "unexpected argument \"stray\""));

	PARSE(&p, "-c", "");
	assert_int_equal(p.rc, OPTS_EXIT_FAIL);
}

/* ---- pid file ---- */

static void
t_pidfile(void **state)
{
	char dir[] = "/tmp/pidtest.XXXXXX", path[64], text[32];
	int fd, fd2, status;
	ssize_t n;
	pid_t pid;

	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/ikeflowd.pid", dir);

	fd = pidfile_open(path);
	assert_true(fd >= 0);
	assert_int_equal(pidfile_write(fd), 0);
	fd2 = open(path, O_RDONLY);
	n = read(fd2, text, sizeof(text) - 1);
	assert_true(n > 0);
	text[n] = '\0';
	close(fd2);
	assert_int_equal(atol(text), (long)getpid());

	/* a second instance (another open file description) is refused */
	assert_int_equal(pidfile_open(path), -1);
	pidfile_remove(path, fd);
	assert_int_equal(access(path, F_OK), -1);

	/* a file left by a killed instance (no lock held) is taken over */
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		int cfd = pidfile_open(path);

		_exit(cfd >= 0 && pidfile_write(cfd) == 0 ? 0 : 1);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_int_equal(WEXITSTATUS(status), 0);
	assert_int_equal(access(path, F_OK), 0);
	fd = pidfile_open(path);
	assert_true(fd >= 0);
	pidfile_remove(path, fd);

	/* missing directories are made, 0755 (the run directory of a build
	 * that was never installed) */
	snprintf(path, sizeof(path), "%s/run/ikeflow/ikeflowd.pid", dir);
	fd = pidfile_open(path);
	assert_true(fd >= 0);
	{
		char sub[300];
		struct stat st;

		snprintf(sub, sizeof(sub), "%s/run/ikeflow", dir);
		assert_int_equal(stat(sub, &st), 0);
		assert_int_equal(st.st_mode & 07777, 0755);
		pidfile_remove(path, fd);
		rmdir(sub);
		snprintf(sub, sizeof(sub), "%s/run", dir);
		rmdir(sub);
		/* ... unless a file is in the way */
		snprintf(sub, sizeof(sub), "%s/file", dir);
		fd = open(sub, O_WRONLY | O_CREAT, 0600);
		assert_true(fd >= 0);
		close(fd);
		snprintf(path, sizeof(path), "%s/file/ikeflowd.pid", dir);
		assert_int_equal(pidfile_open(path), -1);
		unlink(sub);
	}
	rmdir(dir);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(t_defaults),
		cmocka_unit_test(t_all_options),
		cmocka_unit_test(t_help_version),
		cmocka_unit_test(t_errors),
		cmocka_unit_test(t_pidfile),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
