/* libFuzzer target: ipsec.secrets through the loader (mode and owner checks,
 * includes, every secret encoding, selectors), then PSK lookups. Aborts if
 * any log line repeats the canary word the seeds put where secrets go. */
#include "config.h"

#include "config/config.h"
#include "tests/fuzz/fuzz_files.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char inc[] = "@inc.example : PSK \"" FUZZ_CANARY "-included\"\n";

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const ids[] = { "@moon.example", "192.0.2.1", "2001:db8::1",
	    "carol@example.org", "%any", "@inc.example" };
	struct ifl_config *cfg;
	struct cfg_daemon d;
	struct cfg_id a, b;

	fuzz_files_init(1);
	config_daemon_defaults(&d);
	snprintf(d.ipsec_conf, sizeof(d.ipsec_conf), "%s",
	    fuzz_put("ipsec.conf", (const uint8_t *)"", 0, 0644));
	snprintf(d.ipsec_secrets, sizeof(d.ipsec_secrets), "%s",
	    fuzz_put("ipsec.secrets", data, size, 0600));
	fuzz_put("inc.secrets", (const uint8_t *)inc, sizeof(inc) - 1, 0600);
	if ((cfg = config_load(&d)) == NULL)
		return 0;
	for (const struct cfg_secret *s = cfg->secrets; s; s = s->next)
		FUZZ_CHECK(s->keylen > 0 && s->nsel >= 0);
	for (size_t i = 0; i < sizeof(ids) / sizeof(ids[0]); i++) {
		FUZZ_CHECK(config_id_parse(ids[i], &a) == 0);
		FUZZ_CHECK(config_id_parse(ids[(i + 1) % 6], &b) == 0);
		(void)config_psk_lookup(cfg, &a, &b);
		(void)config_psk_lookup(cfg, NULL, &a);
	}
	config_free(cfg);
	return 0;
}
