/* libFuzzer target: ipsec.conf through the whole loader (sections, also=,
 * %default, includes of a file next to it, resolution and validation), then
 * the running-config rendering of what loaded, which must load again and
 * render the same (show running-config is a usable ipsec.conf). */
#include "config.h"

#include "config/config.h"
#include "tests/fuzz/fuzz_files.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char inc[] =
    "conn %default\n\tkeyexchange=ikev2\n\tauthby=secret\n"
    "conn inc\n\tleft=192.0.2.1\n\tright=192.0.2.2\n\tauto=add\n";

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ifl_config *cfg;
	struct cfg_daemon d;
	struct buf *out, *again = NULL;
	int ignored;

	fuzz_files_init(0);
	config_daemon_defaults(&d);
	snprintf(d.ipsec_conf, sizeof(d.ipsec_conf), "%s",
	    fuzz_put("ipsec.conf", data, size, 0644));
	fuzz_put("inc.conf", (const uint8_t *)inc, sizeof(inc) - 1, 0644);
	snprintf(d.ipsec_secrets, sizeof(d.ipsec_secrets), "%s/none.secrets", fuzz_dir);
	if ((cfg = config_load(&d)) == NULL)
		return 0;
	FUZZ_CHECK(cfg->nconns >= 0 && cfg->nignored >= 0);
	for (const struct cfg_conn *c = cfg->conns; c; c = c->next)
		FUZZ_CHECK(config_conn_find(cfg, c->name) != NULL);
	if ((out = buf_new(0)) == NULL || config_render(cfg, out) < 0 ||
	    buf_put(out, "", 1) < 0) {
		buf_free(out);
		config_free(cfg);
		return 0;
	}
	ignored = cfg->nignored;	/* said in a comment the second load lacks */
	config_free(cfg);
	snprintf(d.ipsec_conf, sizeof(d.ipsec_conf), "%s",
	    fuzz_put("rendered.conf", out->data, out->len - 1, 0644));
	cfg = config_load(&d);
	FUZZ_CHECK(cfg != NULL);
	if (!ignored && (again = buf_new(0)) != NULL && config_render(cfg, again) == 0 &&
	    buf_put(again, "", 1) == 0) {
		/* the settings comment names the file; from config setup on,
		 * the two must match */
		const char *a = strstr((const char *)out->data, "\nconfig setup\n");
		const char *b = strstr((const char *)again->data, "\nconfig setup\n");

		FUZZ_CHECK(a != NULL && b != NULL);
		FUZZ_CHECK(strcmp(a, b) == 0);
	}
	buf_free(again);
	buf_free(out);
	config_free(cfg);
	return 0;
}
