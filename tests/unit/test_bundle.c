/* bundle_write() through its two callbacks, as ikeflowctl and the web page
 * use it: a daemon that answers (every view a file, the files in force
 * masked, MANIFEST's sums right), one that does not (what is missing said,
 * the state records taken from disk), and an output that fails. */
#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <archive.h>
#include <archive_entry.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/buf.h"
#include "ctl/bundle.h"
#include "ctl/ctl.h"

#define PSK	"bundle-Test-psk-77"

static char dir[64];
static int asked;

static void
put(const char *name, const char *text)
{
	char p[256];
	FILE *f;

	snprintf(p, sizeof(p), "%s/%s", dir, name);
	assert_non_null(f = fopen(p, "w"));
	fputs(text, f);
	fclose(f);
	chmod(p, 0600);
}

static int
setup(void **unused)
{
	char p[128];

	strcpy(dir, "/tmp/test_bundle.XXXXXX");
	assert_non_null(mkdtemp(dir));
	snprintf(p, sizeof(p), "%s/state", dir);
	assert_int_equal(mkdir(p, 0700), 0);
	put("ipsec.conf", "conn seed\n\tleft=192.0.2.2\n\tright=192.0.2.1\n\tauto=add\n");
	put("ipsec.secrets", "192.0.2.1 : PSK \"" PSK "\"\n");
	put("state/ikeflowd.state", "IKFLSTAT-records");
	snprintf(p, sizeof(p), "%s/ikeflowd.conf", dir);
	{
		char text[512];

		snprintf(text, sizeof(text), "ipsec_conf = %s/ipsec.conf\n"
		    "ipsec_secrets = %s/ipsec.secrets\nstate_dir = %s/state\n", dir, dir, dir);
		put("ikeflowd.conf", text);
	}
	asked = 0;
	return 0;
}

static int
teardown(void **unused)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	assert_int_equal(system(cmd), 0);
	return 0;
}

/* A daemon: every view answers its own command's name; the files in force
 * are those of setup. */
static int
ask_up(const char *cmd, struct buf *out, char *why, size_t whylen, void *arg)
{
	asked++;
	if (strcmp(cmd, "show tech-support files") == 0) {
		buf_printf(out, "ikeflowd.conf %s/ikeflowd.conf\nipsec.conf %s/ipsec.conf\n"
		    "ipsec.secrets %s/ipsec.secrets\nstate_dir %s/state\n", dir, dir, dir, dir);
		return 0;
	}
	if (strcmp(cmd, "show crypto ikev2 stats") == 0) {
		buf_printf(out, "%% something went wrong\n");
		return 1;
	}
	buf_printf(out, "answer to %s\n", cmd);
	return 0;
}

static int
ask_down(const char *cmd, struct buf *out, char *why, size_t whylen, void *arg)
{
	asked++;
	snprintf(why, whylen, "/nowhere/ctl.sock: Connection refused");
	return -1;
}

static int
to_buf(const void *data, size_t len, void *arg)
{
	return buf_put(arg, data, len);
}

static int
refuse(const void *data, size_t len, void *arg)
{
	return -1;
}

/* The archive's files: name (after the top directory) -> text. */
struct entry {
	char	*name, *text;
	size_t	 len;
};

static size_t
unpack(const struct buf *tgz, struct entry *e, size_t max)
{
	struct archive *a = archive_read_new();
	struct archive_entry *ae;
	size_t n = 0;

	assert_non_null(a);
	archive_read_support_filter_gzip(a);
	archive_read_support_format_tar(a);
	assert_int_equal(archive_read_open_memory(a, tgz->data, tgz->len), ARCHIVE_OK);
	while (archive_read_next_header(a, &ae) == ARCHIVE_OK && n < max) {
		const char *path = archive_entry_pathname(ae), *slash = strchr(path, '/');
		size_t len = (size_t)archive_entry_size(ae);

		assert_true(strncmp(path, "top-dir/", 8) == 0);
		assert_int_equal(archive_entry_perm(ae), 0600);
		e[n].name = strdup(slash + 1);
		e[n].text = calloc(1, len + 1);
		assert_int_equal(archive_read_data(a, e[n].text, len), (la_ssize_t)len);
		e[n].len = len;
		n++;
	}
	archive_read_free(a);
	return n;
}

static const struct entry *
find(const struct entry *e, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(e[i].name, name) == 0)
			return &e[i];
	return NULL;
}

static void
free_entries(struct entry *e, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(e[i].name);
		free(e[i].text);
	}
}

