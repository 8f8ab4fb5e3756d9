#include "config.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/buf.h"
#include "ctl/ctl_client.h"

#define IKEFLOWCTL_TIMEOUT_MS	30000

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
	    "          ikeflowctl show crypto ipsec sa\n",
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
