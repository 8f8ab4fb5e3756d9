/* libFuzzer target: the state file's body, wrapped in a valid header and
 * checksum so that the record parser is what is fuzzed. What loads must
 * save, load again and save to the same bytes. */
#include "config.h"

#include <openssl/evp.h>

#include "common/buf.h"
#include "state/state.h"
#include "tests/fuzz/fuzz_files.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define STATE_FILE	"ikeflowd.state"

static time_t
fixed_wall(void)
{
	return 1700000000;
}

static struct buf *
slurp(void)
{
	char path[128];
	uint8_t tmp[4096];
	struct buf *b = buf_new(0);
	size_t n;
	FILE *f;

	snprintf(path, sizeof(path), "%s/" STATE_FILE, fuzz_dir);
	FUZZ_CHECK(b != NULL && (f = fopen(path, "rb")) != NULL);
	while ((n = fread(tmp, 1, sizeof(tmp), f)) > 0)
		FUZZ_CHECK(buf_put(b, tmp, n) == 0);
	fclose(f);
	return b;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t sum[EVP_MAX_MD_SIZE];
	unsigned sumlen;
	struct buf *file, *a, *b;
	int rc;

	fuzz_files_init(0);
	st_set_clock(NULL, fixed_wall);
	if ((file = buf_new(0)) == NULL)
		return 0;
	buf_put(file, "IKFLSTAT", 8);
	buf_put_u32(file, 1);
	buf_put_u32(file, (uint32_t)size);
	buf_put(file, data, size);
	FUZZ_CHECK(!file->failed);
	FUZZ_CHECK(EVP_Digest(file->data, file->len, sum, &sumlen, EVP_sha256(), NULL));
	buf_put(file, sum, sumlen);
	fuzz_put(STATE_FILE, file->data, file->len, 0600);
	buf_free(file);

	FUZZ_CHECK(st_init() == 0);
	rc = st_load(fuzz_dir);
	FUZZ_CHECK(rc == 0 || rc == 1);
	if (rc == 0) {
		/* what loaded is saved, and what is saved loads to the same */
		FUZZ_CHECK(st_save(fuzz_dir) == 0);
		a = slurp();
		st_free();
		FUZZ_CHECK(st_init() == 0);
		FUZZ_CHECK(st_load(fuzz_dir) == 0);
		FUZZ_CHECK(st_save(fuzz_dir) == 0);
		b = slurp();
		FUZZ_CHECK(a->len == b->len && memcmp(a->data, b->data, a->len) == 0);
		buf_free(a);
		buf_free(b);
	}
	st_free();
	fuzz_files_cleanup();
	FUZZ_CHECK(mkdir(fuzz_dir, 0700) == 0);
	return 0;
}
