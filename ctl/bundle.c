/* The diagnostic bundle's writer (libarchive: tar, gzip), see bundle.h. */
#include "config.h"

#include <archive.h>
#include <archive_entry.h>
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <openssl/evp.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "config/config.h"
#include "ctl/bundle.h"
#include "ctl/ctl.h"
#include "kernel/xfrm.h"

#define XFRM_STAT_PATH	"/proc/net/xfrm_stat"
#define FILE_MAX	(64u << 20)	/* a configuration or state file larger is not one */
#define CHECK_MAX	(1u << 20)

/* The daemon's views, one file each; tech-support.txt holds the IOS set. */
static const struct {
	const char *file, *cmd;
} views[] = {
	{ "tech-support.txt", "show tech-support ipsec" },
	{ "views/status.txt", "status" },
	{ "views/show-version.txt", "show version" },
	{ "views/show-running-config.txt", "show running-config" },
	{ "views/show-crypto-isakmp-sa-count.txt", "show crypto isakmp sa count" },
	{ "views/show-crypto-ipsec-sa-count.txt", "show crypto ipsec sa count" },
	{ "views/show-crypto-session-summary.txt", "show crypto session summary" },
	{ "views/show-crypto-session-detail.txt", "show crypto session detail" },
	{ "views/show-crypto-isakmp-sa-detail.txt", "show crypto isakmp sa detail" },
	{ "views/show-crypto-ikev2-sa-detailed.txt", "show crypto ikev2 sa detailed" },
	{ "views/show-crypto-ipsec-sa-detail.txt", "show crypto ipsec sa detail" },
	{ "views/show-crypto-isakmp-peers.txt", "show crypto isakmp peers" },
	{ "views/show-crypto-ruleset-detail.txt", "show crypto ruleset detail" },
	{ "views/show-crypto-route.txt", "show crypto route" },
	{ "views/show-crypto-isakmp-policy.txt", "show crypto isakmp policy" },
	{ "views/show-crypto-ipsec-transform-set.txt", "show crypto ipsec transform-set" },
	{ "views/show-crypto-map.txt", "show crypto map" },
	{ "views/show-processes-memory.txt", "show processes memory" },
	{ "views/show-processes-cpu.txt", "show processes cpu" },
	{ "views/show-crypto-eli.txt", "show crypto eli" },
	{ "views/show-crypto-engine-accelerator-statistic.txt",
	    "show crypto engine accelerator statistic" },
	{ "views/show-crypto-ikev2-stats.txt", "show crypto ikev2 stats" },
	{ "views/statusall.txt", "statusall" },
	{ "history/show-crypto-ikev2-history.txt", "show crypto ikev2 history" },
	{ "history/show-crypto-ikev2-failures.txt", "show crypto ikev2 failures" },
	{ "mib/flowmib.json", "show crypto mib json" },
	{ "log/ikeflowd.log", "show logging" },
};

struct bw {
	struct archive	*a;
	bundle_write_fn	 w;
	void		*warg;
	const char	*top;
	struct buf	*manifest, *missing, *report;
	struct buf	*sources;	/* where the files came from */
	int		 failed;
	int		 daemon_down;
	unsigned	 down_skipped;	/* views not asked since (MANIFEST lists them) */
	char		 down_why[256];
	time_t		 now;
};

/* ---- archive ---- */

static la_ssize_t
bw_write_cb(struct archive *a, void *arg, const void *data, size_t len)
{
	struct bw *b = arg;

	if (b->w(data, len, b->warg) < 0) {
		archive_set_error(a, EIO, "output refused");
		return -1;
	}
	return (la_ssize_t)len;
}

static void
missing(struct bw *b, const char *file, const char *why)
{
	buf_printf(b->missing, "MISSING %s: %s\n", file, why);
	buf_printf(b->report, "%s: %s\n", file, why);
}