/* Each "SHA256  SIZE  NAME" line of MANIFEST matches the file. */
static void
check_manifest(const struct entry *e, size_t n)
{
	const struct entry *m = find(e, n, "MANIFEST");
	char *copy, *line, *save = NULL;
	int lines = 0;

	assert_non_null(m);
	copy = strdup(m->text);
	for (line = strtok_r(copy, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char hex[65], name[256], got[65];
		unsigned char md[32];
		unsigned mdlen;
		size_t size;
		const struct entry *f;

		if (sscanf(line, "%64s %zu %255s", hex, &size, name) != 3 || strlen(hex) != 64)
			continue;
		assert_non_null(f = find(e, n, name));
		assert_int_equal(f->len, size);
		EVP_Digest(f->text, f->len, md, &mdlen, EVP_sha256(), NULL);
		for (unsigned i = 0; i < 32; i++)
			sprintf(got + 2 * i, "%02x", md[i]);
		assert_string_equal(got, hex);
		lines++;
	}
	free(copy);
	assert_int_equal(lines, (int)n - 1);	/* every file but MANIFEST */
}

static void
t_daemon_answers(void **unused)
{
	struct buf *tgz = buf_new(4096), *report = buf_new(256);
	struct entry e[128];
	const struct entry *f;
	char conf[128];
	size_t n;

	snprintf(conf, sizeof(conf), "%s/none.conf", dir);	/* the daemon's word wins */
	struct bundle_src src = { .ask = ask_up, .daemon_conf = conf, .ikeflowd = NULL,
	    .top = "top-dir" };

	assert_int_equal(bundle_write(&src, to_buf, tgz, report), 0);
	n = unpack(tgz, e, 128);
	assert_true(n > 40);
	assert_non_null(f = find(e, n, "tech-support.txt"));
	assert_string_equal(f->text, "answer to show tech-support ipsec\n");
	assert_non_null(f = find(e, n, "mib/show-crypto-mib-ipsec-flowmib-spi.txt"));
	assert_string_equal(f->text, "answer to show crypto mib ipsec flowmib spi\n");
	assert_non_null(f = find(e, n, "kernel/xfrm-state.txt"));
	assert_string_equal(f->text, "answer to show xfrm state\n");
	assert_non_null(f = find(e, n, "config/ipsec.secrets"));
	assert_string_equal(f->text, "192.0.2.1 : PSK <redacted>\n");
	assert_non_null(f = find(e, n, "config/ipsec.conf"));
	assert_non_null(strstr(f->text, "right=192.0.2.1"));
	assert_non_null(find(e, n, "config/ikeflowd.conf"));
	assert_null(find(e, n, "state/ikeflowd.state"));	/* the daemon gave its views */
	for (size_t i = 0; i < n; i++)
		assert_null(memmem(e[i].text, e[i].len, PSK, strlen(PSK)));
	assert_null(memmem(tgz->data, tgz->len, PSK, strlen(PSK)));
	f = find(e, n, "MANIFEST");
	assert_non_null(strstr(f->text, "MISSING views/show-crypto-ikev2-stats.txt: "
	    "\"show crypto ikev2 stats\" answered an error"));
	assert_non_null(strstr(f->text, "MISSING check-config.txt"));
	check_manifest(e, n);
	assert_non_null(memmem(report->data, report->len, "answered an error", 17));
	free_entries(e, n);
	buf_free(tgz);
	buf_free(report);
}

static void
t_daemon_silent(void **unused)
{
	struct buf *tgz = buf_new(4096), *report = buf_new(256);
	struct entry e[128];
	const struct entry *f;
	char conf[128], *r;
	size_t n;

	snprintf(conf, sizeof(conf), "%s/ikeflowd.conf", dir);
	struct bundle_src src = { .ask = ask_down, .daemon_conf = conf, .top = "top-dir" };

	assert_int_equal(bundle_write(&src, to_buf, tgz, report), 0);
	assert_int_equal(asked, 1);	/* not asked again once silent */
	n = unpack(tgz, e, 128);
	assert_non_null(f = find(e, n, "config/ipsec.secrets"));
	assert_string_equal(f->text, "192.0.2.1 : PSK <redacted>\n");
	assert_non_null(f = find(e, n, "state/ikeflowd.state"));
	assert_string_equal(f->text, "IKFLSTAT-records");
	assert_null(find(e, n, "tech-support.txt"));
	f = find(e, n, "MANIFEST");
	assert_non_null(strstr(f->text, "MISSING tech-support.txt: \"show tech-support ipsec\": "
	    "ikeflowd did not answer (/nowhere/ctl.sock: Connection refused)"));
	assert_non_null(strstr(f->text, "MISSING log/ikeflowd.log: \"show logging\" not asked"));
	check_manifest(e, n);
	r = strndup((const char *)report->data, report->len);
	/* stderr: the reason once, then a count */
	assert_non_null(strstr(r, "ikeflowd did not answer"));
	assert_non_null(strstr(r, "more of ikeflowd's views (listed in MANIFEST)"));
	assert_null(strstr(r, "show logging"));
	free(r);
	free_entries(e, n);
	buf_free(tgz);
	buf_free(report);
}

static void
t_output_fails(void **unused)
{
	struct buf *report = buf_new(256);
	char conf[128];

	snprintf(conf, sizeof(conf), "%s/ikeflowd.conf", dir);
	struct bundle_src src = { .ask = ask_up, .daemon_conf = conf, .top = "top-dir" };

	assert_int_equal(bundle_write(&src, refuse, NULL, report), -1);
	assert_true(report->len > 0);
	buf_free(report);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(t_daemon_answers, setup, teardown),
		cmocka_unit_test_setup_teardown(t_daemon_silent, setup, teardown),
		cmocka_unit_test_setup_teardown(t_output_fails, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
