#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "common/log.h"
#include "state/sorted.h"

#define SORTED_MIN_CAP	16

uint32_t
sorted_lower(const struct sorted *s, const void *key, sorted_cmp_fn cmp, int *found)
{
	uint32_t lo = 0, hi = s->n;

	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;

		if (cmp(s->v[mid], key) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (found)
		*found = lo < s->n && cmp(s->v[lo], key) == 0;
	return lo;
}

void *
sorted_find(const struct sorted *s, const void *key, sorted_cmp_fn cmp)
{
	int found;
	uint32_t i = sorted_lower(s, key, cmp, &found);

	return found ? s->v[i] : NULL;
}

int
sorted_reserve(struct sorted *s, uint32_t more)
{
	uint32_t ncap = s->cap ? s->cap : SORTED_MIN_CAP;
	void **nv;

	if (more > UINT32_MAX - s->n) {
		log_err("%s: %u more elements overflow the count", __func__, more);
		return -1;
	}
	if (s->n + more <= s->cap)
		return 0;
	while (ncap < s->n + more) {
		if (ncap > UINT32_MAX / 2) {
			log_err("%s: %u elements overflow the array", __func__,
			    s->n + more);
			return -1;
		}
		ncap *= 2;
	}
#if SIZE_MAX <= UINT32_MAX
	/* a 32-bit size_t cannot hold the bytes of 2^30 pointers and more */
	if (ncap > SIZE_MAX / sizeof(*nv)) {
		log_err("%s: %u elements overflow the array", __func__, ncap);
		return -1;
	}
#endif
	if ((nv = realloc(s->v, (size_t)ncap * sizeof(*nv))) == NULL) {
		log_err("%s: out of memory", __func__);
		return -1;
	}
	s->v = nv;
	s->cap = ncap;
	return 0;
}

int
sorted_insert_at(struct sorted *s, uint32_t pos, void *elem)
{
	if (pos > s->n) {
		log_err("%s: position %u past the end (%u)", __func__, pos, s->n);
		return -1;
	}
	if (sorted_reserve(s, 1) < 0)
		return -1;
	memmove(&s->v[pos + 1], &s->v[pos], (size_t)(s->n - pos) * sizeof(*s->v));
	s->v[pos] = elem;
	s->n++;
	return 0;
}

int
sorted_insert(struct sorted *s, void *elem, const void *key, sorted_cmp_fn cmp)
{
	int found;
	uint32_t pos = sorted_lower(s, key, cmp, &found);

	if (found)
		return -1;
	return sorted_insert_at(s, pos, elem);
}

void *
sorted_remove_at(struct sorted *s, uint32_t pos)
{
	void *elem;

	if (pos >= s->n)
		return NULL;
	elem = s->v[pos];
	memmove(&s->v[pos], &s->v[pos + 1], (size_t)(s->n - pos - 1) * sizeof(*s->v));
	s->n--;
	return elem;
}

void *
sorted_remove(struct sorted *s, const void *key, sorted_cmp_fn cmp)
{
	int found;
	uint32_t pos = sorted_lower(s, key, cmp, &found);

	return found ? sorted_remove_at(s, pos) : NULL;
}

void
sorted_clear(struct sorted *s, void (*fn)(void *))
{
	if (fn)
		for (uint32_t i = 0; i < s->n; i++)
			fn(s->v[i]);
	free(s->v);
	s->v = NULL;
	s->n = s->cap = 0;
}
