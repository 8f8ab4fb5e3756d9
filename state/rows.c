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

/* The position of the first row not before index. Walks (rows_next) and
 * lookups in index order (a view over 10,000 tunnels) ask for the position
 * of the last answer or the one after it: those are tried first, so a walk
 * costs O(1) a step rather than a binary search. */
static uint32_t
rows_lower(const struct sorted *r, uint32_t index)
{
	/* only the cache changes: every sorted of rows is a writable object */
	struct sorted *w = (struct sorted *)(uintptr_t)r;
	uint32_t h = r->hint, i;

	if (h < r->n && rows_index(r->v[h]) >= index &&
	    (h == 0 || rows_index(r->v[h - 1]) < index))
		i = h;
	else if (h + 1 < r->n && rows_index(r->v[h]) < index &&
	    rows_index(r->v[h + 1]) >= index)
		i = h + 1;
	else
		i = sorted_lower(r, &index, rows_cmp, NULL);
	w->hint = i;
	return i;
}

void *
rows_find(const struct sorted *r, uint32_t index)
{
	uint32_t i = rows_lower(r, index);

	return i < r->n && rows_index(r->v[i]) == index ? r->v[i] : NULL;
}

void *
rows_next(const struct sorted *r, uint32_t after)
{
	uint32_t i;

	if (after == UINT32_MAX)
		return NULL;
	i = rows_lower(r, after + 1);
	return i < r->n ? r->v[i] : NULL;
}

int
rows_insert(struct sorted *r, void *rec)
{
	uint32_t index = rows_index(rec);

	return sorted_insert(r, rec, &index, rows_cmp);
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
