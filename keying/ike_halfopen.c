/* Half-open responder SAs per source (ike_halfopen.h): a chained hash
 * table keyed by the source with a random seed, counts updated by the
 * phase setter, entries gone when their count is. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "keying/crypto.h"
#include "keying/ike_halfopen.h"
#include "keying/ike_hash.h"

#define HO_BUCKETS	4096

struct ike_ho_ent {
	uint8_t		 family;
	uint8_t		 key[16];
	uint32_t	 n;
	struct ike_ho_ent *next;
};

/* The source of addr: the address, or its first 64 bits for IPv6. */
static void
source_key(const struct ifl_addr *a, uint8_t key[16])
{
	memset(key, 0, 16);
	if (a->family == AF_INET6)
		memcpy(key, a->u.raw, 8);
	else
		memcpy(key, a->u.raw, 4);
}

static uint32_t
bucket(const struct ike_halfopen *h, uint8_t family, const uint8_t key[16])
{
	uint64_t x = family, w;
	int i;

	for (i = 0; i < 2; i++) {
		memcpy(&w, key + 8 * i, 8);
		x = ike_mix64(h->seed, x ^ w);
	}
	return (uint32_t)x & (h->nb - 1);
}

int
ike_ho_init(struct ike_halfopen *h)
{
	memset(h, 0, sizeof(*h));
	if ((h->b = calloc(HO_BUCKETS, sizeof(*h->b))) == NULL)
		return -1;
	h->nb = HO_BUCKETS;
	if (crypto_random((uint8_t *)&h->seed, sizeof(h->seed)) < 0)
		h->seed = (uint64_t)(uintptr_t)h ^ 0x9e3779b97f4a7c15ULL;
	return 0;
}

void
ike_ho_free(struct ike_halfopen *h)
{
	struct ike_ho_ent *e;
	uint32_t i;

	for (i = 0; h->b && i < h->nb; i++)
		while ((e = h->b[i]) != NULL) {
			h->b[i] = e->next;
			free(e);
		}
	free(h->b);
	memset(h, 0, sizeof(*h));
}

static struct ike_ho_ent **
find(const struct ike_halfopen *h, uint8_t family, const uint8_t key[16])
{
	struct ike_ho_ent **pp = &h->b[bucket(h, family, key)];

	for (; *pp; pp = &(*pp)->next)
		if ((*pp)->family == family && memcmp((*pp)->key, key, 16) == 0)
			break;
	return pp;
}

void
ike_ho_add(struct ike_halfopen *h, const struct ifl_addr *addr, int delta)
{
	struct ike_ho_ent **pp, *e;
	uint8_t key[16];

	if (h->b == NULL)
		return;
	source_key(addr, key);
	pp = find(h, addr->family, key);
	if (delta > 0) {
		h->all++;
		if ((e = *pp) == NULL) {
			/* without memory the source goes uncounted: the global
			 * count still bounds the flood */
			if ((e = calloc(1, sizeof(*e))) == NULL)
				return;
			e->family = addr->family;
			memcpy(e->key, key, 16);
			*pp = e;
			h->sources++;
		}
		e->n++;
		return;
	}
	if (h->all)
		h->all--;
	if ((e = *pp) == NULL)
		return;
	if (--e->n == 0) {
		*pp = e->next;
		free(e);
		h->sources--;
	}
}

uint32_t
ike_ho_of(const struct ike_halfopen *h, const struct ifl_addr *addr)
{
	struct ike_ho_ent *const *pp;
	uint8_t key[16];

	if (h->b == NULL)
		return 0;
	source_key(addr, key);
	pp = find(h, addr->family, key);
	return *pp ? (*pp)->n : 0;
}
