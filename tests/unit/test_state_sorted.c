#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdlib.h>

#include "state/rows.h"
#include "state/sorted.h"

static int
int_cmp(const void *elem, const void *key)
{
	int a = *(const int *)elem, b = *(const int *)key;

	return a < b ? -1 : a > b;
}

/* Every element in order and found at its own position. */
static void
assert_sorted(const struct sorted *s)
{
	for (uint32_t i = 0; i < s->n; i++) {
		int found;

		if (i > 0)
			assert_true(*(int *)s->v[i - 1] < *(int *)s->v[i]);
		assert_int_equal(sorted_lower(s, s->v[i], int_cmp, &found), i);
		assert_true(found);
		assert_ptr_equal(sorted_find(s, s->v[i], int_cmp), s->v[i]);
	}
}

static void
assert_values(const struct sorted *s, const int *want, uint32_t n)
{
	assert_int_equal(s->n, n);
	for (uint32_t i = 0; i < n; i++)
		assert_int_equal(*(int *)s->v[i], want[i]);
	assert_sorted(s);
}

static void
test_empty(void **unused)
{
	struct sorted s = { 0 };
	int key = 5, found = 1;

	assert_int_equal(sorted_lower(&s, &key, int_cmp, &found), 0);
	assert_false(found);
	assert_int_equal(sorted_lower(&s, &key, int_cmp, NULL), 0);
	assert_null(sorted_find(&s, &key, int_cmp));
	assert_null(sorted_remove(&s, &key, int_cmp));
	assert_null(sorted_remove_at(&s, 0));
	assert_int_equal(sorted_insert_at(&s, 1, &key), -1);
	assert_null(s.v);
	sorted_clear(&s, NULL);
	assert_int_equal(s.n, 0);
	assert_int_equal(s.cap, 0);
}

static void
test_insert_positions(void **unused)
{
	static int v[] = { 50, 10, 90, 30, 70, 30 };
	struct sorted s = { 0 };
	int key = 40, found = 1;

	assert_int_equal(sorted_insert(&s, &v[0], &v[0], int_cmp), 0);
	assert_int_equal(sorted_insert(&s, &v[1], &v[1], int_cmp), 0);	/* front */
	assert_values(&s, (int[]){ 10, 50 }, 2);
	assert_int_equal(sorted_insert(&s, &v[2], &v[2], int_cmp), 0);	/* back */
	assert_int_equal(sorted_insert(&s, &v[3], &v[3], int_cmp), 0);	/* middle */
	assert_int_equal(sorted_insert(&s, &v[4], &v[4], int_cmp), 0);
	assert_values(&s, (int[]){ 10, 30, 50, 70, 90 }, 5);
	/* a key already there is refused, the array unchanged */
	assert_int_equal(sorted_insert(&s, &v[5], &v[5], int_cmp), -1);
	assert_values(&s, (int[]){ 10, 30, 50, 70, 90 }, 5);
	assert_ptr_equal(sorted_find(&s, &v[5], int_cmp), &v[3]);
	/* absent keys: where they would go */
	assert_int_equal(sorted_lower(&s, &key, int_cmp, &found), 2);
	assert_false(found);
	key = 100;
	assert_int_equal(sorted_lower(&s, &key, int_cmp, &found), 5);
	assert_false(found);
	key = 1;
	assert_int_equal(sorted_lower(&s, &key, int_cmp, &found), 0);
	assert_false(found);
	assert_null(sorted_find(&s, &key, int_cmp));
	/* at a position: the end is allowed, past it not */
	key = 95;
	assert_int_equal(sorted_insert_at(&s, 6, &key), -1);
	assert_int_equal(sorted_insert_at(&s, 5, &key), 0);
	assert_values(&s, (int[]){ 10, 30, 50, 70, 90, 95 }, 6);
	sorted_clear(&s, NULL);
	assert_null(s.v);
}

