/* Replays the fuzz targets' checks (tests/fuzz) over the captured messages,
 * the decrypted-chain corpus and every single-byte corruption of them, so
 * the round-trip invariants also run under valgrind in make check. */
#include "config.h"

#include <dirent.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#define LLVMFuzzerTestOneInput	fuzz_msg_one
#include "tests/fuzz/fuzz_ikev2_msg.c"
#undef LLVMFuzzerTestOneInput
#define LLVMFuzzerTestOneInput	fuzz_inner_one
#include "tests/fuzz/fuzz_ikev2_inner.c"
#undef LLVMFuzzerTestOneInput

typedef int (*fuzz_fn)(const uint8_t *, size_t);

static size_t
corrupt_all(fuzz_fn fn, const char *path)
{
	static const uint8_t vals[] = { 0x00, 0xff, 0x80, 0x01 };
	uint8_t buf[4096], *p;
	size_t len, i, v, runs = 0;
	FILE *f;

	assert_non_null(f = fopen(path, "rb"));
	len = fread(buf, 1, sizeof(buf), f);
	fclose(f);
	assert_non_null(p = malloc(len + 1));
	memcpy(p, buf, len);
	fn(p, len);
	runs++;
	for (i = 0; i < len; i++) {
		for (v = 0; v < sizeof(vals); v++) {
			p[i] = vals[v];
			fn(p, len);
			runs++;
		}
		p[i] = buf[i];
	}
	free(p);
	return runs;
}

static size_t
replay_dir(fuzz_fn fn, const char *dir)
{
	char path[1024];
	struct dirent *de;
	size_t runs = 0;
	DIR *d;

	assert_non_null(d = opendir(dir));
	while ((de = readdir(d)) != NULL) {
		size_t n = strlen(de->d_name);

		if (n < 4 || strcmp(de->d_name + n - 4, ".bin") != 0)
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		runs += corrupt_all(fn, path);
	}
	closedir(d);
	return runs;
}

static void
test_messages(void **state)
{
	static const char *dirs[] = { "cbc", "default", "gcm", "invalid-ke" };
	char dir[512];
	size_t i, runs = 0;

	(void)state;
	for (i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++) {
		snprintf(dir, sizeof(dir), TEST_SRCDIR "/unit/data/ikev2/%s", dirs[i]);
		runs += replay_dir(fuzz_msg_one, dir);
	}
	assert_true(runs > 10000);
}

static void
test_inner_chains(void **state)
{
	(void)state;
	assert_true(replay_dir(fuzz_inner_one, TEST_SRCDIR "/fuzz/corpus/inner") > 1000);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_messages),
		cmocka_unit_test(test_inner_chains),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
