#include "config.h"

#include <getopt.h>
#include <string.h>
#include <syslog.h>

#include "common/log.h"
#include "daemon/daemon_int.h"

enum {
	OPT_IPSEC_CONF = 256, OPT_IPSEC_SECRETS, OPT_CONTROL, OPT_STATE_DIR,
	OPT_PID_FILE, OPT_CHECK_CONFIG, OPT_LOG_LEVEL, OPT_UPDOWN_SCRIPT,
	OPT_USER, OPT_GROUP, OPT_SYSLOG,
};

void
options_usage(FILE *f)
{
	fprintf(f,
	    "usage: ikeflowd [options]\n"
	    "IKE keying daemon with an IPsec flow monitor (SNMP AgentX subagent).\n"
	    "\n"
	    "  -f, --foreground         stay in the foreground, log to stderr\n"
	    "      --syslog             with -f, log to syslog as well\n"
	    "  -c, --config FILE        daemon settings (default %s)\n"
	    "      --ipsec-conf FILE    connections (default: from ikeflowd.conf,\n"
	    "                           else %s)\n"
	    "      --ipsec-secrets FILE pre-shared keys (default: from ikeflowd.conf,\n"
	    "                           else %s)\n"
	    "      --control PATH       control socket for ikeflowctl\n"
	    "      --state-dir DIR      where tunnel history is kept across restarts\n"
	    "      --pid-file FILE      pid file (also keeps a second instance out)\n"
	    "      --updown-script FILE the default updown script (leftfirewall=yes)\n"
	    "      --user USER          run as USER after start (default ikeflow;\n"
	    "                           root keeps every privilege)\n"
	    "      --group GROUP        run as GROUP (default: USER's group)\n"
	    "      --check-config       check the configuration, print\n"
	    "                           \"configuration OK\" or the errors, and exit\n"
	    "  -d, --debug              same as --log-level debug\n"
	    "      --log-level LEVEL    error, warning, notice, info or debug\n"
	    "  -V, --version            print the version and exit\n"
	    "  -h, --help               print this text and exit\n"
	    "\n"
	    "Signals: SIGHUP reloads the configuration, SIGTERM/SIGINT stop the daemon.\n",
	    IKEFLOWD_CONF_DEFAULT, SYSCONFDIR "/ipsec.conf",
	    SYSCONFDIR "/ipsec.secrets");
}

int
options_parse(struct daemon_opts *o, int argc, char **argv, FILE *out, FILE *err)
{
	static const struct option longopts[] = {
		{ "foreground", no_argument, NULL, 'f' },
		{ "syslog", no_argument, NULL, OPT_SYSLOG },
		{ "config", required_argument, NULL, 'c' },
		{ "ipsec-conf", required_argument, NULL, OPT_IPSEC_CONF },
		{ "ipsec-secrets", required_argument, NULL, OPT_IPSEC_SECRETS },
		{ "control", required_argument, NULL, OPT_CONTROL },
		{ "state-dir", required_argument, NULL, OPT_STATE_DIR },
		{ "pid-file", required_argument, NULL, OPT_PID_FILE },
		{ "updown-script", required_argument, NULL, OPT_UPDOWN_SCRIPT },
		{ "user", required_argument, NULL, OPT_USER },
		{ "group", required_argument, NULL, OPT_GROUP },
		{ "check-config", no_argument, NULL, OPT_CHECK_CONFIG },
		{ "debug", no_argument, NULL, 'd' },
		{ "log-level", required_argument, NULL, OPT_LOG_LEVEL },
		{ "version", no_argument, NULL, 'V' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int ch;

	memset(o, 0, sizeof(*o));
	o->log_level = -1;
	o->config_file = IKEFLOWD_CONF_DEFAULT;
	optind = 0;	/* glibc: a full reset, for callers that parse twice */
	opterr = 0;
	while ((ch = getopt_long(argc, argv, ":fc:dVh", longopts, NULL)) != -1) {
		switch (ch) {
		case 'f':
			o->foreground = 1;
			break;
		case OPT_SYSLOG:
			o->syslog = 1;
			break;
		case 'c':
			o->config_file = optarg;
			o->config_explicit = 1;
			break;
		case OPT_IPSEC_CONF:
			o->ipsec_conf = optarg;
			break;
		case OPT_IPSEC_SECRETS:
			o->ipsec_secrets = optarg;
			break;
		case OPT_CONTROL:
			o->control = optarg;
			break;
		case OPT_STATE_DIR:
			o->state_dir = optarg;
			break;
		case OPT_PID_FILE:
			o->pid_file = optarg;
			break;
		case OPT_UPDOWN_SCRIPT:
			o->updown_script = optarg;
			break;
		case OPT_USER:
			o->user = optarg;
			break;
		case OPT_GROUP:
			o->group = optarg;
			break;
		case OPT_CHECK_CONFIG:
			o->check_config = 1;
			break;
		case 'd':
			o->log_level = LOG_DEBUG;
			break;
		case OPT_LOG_LEVEL:
			if ((o->log_level = log_level_parse(optarg)) < 0) {
				fprintf(err, "ikeflowd: unknown log level \"%s\" (use "
				    "error, warning, notice, info or debug)\n", optarg);
				return OPTS_EXIT_FAIL;
			}
			break;
		case 'V':
			fprintf(out, "ikeflowd %s\n", PACKAGE_VERSION);
			return OPTS_EXIT_OK;
		case 'h':
			options_usage(out);
			return OPTS_EXIT_OK;
		case ':':
			fprintf(err, "ikeflowd: option %s needs an argument\n",
			    argv[optind - 1]);
			fprintf(err, "Try \"ikeflowd --help\".\n");
			return OPTS_EXIT_FAIL;
		default:
			fprintf(err, "ikeflowd: unknown option %s\n", argv[optind - 1]);
			fprintf(err, "Try \"ikeflowd --help\".\n");
			return OPTS_EXIT_FAIL;
		}
	}
	if (optind < argc) {
		fprintf(err, "ikeflowd: unexpected argument \"%s\"\n", argv[optind]);
		fprintf(err, "Try \"ikeflowd --help\".\n");
		return OPTS_EXIT_FAIL;
	}
	if (o->config_file[0] == '\0') {
		fprintf(err, "ikeflowd: empty configuration file name\n");
		return OPTS_EXIT_FAIL;
	}
	return OPTS_RUN;
}
