#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <syslog.h>
#include <unistd.h>

#include "common/log.h"
#include "common/loop.h"
#include "config/config.h"
#include "ctl/ctl.h"
#include "daemon/daemon.h"
#include "daemon/daemon_int.h"
#include "state/state.h"

/* History survives a crash too, not only a clean stop: saved a moment after
 * a tunnel came, went or rekeyed (at most that often), and every
 * STATE_SAVE_MS whatever happened. */
#define STATE_SAVE_MS		(5 * 60 * 1000)
#define STATE_SAVE_SOON_MS	2000
/* The running saves write the index counters this far ahead: a daemon
 * killed between two saves skips indexes rather than reuse one a poller
 * has seen (st_save_ahead). Far more than a busy gateway takes between two
 * saves, and still over 20,000 crashes before Integer32 runs out. */
#define STATE_INDEX_AHEAD	100000

static int modules_started;
static struct loop_timer *save_timer;
static int save_soon;

/* Keys and PSKs live in this process: keep them out of core dumps and
 * away from same-uid debuggers. */
static void
harden(void)
{
	struct rlimit rl = { 0, 0 };

	if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) < 0)
		log_warnx("prctl(PR_SET_DUMPABLE): %s", strerror(errno));
	if (setrlimit(RLIMIT_CORE, &rl) < 0)
		log_warnx("setrlimit(RLIMIT_CORE): %s", strerror(errno));
}

static void
on_hup(int signo, void *arg)
{
	log_notice("SIGHUP received");
	daemon_reload(NULL);
}

static void
on_term(int signo, void *arg)
{
	log_notice("%s received, shutting down",
	    signo == SIGTERM ? "SIGTERM" : "SIGINT");
	loop_stop();
}

static void
on_save(void *arg)
{
	/* a failure is logged once by st_save_ahead, and retried */
	st_save_ahead(daemon_state_dir(), STATE_INDEX_AHEAD);
	save_soon = 0;
	loop_timer_set(save_timer, STATE_SAVE_MS);
}

static void
on_state_event(enum st_event ev, uint32_t index, const void *rec, void *arg)
{
	if (save_timer == NULL || save_soon)
		return;
	save_soon = 1;
	loop_timer_set(save_timer, STATE_SAVE_SOON_MS);
}

/* The state directory holds the tunnel history: it must be ours and closed
 * to others, whether we made it or found it. Checked on the open directory,
 * so that what is checked is what is used; a mode that lets others in is
 * fixed (we own it), another owner is refused (a chown is the operator's
 * call, not ours). */