/* One file of the archive, its size and SHA-256 into the manifest. */
static int
add_file(struct bw *b, const char *name, const void *data, size_t len)
{
	struct archive_entry *e;
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0;
	char path[512];
	const char *p = data;
	size_t off = 0;

	if (b->failed)
		return -1;
	snprintf(path, sizeof(path), "%s/%s", b->top, name);
	if ((e = archive_entry_new()) == NULL) {
		b->failed = 1;
		return -1;
	}
	archive_entry_set_pathname(e, path);
	archive_entry_set_size(e, (la_int64_t)len);
	archive_entry_set_filetype(e, AE_IFREG);
	archive_entry_set_perm(e, 0600);
	archive_entry_set_mtime(e, b->now, 0);
	if (archive_write_header(b->a, e) != ARCHIVE_OK)
		goto fail;
	while (off < len) {
		la_ssize_t n = archive_write_data(b->a, p + off, len - off);

		if (n <= 0)
			goto fail;
		off += (size_t)n;
	}
	archive_entry_free(e);
	EVP_Digest(data, len, md, &mdlen, EVP_sha256(), NULL);
	for (unsigned i = 0; i < mdlen; i++)
		buf_printf(b->manifest, "%02x", md[i]);
	buf_printf(b->manifest, "  %10zu  %s\n", len, name);
	return 0;
fail:
	buf_printf(b->report, "%s: %s\n", path, archive_error_string(b->a));
	archive_entry_free(e);
	b->failed = 1;
	return -1;
}

/* ---- pieces ---- */

static void
ask_view(struct bw *b, const struct bundle_src *src, const char *file, const char *cmd)
{
	struct buf *out;
	char why[256] = "", msg[400];
	int rc;

	if (src->ask == NULL || b->daemon_down) {
		/* one reason on stderr, every file in MANIFEST */
		buf_printf(b->missing, "MISSING %s: \"%s\" not asked: %s\n", file, cmd,
		    b->down_why);
		b->down_skipped++;
		return;
	}
	if ((out = buf_new(64 * 1024)) == NULL) {
		missing(b, file, "out of memory");
		return;
	}
	rc = src->ask(cmd, out, why, sizeof(why), src->ask_arg);
	if (rc < 0) {
		b->daemon_down = 1;
		snprintf(b->down_why, sizeof(b->down_why), "ikeflowd did not answer (%s)",
		    why);
		snprintf(msg, sizeof(msg), "\"%s\": %s", cmd, b->down_why);
		missing(b, file, msg);
	} else {
		if (rc > 0) {
			snprintf(msg, sizeof(msg), "\"%s\" answered an error (kept in the file)",
			    cmd);
			missing(b, file, msg);
		}
		add_file(b, file, out->data, out->len);
	}
	buf_free(out);
}

/* A whole file into a buf (wiped when freed: it may hold secrets). */
static struct buf *
slurp(const char *path, char *why, size_t whylen)
{
	struct buf *d;
	char chunk[4096];
	ssize_t n;
	int fd;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0) {
		snprintf(why, whylen, "%s: %s", path, strerror(errno));
		return NULL;
	}
	if ((d = buf_new_secret(4096)) == NULL) {
		close(fd);
		snprintf(why, whylen, "out of memory");
		return NULL;
	}
	while ((n = read(fd, chunk, sizeof(chunk))) > 0) {
		if (d->len + (size_t)n > FILE_MAX || buf_put(d, chunk, (size_t)n) < 0) {
			snprintf(why, whylen, "%s: larger than %u bytes", path, FILE_MAX);
			n = -2;
			break;
		}
	}
	wipe(chunk, sizeof(chunk));
	if (n == -1)
		snprintf(why, whylen, "%s: %s", path, strerror(errno));
	close(fd);
	if (n < 0) {
		buf_free(d);
		return NULL;
	}
	return d;
}

static const char *
base_name(const char *p)
{
	const char *s = strrchr(p, '/');

	return s ? s + 1 : p;
}

/* role: the name in the bundle of a top file (whatever it is called on
 * disk); NULL for an included one, kept under its own name. */
static void
add_config(struct bw *b, const char *path, const char *role, enum cfg_redact_kind kind,
    int depth)
{
	struct buf *in, *out;
	char why[512], name[300], **inc = NULL;
	unsigned masked = 0;
	int ninc = 0;

	if (role)
		snprintf(name, sizeof(name), "config/%s", role);
	else
		snprintf(name, sizeof(name), "config/include/%s", base_name(path));
	buf_printf(b->sources, "# %s is %s\n", name, path);
	if ((in = slurp(path, why, sizeof(why))) == NULL) {
		missing(b, name, why);
		return;
	}
	if ((out = buf_new(in->len + 256)) == NULL ||
	    config_redact((const char *)in->data, in->len, kind, out, &masked) < 0) {
		missing(b, name, "out of memory");
		goto done;
	}
	add_file(b, name, out->data, out->len);
	if (depth < 4 && config_redact_includes(path, (const char *)in->data, in->len,
	    &inc, &ninc) == 0) {
		for (int i = 0; i < ninc; i++)
			add_config(b, inc[i], NULL, kind, depth + 1);
		config_redact_includes_free(inc, ninc);
	}
done:
	buf_free(out);
	buf_free(in);
}

