#include "config.h"

#include <stdlib.h>

#include "common/log.h"
#include "state/rows.h"

static int
rows_cmp(const void *rec, const void *key)
{
	uint32_t a = rows_index(rec), b = *(const uint32_t *)key;

	return a < b ? -1 : a > b;
}

int
rows_append(struct sorted *r, void *rec)
{
	if (r->n > 0 && rows_index(r->v[r->n - 1]) >= rows_index(rec)) {
		log_err("%s: index %u after %u breaks the order", __func__,
		    rows_index(rec), rows_index(r->v[r->n - 1]));
		return -1;
	}
	return sorted_insert_at(r, r->n, rec);
}

void *
rows_find(const struct sorted *r, uint32_t index)
{
	return sorted_find(r, &index, rows_cmp);
}

void *
rows_next(const struct sorted *r, uint32_t after)
{
	uint32_t i;

	if (after == UINT32_MAX)
		return NULL;
	after++;
	i = sorted_lower(r, &after, rows_cmp, NULL);
	return i < r->n ? r->v[i] : NULL;
}

void *
rows_remove(struct sorted *r, uint32_t index)
{
	return sorted_remove(r, &index, rows_cmp);
}

void *
rows_shift(struct sorted *r)
{
	return sorted_remove_at(r, 0);
}

void
rows_clear(struct sorted *r, void (*fn)(void *))
{
	sorted_clear(r, fn);
}