static void
test_remove(void **unused)
{
	static int v[] = { 1, 2, 3, 4 };
	struct sorted s = { 0 };
	int key = 3;

	for (int i = 0; i < 4; i++)
		assert_int_equal(sorted_insert_at(&s, s.n, &v[i]), 0);
	assert_ptr_equal(sorted_remove(&s, &v[3], int_cmp), &v[3]);	/* last */
	assert_values(&s, (int[]){ 1, 2, 3 }, 3);
	assert_null(sorted_remove(&s, &v[3], int_cmp));		/* gone */
	assert_null(sorted_remove_at(&s, 3));
	assert_ptr_equal(sorted_remove_at(&s, 0), &v[0]);		/* first */
	assert_values(&s, (int[]){ 2, 3 }, 2);
	assert_ptr_equal(sorted_remove(&s, &key, int_cmp), &v[2]);
	assert_ptr_equal(sorted_remove_at(&s, 0), &v[1]);		/* the only one */
	assert_int_equal(s.n, 0);
	assert_null(sorted_remove_at(&s, 0));
	/* empty again, and usable */
	assert_int_equal(sorted_insert(&s, &v[1], &v[1], int_cmp), 0);
	assert_values(&s, (int[]){ 2 }, 1);
	sorted_clear(&s, NULL);
}

static void
test_growth(void **unused)
{
	enum { N = 1000 };
	struct sorted s = { 0 };
	int *v = calloc(N, sizeof(*v));
	uint32_t cap = 0;

	assert_non_null(v);
	/* a permutation of 0..N-1, so inserts land everywhere */
	for (int i = 0; i < N; i++) {
		v[i] = (i * 7919) % N;
		assert_int_equal(sorted_insert(&s, &v[i], &v[i], int_cmp), 0);
		assert_true(s.cap >= s.n);
		if (s.cap != cap) {
			/* 16, then doubling */
			assert_int_equal(s.cap, cap ? cap * 2 : 16);
			cap = s.cap;
		}
	}
	assert_int_equal(s.n, N);
	assert_int_equal(s.cap, 1024);
	for (uint32_t i = 0; i < s.n; i++)
		assert_int_equal(*(int *)s.v[i], (int)i);
	assert_sorted(&s);
	/* removing does not shrink; the room is reused */
	for (int i = 0; i < N; i += 2) {
		int *p = sorted_remove(&s, &i, int_cmp);

		assert_non_null(p);
		assert_int_equal(*p, i);
	}
	assert_int_equal(s.n, N / 2);
	for (uint32_t i = 0; i < s.n; i++)
		assert_int_equal(*(int *)s.v[i], 2 * (int)i + 1);
	for (int i = 0; i < N; i++)
		if (v[i] % 2 == 0)
			assert_int_equal(sorted_insert(&s, &v[i], &v[i], int_cmp), 0);
	assert_int_equal(s.n, N);
	assert_int_equal(s.cap, 1024);
	assert_sorted(&s);
	sorted_clear(&s, NULL);
	free(v);
}

static void
test_reserve(void **unused)
{
	static int v[] = { 7, 8 };
	struct sorted s = { 0 };
	/* counts near the limits, with no array behind them: the checks must
	 * fail before anything is allocated or touched */
	struct sorted full = { NULL, UINT32_MAX, UINT32_MAX, 0 };
	struct sorted half = { NULL, 0x80000000U, 0x80000000U, 0 };

	assert_int_equal(sorted_reserve(&s, 0), 0);
	assert_int_equal(sorted_reserve(&s, 5), 0);
	assert_int_equal(s.cap, 16);
	assert_int_equal(s.n, 0);
	assert_int_equal(sorted_reserve(&s, 40), 0);
	assert_int_equal(s.cap, 64);
	assert_int_equal(sorted_insert(&s, &v[0], &v[0], int_cmp), 0);
	assert_int_equal(sorted_reserve(&s, UINT32_MAX), -1);
	assert_int_equal(s.cap, 64);
	assert_values(&s, (int[]){ 7 }, 1);
	sorted_clear(&s, NULL);

	assert_int_equal(sorted_reserve(&full, 1), -1);
	assert_int_equal(sorted_insert_at(&full, UINT32_MAX, &v[1]), -1);
	assert_int_equal(full.n, UINT32_MAX);
	assert_int_equal(sorted_reserve(&half, 1), -1);
	assert_int_equal(sorted_insert_at(&half, 0, &v[1]), -1);
	assert_int_equal(half.cap, 0x80000000U);
	assert_null(half.v);
}

