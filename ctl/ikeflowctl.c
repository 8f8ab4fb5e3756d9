#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/buf.h"
#include "ctl/bundle.h"
#include "ctl/ctl_client.h"

#define IKEFLOWCTL_TIMEOUT_MS	30000

#ifndef SYSCONFDIR
#define SYSCONFDIR	"/etc"
#endif
#ifndef SBINDIR
#define SBINDIR		"/usr/sbin"
#endif

/* ---- tech-support bundle ---- */

static int
bundle_ask(const char *cmd, struct buf *out, char *why, size_t whylen, void *arg)
{
	char err[200] = "";

	switch (ctl_client_request(arg, cmd, out, IKEFLOWCTL_TIMEOUT_MS, err, sizeof(err))) {
	case CTL_R_OK:
		return 0;
	case CTL_R_ERR:
		return 1;
	default:
		snprintf(why, whylen, "%s: %s", (const char *)arg, err);
		return -1;
	}
}

struct bundle_out {
	int		 fd;
	const char	*path;
	int		 err;
};

static int
bundle_put(const void *data, size_t len, void *arg)
{
	struct bundle_out *o = arg;
	const char *p = data;

	while (len > 0) {
		ssize_t n = write(o->fd, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			o->err = n < 0 ? errno : EIO;
			return -1;
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

/* The ikeflowd beside this ikeflowctl (a build tree, a package's sbin),
 * else the installed one. */
static void
ikeflowd_path(char *dst, size_t len)
{
	char self[PATH_MAX - 16];
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	char *slash;

	if (n > 0) {
		self[n] = '\0';
		if ((slash = strrchr(self, '/')) != NULL) {
			*slash = '\0';
			snprintf(dst, len, "%s/ikeflowd", self);
			if (access(dst, X_OK) == 0)
				return;
		}
	}
	snprintf(dst, len, "%s/ikeflowd", SBINDIR);
}

static int
tech_bundle(const char *sock, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "output", required_argument, NULL, 'o' },
		{ "config", required_argument, NULL, 'c' },
		{ "state-dir", required_argument, NULL, 'd' },
		{ NULL, 0, NULL, 0 },
	};
	char top[256], deflt[300], ikeflowd[PATH_MAX];
	const char *file = NULL, *conf = SYSCONFDIR "/ikeflowd.conf";
	struct bundle_src src = { .ask = bundle_ask, .ask_arg = (void *)sock };
	struct bundle_out o = { .fd = -1 };
	struct buf *report;
	int ch, rc;

	optind = 1;
	while ((ch = getopt_long(argc, argv, "o:c:d:", longopts, NULL)) != -1) {
		switch (ch) {
		case 'o':
			file = optarg;
			break;
		case 'd':
			src.state_dir = optarg;
			break;
		case 'c':
			conf = optarg;
			break;
		default:
			fprintf(stderr, "usage: ikeflowctl tech-support bundle [-o FILE] "
			    "[-c IKEFLOWD_CONF] [-d STATE_DIR]\n");
			return 1;
		}
	}
	if (optind != argc) {
		fprintf(stderr, "ikeflowctl: tech-support bundle: unexpected \"%s\"\n",
		    argv[optind]);
		return 1;
	}
	bundle_name(top, sizeof(top));
	if (file == NULL) {
		snprintf(deflt, sizeof(deflt), "%s.tar.gz", top);
		file = deflt;
	}
	if (strcmp(file, "-") == 0) {
		o.fd = STDOUT_FILENO;
		o.path = "(standard output)";
	} else {
		/* never through a link or over an existing file: it is made here,
		 * readable by us alone */
		o.fd = open(file, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
		o.path = file;
		if (o.fd < 0) {
			fprintf(stderr, "ikeflowctl: %s: %s\n", file, strerror(errno));
			return 1;
		}
		fchmod(o.fd, 0600);
	}
	ikeflowd_path(ikeflowd, sizeof(ikeflowd));
	src.daemon_conf = conf;
	src.ikeflowd = ikeflowd;
	src.top = top;
	if ((report = buf_new(1024)) == NULL) {
		fprintf(stderr, "ikeflowctl: out of memory\n");
		return 1;
	}
	rc = bundle_write(&src, bundle_put, &o, report);
	if (rc == 0 && o.fd != STDOUT_FILENO && fsync(o.fd) < 0) {
		o.err = errno;
		rc = -1;
	}
	if (o.fd != STDOUT_FILENO && close(o.fd) < 0 && rc == 0) {
		o.err = errno;
		rc = -1;
	}
	if (rc < 0) {
		fprintf(stderr, "ikeflowctl: %s not written: %s%.*s\n", o.path,
		    o.err ? strerror(o.err) : "", o.err ? 0 : (int)report->len,
		    (const char *)report->data);
		if (o.fd != STDOUT_FILENO)
			unlink(file);
		buf_free(report);
		return 1;
	}
	if (report->len > 0) {
		fprintf(stderr, "ikeflowctl: left out of the bundle (see its MANIFEST):\n");
		for (const char *p = (const char *)report->data, *end = p + report->len; p < end; ) {
			const char *nl = memchr(p, '\n', (size_t)(end - p));
			size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);

			fprintf(stderr, "  %.*s\n", (int)n, p);
			p += n + 1;
		}
	}
	fprintf(stderr, "ikeflowctl: wrote %s\n", o.path);
	buf_free(report);
	return 0;
}

/* A waiting command's progress: printed as it comes. */
static void
progress(const char *line, size_t len, void *arg)
{
	(void)arg;
	fwrite(line, 1, len, stdout);
	fputc('\n', stdout);
	fflush(stdout);
}

static void
usage(FILE *f)
{
	fprintf(f,
	    "usage: ikeflowctl [-s PATH] COMMAND WORDS...\n"
	    "Send a command to ikeflowd and print its answer.\n"
	    "\n"
	    "  -s, --socket PATH  control socket (default %s,\n"
	    "                     or $IKEFLOWCTL_SOCKET)\n"
	    "  -h, --help         this text\n"
	    "  -V, --version      print the version\n"
	    "\n"
	    "up NAME and down NAME print the exchange as it happens and exit 0\n"
	    "once the child SA is installed (the SAs are deleted), 1 with the\n"
	    "reason otherwise; add --no-wait to return at once.\n"
	    "\n"
	    "Examples: ikeflowctl help\n"
	    "          ikeflowctl status\n"
	    "          ikeflowctl show crypto ipsec sa\n"
	    "          ikeflowctl show tech-support ipsec [peer ADDR | vrf NAME]\n"
	    "          ikeflowctl tech-support bundle [-o FILE] [-c IKEFLOWD_CONF]\n"
	    "            (a .tar.gz for a support case, secrets masked; made here,\n"
	    "            from the daemon's answers and the files)\n",
	    CTL_SOCKET_DEFAULT);
}

int
main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "socket", required_argument, NULL, 's' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	const char *path = getenv("IKEFLOWCTL_SOCKET");
	char line[CTL_LINE_MAX], err[256];
	struct buf *body;
	int ch, rc;

	if (path == NULL || *path == '\0')
		path = CTL_SOCKET_DEFAULT;
	/* "+": words after the command (e.g. "-h" as an argument) are not options */
	while ((ch = getopt_long(argc, argv, "+s:hV", longopts, NULL)) != -1) {
		switch (ch) {
		case 's':
			path = optarg;
			break;
		case 'h':
			usage(stdout);
			return 0;
		case 'V':
			printf("ikeflowctl %s\n", PACKAGE_VERSION);
			return 0;
		default:
			usage(stderr);
			return 1;
		}
	}
	argc -= optind;
	argv += optind;
	if (argc == 0) {
		usage(stderr);
		return 1;
	}
	if (argc >= 2 && strcasecmp(argv[0], "tech-support") == 0 &&
	    strcasecmp(argv[1], "bundle") == 0)
		return tech_bundle(path, argc - 1, argv + 1);
	if (ctl_client_join(argc, argv, line, sizeof(line)) < 0) {
		fprintf(stderr, "ikeflowctl: command too long (limit %d bytes) "
		    "or contains a newline\n", CTL_LINE_MAX - 1);
		return 1;
	}
	if ((body = buf_new(4096)) == NULL) {
		fprintf(stderr, "ikeflowctl: out of memory\n");
		return 1;
	}
	/* up and down follow the exchange until its result: as long as the
	 * daemon announces (its retransmission give-up) and a few seconds */
	rc = ctl_client_request_progress(path, line, body, IKEFLOWCTL_TIMEOUT_MS,
	    progress, NULL, err, sizeof(err));
	switch (rc) {
	case CTL_R_OK:
		fwrite(body->data, 1, body->len, stdout);
		break;
	case CTL_R_ERR:
		fwrite(body->data, 1, body->len, stderr);
		break;
	case CTL_R_UNREACHABLE:
		fprintf(stderr, "ikeflowctl: cannot reach ikeflowd at %s: %s "
		    "(is the daemon running?)\n", path, err);
		break;
	default:
		fprintf(stderr, "ikeflowctl: %s: %s\n", path, err);
		rc = CTL_R_UNREACHABLE;
	}
	buf_free(body);
	if (fflush(stdout) != 0 && rc == CTL_R_OK)
		rc = CTL_R_ERR;
	return rc;
}