static void
add_plain(struct bw *b, const char *name, const char *path)
{
	struct buf *in;
	char why[512];

	if ((in = slurp(path, why, sizeof(why))) == NULL) {
		missing(b, name, why);
		return;
	}
	add_file(b, name, in->data, in->len);
	buf_free(in);
}

/* ikeflowd --check-config on the files above, its stdout and stderr
 * together. */
static void
add_check_config(struct bw *b, const struct bundle_src *src, const char *conf,
    const struct cfg_daemon *d)
{
	const char *name = "check-config.txt";
	/* as the daemon's user: the files are read as it reads them */
	char *argv[] = { (char *)src->ikeflowd, "--check-config", "-c", (char *)conf,
	    "--ipsec-conf", (char *)d->ipsec_conf, "--ipsec-secrets",
	    (char *)d->ipsec_secrets, "--user", (char *)d->user,
	    d->group[0] ? "--group" : NULL, (char *)d->group, NULL };
	posix_spawn_file_actions_t fa;
	struct buf *out;
	char chunk[4096], why[300];
	int p[2], st = 0, err;
	pid_t pid;
	ssize_t n;

	if (src->ikeflowd == NULL || access(src->ikeflowd, X_OK) < 0) {
		snprintf(why, sizeof(why), "ikeflowd binary %s: %s",
		    src->ikeflowd ? src->ikeflowd : "(none)", strerror(errno));
		missing(b, name, why);
		return;
	}
	if (pipe2(p, O_CLOEXEC) < 0) {
		missing(b, name, strerror(errno));
		return;
	}
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, p[1], 1);
	posix_spawn_file_actions_adddup2(&fa, p[1], 2);
	err = posix_spawn(&pid, src->ikeflowd, &fa, NULL, argv, NULL);
	posix_spawn_file_actions_destroy(&fa);
	close(p[1]);
	if (err != 0) {
		close(p[0]);
		snprintf(why, sizeof(why), "%s: %s", src->ikeflowd, strerror(err));
		missing(b, name, why);
		return;
	}
	if ((out = buf_new(4096)) != NULL)
		buf_printf(out, "$ %s --check-config -c %s --ipsec-conf %s --ipsec-secrets %s "
		    "--user %s%s%s\n", src->ikeflowd, conf, d->ipsec_conf,
		    d->ipsec_secrets, d->user, d->group[0] ? " --group " : "", d->group);
	while ((n = read(p[0], chunk, sizeof(chunk))) > 0)
		if (out && out->len < CHECK_MAX)
			buf_put(out, chunk, (size_t)n);
	close(p[0]);
	while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
		;
	if (out == NULL) {
		missing(b, name, "out of memory");
		return;
	}
	if (WIFEXITED(st))
		buf_printf(out, "(exit status %d)\n", WEXITSTATUS(st));
	else
		buf_printf(out, "(ended by signal %d)\n", WTERMSIG(st));
	add_file(b, name, out->data, out->len);
	buf_free(out);
}

/* The kernel's tables read here, when the daemon could not give them. */
static void
add_xfrm_local(struct bw *b)
{
	static const struct xfrm_opts o = { .no_events = 1, .no_timer = 1 };
	struct buf *out;
	int ret;

	if ((ret = xfrm_init(&o)) < 0) {
		missing(b, "kernel/xfrm-state.txt", strerror(-ret));
		missing(b, "kernel/xfrm-policy.txt", strerror(-ret));
		return;
	}
	for (int pol = 0; pol < 2; pol++) {
		const char *name = pol ? "kernel/xfrm-policy.txt" : "kernel/xfrm-state.txt";

		if ((out = buf_new(64 * 1024)) == NULL) {
			missing(b, name, "out of memory");
			continue;
		}
		buf_printf(out, "# read by ikeflowctl over netlink (ikeflowd did not answer)\n");
		if ((pol ? xfrm_show_policy(out) : xfrm_show_state(out)) < 0)
			missing(b, name, "netlink dump failed (its error is in the file)");
		add_file(b, name, out->data, out->len);
		buf_free(out);
	}
	xfrm_shutdown();
}

