/* Shared by the tests that read captured bytes under tests/unit/data: a
 * whole file into a malloc'd buffer (aligned as malloc aligns, so netlink
 * and IKE headers can be read in place). Include after cmocka.h. */
#ifndef DATA_TESTUTIL_H
#define DATA_TESTUTIL_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

/* DIR/NAME's bytes (the test fails if there are none); *len its length. */
static inline uint8_t *
data_load(const char *dir, const char *name, size_t *len)
{
	char path[512];
	uint8_t *p;
	FILE *f;
	long n;

	snprintf(path, sizeof(path), "%s%s", dir, name);
	assert_non_null(f = fopen(path, "rb"));
	assert_int_equal(fseek(f, 0, SEEK_END), 0);
	n = ftell(f);
	assert_true(n > 0);
	rewind(f);
	assert_non_null(p = malloc((size_t)n));
	assert_int_equal(fread(p, 1, (size_t)n, f), (size_t)n);
	fclose(f);
	*len = (size_t)n;
	return p;
}

#endif