static int
state_dir_ready(const char *dir, uid_t owner, gid_t group)
{
	struct stat st;
	int fd;

	if (mkdir(dir, 0700) < 0 && errno != EEXIST) {
		log_err("state directory %s: %s", dir, strerror(errno));
		return -1;
	}
	if ((fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0 || fstat(fd, &st) < 0) {
		log_err("state directory %s: %s", dir,
		    errno == ENOTDIR ? "not a directory" : strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	/* made by root (now, or by a run before user = existed): the user's */
	if (st.st_uid == 0 && owner != 0 && geteuid() == 0) {
		if (fchown(fd, owner, group) < 0) {
			log_err("state directory %s: chown to uid %u: %s", dir,
			    (unsigned)owner, strerror(errno));
			close(fd);
			return -1;
		}
		st.st_uid = owner;
	}
	if (st.st_uid != owner) {
		log_err("state directory %s: owned by uid %u, not by uid %u that ikeflowd "
		    "runs as; refusing to use it (chown it, or set state_dir)", dir,
		    (unsigned)st.st_uid, (unsigned)owner);
		close(fd);
		return -1;
	}
	if (st.st_mode & (S_IRWXG | S_IRWXO)) {
		if (fchmod(fd, st.st_mode & S_IRWXU) < 0) {
			log_err("state directory %s: mode %04o lets group/others in and "
			    "cannot be changed: %s", dir, (unsigned)(st.st_mode & 07777),
			    strerror(errno));
			close(fd);
			return -1;
		}
		log_warnx("state directory %s: mode %04o let group/others in, now %04o",
		    dir, (unsigned)(st.st_mode & 07777), (unsigned)(st.st_mode & S_IRWXU));
	}
	close(fd);
	return 0;
}

static int
modules_init(const struct ifl_config *cfg)
{
	for (; daemon_modules[modules_started]; modules_started++) {
		const struct daemon_module *m = daemon_modules[modules_started];

		if (m->init && m->init(cfg) < 0) {
			log_err("module %s failed to start", m->name);
			return -1;
		}
		log_debug("module %s started", m->name);
	}
	return 0;
}

static void
modules_shutdown(void)
{
	while (modules_started > 0) {
		const struct daemon_module *m = daemon_modules[--modules_started];

		if (m->shutdown)
			m->shutdown();
	}
}

static int
check_config(const struct daemon_opts *o)
{
	struct ifl_config *cfg;
	struct priv_ids ids;

	if ((cfg = priv_load(o, &ids)) == NULL) {
		fprintf(stderr, "configuration has errors\n");
		return 1;
	}
	printf("configuration OK\n");
	config_free(cfg);
	return 0;
}

int
main(int argc, char **argv)
{
	struct daemon_opts o;
	struct ifl_config *cfg;
	struct priv_ids ids;
	char pidpath[CFG_PATH_MAX];
	int rc, pidfd = -1, lockfd = -1, ready_fd = -1, state_up = 0, ran = 0, ok = 0;
	int filter;

	if ((rc = options_parse(&o, argc, argv, stdout, stderr)) != OPTS_RUN)
		return rc == OPTS_EXIT_OK ? 0 : 1;
	log_init("ikeflowd", 1, o.syslog && !o.check_config);
	if (o.log_level >= 0)
		log_setlevel(o.log_level);
	harden();
	signal(SIGPIPE, SIG_IGN);
	if (o.check_config)
		return check_config(&o);

	log_notice("ikeflowd %s starting", PACKAGE_VERSION);
	/* forked first, so that its copy of this process holds no key */
	if (runner_start(&o) < 0)
		return 1;
	if ((cfg = priv_load(&o, &ids)) == NULL) {
		log_err("configuration has errors, not starting");
		runner_stop();
		return 1;
	}
	filter = cfg->daemon.seccomp;
	if ((pidfd = pidfile_open(cfg->daemon.pid_file)) < 0) {
		config_free(cfg);
		runner_stop();
		return 1;
	}
	if (ids.drop && geteuid() == 0 && fchown(pidfd, ids.uid, ids.gid) < 0)
		log_warnx("pid file %s: chown to user %s: %s", cfg->daemon.pid_file,
		    ids.user, strerror(errno));
	snprintf(pidpath, sizeof(pidpath), "%s", cfg->daemon.pid_file);
	if (!o.foreground) {
		/* until ready, errors still reach the terminal through stderr */
		log_init("ikeflowd", 1, 1);
		if ((ready_fd = detach_start()) < 0)
			goto out;
	}
	if (pidfile_write(pidfd) < 0 || loop_init() < 0 ||
	    loop_signal(SIGHUP, on_hup, NULL) < 0 ||
	    loop_signal(SIGTERM, on_term, NULL) < 0 ||
	    loop_signal(SIGINT, on_term, NULL) < 0 || st_init() < 0) {
		log_err("cannot set up the event loop or the state model");
		goto out;
	}
	state_up = 1;
	reload_start(&o, cfg);
	cfg = NULL;
	if (state_dir_ready(daemon_state_dir(), ids.drop ? ids.uid : geteuid(),
	    ids.drop ? ids.gid : getegid()) < 0 ||
	    (lockfd = statedir_lock(daemon_state_dir())) < 0)
		goto out;
	if (st_load(daemon_state_dir()) < 0)
		log_warnx("tunnel history from %s not loaded; starting empty",
		    daemon_state_dir());
	if ((save_timer = loop_timer_new(on_save, NULL)) != NULL) {
		loop_timer_name(save_timer, "state save");
		loop_timer_set(save_timer, STATE_SAVE_MS);
		if (st_subscribe(on_state_event, NULL) < 0)
			log_warnx("state changes are saved every %d minutes only",
			    STATE_SAVE_MS / 60000);
	}
	if (commands_register() < 0 || ctl_listen(daemon_control_path()) < 0)
		goto out;
	if (modules_init(daemon_config()) < 0)
		goto out;
	/* every socket is bound: from here on, the user's ids and
	 * CAP_NET_ADMIN (privdrop.c), then the system call filter */
	if (ids.drop && geteuid() == 0 &&
	    chown(daemon_control_path(), ids.uid, ids.gid) < 0)
		log_warnx("control socket %s: chown to user %s: %s",
		    daemon_control_path(), ids.user, strerror(errno));
	if (priv_drop(&ids) < 0 || (filter && seccomp_install() < 0))
		goto out;
	log_notice("ikeflowd %s ready (pid %ld)", PACKAGE_VERSION, (long)getpid());
	if (ready_fd >= 0) {
		detach_done(ready_fd, 1);
		ready_fd = -1;
		log_init("ikeflowd", 0, 1);
	}
	ran = 1;
	ok = loop_run() == 0;
	if (!ok)
		log_err("event loop failed");
out:
	if (ready_fd >= 0)
		detach_done(ready_fd, 0);
	modules_shutdown();
	ctl_close();
	ctl_unregister_all();
	if (state_up) {
		/* a start that failed has nothing new to save, and must not
		 * touch a directory another daemon owns */
		if (ran && st_save(daemon_state_dir()) < 0)
			log_err("tunnel history not saved to %s", daemon_state_dir());
		st_free();
	}
	if (save_timer)
		loop_timer_free(save_timer);
	reload_stop();
	if (cfg)
		config_free(cfg);
	if (lockfd >= 0)
		close(lockfd);
	pidfile_remove(pidpath, pidfd);
	runner_stop();		/* after the pid file's lock is let go */
	loop_free();
	log_notice("ikeflowd stopped");
	log_ring_free();
	return ok ? 0 : 1;
}
