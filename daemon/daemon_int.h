/* ikeflowd's own parts: command line, pid file, detaching, loading and
 * swapping the configuration, and the control commands about the daemon. */
#ifndef IKEFLOW_DAEMON_INT_H
#define IKEFLOW_DAEMON_INT_H

#include <stdint.h>
#include <stdio.h>

#include "common/buf.h"

struct ifl_config;

#ifndef SYSCONFDIR
#define SYSCONFDIR	"/etc"
#endif
#define IKEFLOWD_CONF_DEFAULT	SYSCONFDIR "/ikeflowd.conf"

/* Command line. NULL paths and log_level -1 mean "as ikeflowd.conf says". */
struct daemon_opts {
	int		 foreground;
	int		 syslog;		/* --syslog: also to syslog in the foreground */
	int		 check_config;
	int		 log_level;
	const char	*config_file;
	int		 config_explicit;	/* -c given: the file must exist */
	const char	*ipsec_conf;
	const char	*ipsec_secrets;
	const char	*control;
	const char	*state_dir;
	const char	*pid_file;
	const char	*updown_script;
	const char	*user;
	const char	*group;
};

enum { OPTS_RUN = 0, OPTS_EXIT_OK = 1, OPTS_EXIT_FAIL = 2 };

/* Fills o from argv (getopt state is reset, so it can run more than once).
 * --help/--version print to out; errors go to err. Returns OPTS_*. */
int	options_parse(struct daemon_opts *o, int argc, char **argv, FILE *out, FILE *err);
void	options_usage(FILE *f);

/* Opens and locks the pid file; -1 (logged, naming the running pid) when
 * another instance holds it. A file left by a dead instance is taken over. */
int	pidfile_open(const char *path);
int	pidfile_write(int fd);		/* our pid, after detaching */
void	pidfile_remove(const char *path, int fd);
/* Locks DIR/lock; fd to keep open, or -1 (logged) if another daemon has it. */
int	statedir_lock(const char *dir);

/* Double fork + setsid. Only the final child returns, with a descriptor to
 * hand to detach_done(); the original process waits and exits 0 once the
 * daemon reports ready, 1 if it fails before that. */
int	detach_start(void);
void	detach_done(int fd, int ok);

/* Reads ikeflowd.conf, ipsec.conf and ipsec.secrets as the options say.
 * NULL on any error (each logged). */
struct ifl_config *reload_load(const struct daemon_opts *o);
/* ikeflowd.conf and the command line only (as reload_load reads them). */
struct cfg_daemon;
int	reload_settings(const struct daemon_opts *o, struct cfg_daemon *d);
/* Puts a loaded configuration in force at start (state, log level); takes
 * ownership of cfg. */
void	reload_start(const struct daemon_opts *o, struct ifl_config *cfg);
/* Frees the configuration in force (at exit). */
void	reload_stop(void);
int	reload_count(void);
int	reload_last_ok(void);	/* -1 never reloaded, 0 failed, 1 ok */

/* Paths in force (command line over ikeflowd.conf). */
const char *daemon_settings_path(void);	/* ikeflowd.conf */
const char *daemon_control_path(void);

/* status, show running-config, reload */
int	commands_register(void);

/* tech.c: show version, show processes, show crypto ruleset / eli / engine,
 * show xfrm, show logging and show tech-support ipsec. */
int	tech_register(void);
void	tech_show_version(struct buf *out);
/* show processes cpu's long turns: the longest since the last look and
 * since the start, each with the handler that took the most of it. */
struct loop_stats;
struct loop_total;
void	tech_loop_turns(struct buf *out, const struct loop_stats *ls, uint64_t now_ms);
void	tech_loop_totals(struct buf *out, const struct loop_total *t, size_t n,
	    uint64_t up_ms);

/* privdrop.c: the user ikeflowd runs as (user/group of ikeflowd.conf). */
struct priv_ids {
	int		drop;		/* 0: user = root, every privilege kept */
	unsigned	uid, gid;
	char		user[64];
};
int	priv_resolve(const struct cfg_daemon *d, struct priv_ids *ids);
/* reload_load with the user's ids, so that what it cannot read fails now */
struct ifl_config *priv_load_as(const struct daemon_opts *o,
	    const struct priv_ids *ids);
/* ikeflowd.conf for the user, then everything as priv_load_as */
struct ifl_config *priv_load(const struct daemon_opts *o, struct priv_ids *ids);
/* After the sockets are bound: the user's ids, CAP_NET_ADMIN and
 * CAP_NET_BIND_SERVICE only. 0, or -1 logged. */
int	priv_drop(const struct priv_ids *ids);

/* seccomp.c: the system call filter, last thing before the loop runs. */
int	seccomp_install(void);

/* runner.c: the privileged process that runs the updown scripts. */
int	runner_start(const struct daemon_opts *o);
int	runner_fd(void);	/* -1: none, scripts run from this process */
void	runner_stop(void);

#endif