static int freed;

static void
count_free(void *p)
{
	freed++;
	free(p);
}

static void
test_clear(void **unused)
{
	struct sorted s = { 0 };

	for (int i = 0; i < 20; i++) {
		int *p = malloc(sizeof(*p));

		assert_non_null(p);
		*p = 100 - i;
		assert_int_equal(sorted_insert(&s, p, p, int_cmp), 0);
	}
	freed = 0;
	sorted_clear(&s, count_free);
	assert_int_equal(freed, 20);
	assert_null(s.v);
	assert_int_equal(s.n, 0);
	assert_int_equal(s.cap, 0);
}

/* The index-keyed rows of the state model, on top of the same array. */
static void
test_rows(void **unused)
{
	static uint32_t rec[] = { 3, 5, 9, 4 };
	struct sorted r = { 0 };

	assert_null(rows_next(&r, 0));
	assert_int_equal(rows_append(&r, &rec[0]), 0);
	assert_int_equal(rows_append(&r, &rec[1]), 0);
	assert_int_equal(rows_append(&r, &rec[2]), 0);
	assert_int_equal(rows_append(&r, &rec[3]), -1);	/* out of order */
	assert_int_equal(rows_append(&r, &rec[2]), -1);	/* same index */
	assert_int_equal(r.n, 3);
	assert_ptr_equal(rows_find(&r, 5), &rec[1]);
	assert_null(rows_find(&r, 4));
	assert_ptr_equal(rows_next(&r, 0), &rec[0]);
	assert_ptr_equal(rows_next(&r, 3), &rec[1]);
	assert_ptr_equal(rows_next(&r, 4), &rec[1]);
	assert_ptr_equal(rows_next(&r, 8), &rec[2]);
	assert_null(rows_next(&r, 9));
	assert_null(rows_next(&r, UINT32_MAX));
	assert_ptr_equal(rows_remove(&r, 5), &rec[1]);
	assert_null(rows_remove(&r, 5));
	assert_ptr_equal(rows_shift(&r), &rec[0]);
	assert_ptr_equal(rows_shift(&r), &rec[2]);
	assert_null(rows_shift(&r));
	rows_clear(&r, NULL);
	assert_null(r.v);
}

/* Lookups remember their position (walks in index order cost O(1) a
 * step): every answer stays that of a binary search, whatever the order
 * of the questions and the rows added or taken out between them. */
static void
test_rows_hint(void **unused)
{
	static uint32_t rec[200];
	struct sorted r = { 0 };
	uint32_t seed = 7;

	for (uint32_t i = 0; i < 200; i++) {
		rec[i] = 3 * i + 1;	/* 1, 4, 7, ... */
		assert_int_equal(rows_append(&r, &rec[i]), 0);
	}
	for (int k = 0; k < 5000; k++) {
		uint32_t q;
		const uint32_t *f, *nx;

		seed = seed * 1103515245 + 12345;
		/* mostly the next index of a walk, sometimes anywhere */
		q = k % 7 ? (uint32_t)k % 610 : (seed >> 8) % 620;
		f = rows_find(&r, q);
		nx = rows_next(&r, q);
		if (q % 3 == 1 && q < 600 && (k < 100 || (q / 3) % 10 != 5))
			assert_ptr_equal(f, &rec[q / 3]);
		else
			assert_null(f);
		/* the first row after q that is still there */
		{
			const uint32_t *want = NULL;

			for (uint32_t i = 0; i < 200 && want == NULL; i++)
				if (rec[i] > q && !(k >= 100 && i % 10 == 5))
					want = &rec[i];
			assert_ptr_equal(nx, want);
		}
		if (k == 99)	/* rows taken out under the cached position */
			for (uint32_t i = 5; i < 200; i += 10)
				assert_ptr_equal(rows_remove(&r, rec[i]), &rec[i]);
	}
	rows_clear(&r, NULL);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_empty),
		cmocka_unit_test(test_insert_positions),
		cmocka_unit_test(test_remove),
		cmocka_unit_test(test_growth),
		cmocka_unit_test(test_reserve),
		cmocka_unit_test(test_clear),
		cmocka_unit_test(test_rows),
		cmocka_unit_test(test_rows_hint),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