/* The state directory's records, as they are on disk (no secrets: tunnel
 * history and failures), when the daemon could not render them. */
static void
add_state_dir(struct bw *b, const char *dir)
{
	struct dirent *de;
	char path[CFG_PATH_MAX + 300], name[300];
	DIR *d = opendir(dir);
	unsigned n = 0;

	if (d == NULL) {
		snprintf(path, sizeof(path), "%s: %s", dir, strerror(errno));
		missing(b, "state/", path);
		return;
	}
	while ((de = readdir(d)) != NULL) {
		struct stat st;

		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		if (de->d_name[0] == '.' || strcmp(de->d_name, "lock") == 0 ||
		    stat(path, &st) < 0 || !S_ISREG(st.st_mode))
			continue;
		snprintf(name, sizeof(name), "state/%s", de->d_name);
		add_plain(b, name, path);
		n++;
	}
	closedir(d);
	if (n == 0) {
		snprintf(path, sizeof(path), "%s holds no saved records (ikeflowd saves "
		    "them every 5 minutes and when it stops)", dir);
		missing(b, "state/", path);
	}
}

/* "show tech-support files": the paths in force over d's. */
static void
daemon_files(struct bw *b, const struct bundle_src *src, struct cfg_daemon *d,
    char *conf, size_t conflen)
{
	struct buf *out = buf_new(1024);
	char why[256], *line, *save = NULL;

	if (out == NULL || src->ask("show tech-support files", out, why, sizeof(why),
	    src->ask_arg) != 0 || buf_put_u8(out, '\0') < 0) {
		buf_free(out);
		return;
	}
	for (line = strtok_r((char *)out->data, "\n", &save); line;
	    line = strtok_r(NULL, "\n", &save)) {
		char *v = strchr(line, ' ');

		if (v == NULL)
			continue;
		*v++ = '\0';
		if (strcmp(line, "ikeflowd.conf") == 0)
			snprintf(conf, conflen, "%s", v);
		else if (strcmp(line, "ipsec.conf") == 0)
			snprintf(d->ipsec_conf, sizeof(d->ipsec_conf), "%s", v);
		else if (strcmp(line, "ipsec.secrets") == 0)
			snprintf(d->ipsec_secrets, sizeof(d->ipsec_secrets), "%s", v);
		else if (strcmp(line, "state_dir") == 0)
			snprintf(d->state_dir, sizeof(d->state_dir), "%s", v);
		else if (strcmp(line, "user") == 0)
			snprintf(d->user, sizeof(d->user), "%s", v);
		else if (strcmp(line, "group") == 0)
			snprintf(d->group, sizeof(d->group), "%s", v);
	}
	buf_free(out);
}

const char *
bundle_name(char *dst, size_t len)
{
	struct utsname u;
	struct tm tm;
	time_t now = time(NULL);
	char stamp[32];

	localtime_r(&now, &tm);
	strftime(stamp, sizeof(stamp), "%Y%m%d-%H%M%S", &tm);
	/* a file name: no '/', no spaces, nothing a shell would mind */
	if (uname(&u) < 0 || u.nodename[0] == '\0' || strcmp(u.nodename, "(none)") == 0)
		snprintf(u.nodename, sizeof(u.nodename), "localhost");
	for (char *p = u.nodename; *p; p++)
		if (!isalnum((unsigned char)*p) && *p != '.' && *p != '-' && *p != '_')
			*p = '_';
	snprintf(dst, len, "ikeflow-techsupport-%s-%s", u.nodename, stamp);
	return dst;
}

int
bundle_write(const struct bundle_src *src, bundle_write_fn w, void *warg,
    struct buf *report)
{
	struct bw b = { .w = w, .warg = warg, .top = src->top, .report = report };
	struct cfg_daemon d;
	char conf[CFG_PATH_MAX] = "";
	int rc = -1;

