/* libFuzzer target: ikeflowd.conf through config_daemon_load, and what it
 * loaded rendered back. */
#include "config.h"

#include "config/config.h"
#include "tests/fuzz/fuzz_files.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct cfg_daemon d;
	const char *path;

	fuzz_files_init(0);
	path = fuzz_put("ikeflowd.conf", data, size, 0644);
	config_daemon_defaults(&d);
	if (config_daemon_load(path, &d, 0) < 0)
		return 0;
	FUZZ_CHECK(memchr(d.ipsec_conf, '\0', sizeof(d.ipsec_conf)) != NULL);
	FUZZ_CHECK(memchr(d.state_dir, '\0', sizeof(d.state_dir)) != NULL);
	(void)config_dh_workers(&d);
	return 0;
}
