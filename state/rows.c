#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "common/log.h"
#include "state/rows.h"

/* Position of the first record whose index is >= index. */
static uint32_t
rows_lower(const struct st_rows *r, uint32_t index)
{
	uint32_t lo = 0, hi = r->n;

	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;

		if (rows_index(r->v[mid]) < index)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

int
rows_append(struct st_rows *r, void *rec)
{
	if (r->n > 0 && rows_index(r->v[r->n - 1]) >= rows_index(rec)) {
		log_err("%s: index %u after %u breaks the order", __func__,
		    rows_index(rec), rows_index(r->v[r->n - 1]));
		return -1;
	}
	if (r->n == r->cap) {
		uint32_t ncap = r->cap ? r->cap * 2 : 16;
		void **nv = realloc(r->v, (size_t)ncap * sizeof(*nv));

		if (nv == NULL) {
			log_err("%s: out of memory", __func__);
			return -1;
		}
		r->v = nv;
		r->cap = ncap;
	}
	r->v[r->n++] = rec;
	return 0;
}

void *
rows_find(const struct st_rows *r, uint32_t index)
{
	uint32_t i = rows_lower(r, index);

	if (i < r->n && rows_index(r->v[i]) == index)
		return r->v[i];
	return NULL;
}

void *
rows_next(const struct st_rows *r, uint32_t after)
{
	uint32_t i;

	if (after == UINT32_MAX)
		return NULL;
	i = rows_lower(r, after + 1);
	return i < r->n ? r->v[i] : NULL;
}

void *
rows_remove(struct st_rows *r, uint32_t index)
{
	uint32_t i = rows_lower(r, index);
	void *rec;

	if (i >= r->n || rows_index(r->v[i]) != index)
		return NULL;
	rec = r->v[i];
	memmove(&r->v[i], &r->v[i + 1], (size_t)(r->n - i - 1) * sizeof(*r->v));
	r->n--;
	return rec;
}

void *
rows_shift(struct st_rows *r)
{
	if (r->n == 0)
		return NULL;
	return rows_remove(r, rows_index(r->v[0]));
}

void
rows_clear(struct st_rows *r, void (*fn)(void *))
{
	if (fn)
		for (uint32_t i = 0; i < r->n; i++)
			fn(r->v[i]);
	free(r->v);
	r->v = NULL;
	r->n = r->cap = 0;
}