	b.now = time(NULL);
	snprintf(b.down_why, sizeof(b.down_why), "no daemon to ask");
	b.manifest = buf_new(4096);
	b.missing = buf_new(1024);
	b.sources = buf_new(1024);
	if (b.manifest == NULL || b.missing == NULL || b.sources == NULL ||
	    (b.a = archive_write_new()) == NULL) {
		buf_printf(report, "out of memory\n");
		goto out;
	}
	if (archive_write_add_filter_gzip(b.a) != ARCHIVE_OK ||
	    archive_write_set_format_pax_restricted(b.a) != ARCHIVE_OK ||
	    archive_write_open(b.a, &b, NULL, bw_write_cb, NULL) != ARCHIVE_OK) {
		buf_printf(report, "archive: %s\n", archive_error_string(b.a));
		goto out;
	}
	buf_printf(b.manifest, "# ikeflow diagnostic bundle, %s", ctime(&b.now));
	buf_printf(b.manifest, "# SHA-256, size in bytes, file\n");

	/* the daemon's views first: the one place where counters are made
	 * fresh is its show tech-support ipsec, asked before the others */
	for (size_t i = 0; i < sizeof(views) / sizeof(views[0]); i++)
		ask_view(&b, src, views[i].file, views[i].cmd);
	if (!b.daemon_down && src->ask) {
		/* each flow MIB view as show crypto mib prints it */
		static const char *const mib[] = {
			"isakmp flowmib global", "isakmp flowmib tunnel",
			"isakmp flowmib peer", "isakmp flowmib history",
			"isakmp flowmib failure", "ipsec flowmib global",
			"ipsec flowmib tunnel", "ipsec flowmib endpoint",
			"ipsec flowmib spi", "ipsec flowmib history",
			"ipsec flowmib failure",
		};
		char file[128], cmd[128];

		for (size_t i = 0; i < sizeof(mib) / sizeof(mib[0]); i++) {
			snprintf(cmd, sizeof(cmd), "show crypto mib %s", mib[i]);
			snprintf(file, sizeof(file), "mib/show-crypto-mib-%s.txt", mib[i]);
			for (char *p = file; *p; p++)
				if (*p == ' ')
					*p = '-';
			ask_view(&b, src, file, cmd);
		}
		ask_view(&b, src, "kernel/xfrm-state.txt", "show xfrm state");
		ask_view(&b, src, "kernel/xfrm-policy.txt", "show xfrm policy");
	}
	if (b.daemon_down || src->ask == NULL)
		add_xfrm_local(&b);
	add_plain(&b, "kernel/xfrm_stat", XFRM_STAT_PATH);

	/* the files, masked: those in force if the daemon says, else those
	 * ikeflowd.conf names */
	config_daemon_defaults(&d);
	if (!b.daemon_down && src->ask)
		daemon_files(&b, src, &d, conf, sizeof(conf));
	if (conf[0] == '\0') {
		snprintf(conf, sizeof(conf), "%s", src->daemon_conf);
		if (config_daemon_load(conf, &d, 1) < 0)
			missing(&b, "config/", "ikeflowd.conf has errors (see "
			    "check-config.txt); the default file names are used");
	}
	if (access(conf, F_OK) == 0)
		add_config(&b, conf, "ikeflowd.conf", CFG_REDACT_CONF, 0);
	add_config(&b, d.ipsec_conf, "ipsec.conf", CFG_REDACT_CONF, 0);
	add_config(&b, d.ipsec_secrets, "ipsec.secrets", CFG_REDACT_SECRETS, 0);
	add_check_config(&b, src, conf, &d);
	if (b.daemon_down || src->ask == NULL)
		add_state_dir(&b, src->state_dir ? src->state_dir : d.state_dir);

	if (b.down_skipped)
		buf_printf(report, "and %u more of ikeflowd's views (listed in MANIFEST)\n",
		    b.down_skipped);
	buf_put(b.manifest, b.sources->data, b.sources->len);
	buf_put(b.manifest, b.missing->data, b.missing->len);
	if (b.missing->len == 0)
		buf_printf(b.manifest, "# nothing missing\n");
	if (b.manifest->failed || b.missing->failed || b.sources->failed)
		buf_printf(report, "out of memory\n");
	else if (add_file(&b, "MANIFEST", b.manifest->data, b.manifest->len) == 0 &&
	    archive_write_close(b.a) == ARCHIVE_OK)
		rc = 0;
	else if (!b.failed)
		buf_printf(report, "archive: %s\n", archive_error_string(b.a));
out:
	if (b.a)
		archive_write_free(b.a);
	buf_free(b.manifest);
	buf_free(b.missing);
	buf_free(b.sources);
	return rc == 0 && !b.failed ? 0 : -1;
}
