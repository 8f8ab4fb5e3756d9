#include "config.h"

#include <stdlib.h>

#include "common/log.h"
#include "state/spimap.h"

struct spimap_ent {
	struct spimap_ent *next;
	uint32_t	spi;
	int		dir;
	uint32_t	child;
};

static uint32_t
spimap_hash(uint32_t spi, int dir)
{
	/* Outbound SPIs are picked by peers, so mix rather than trust the bits. */
	uint64_t h = ((uint64_t)spi << 1 | (uint32_t)(dir & 1)) * 0x9e3779b97f4a7c15ULL;

	return (uint32_t)(h >> 32);
}

static int
spimap_grow(struct spimap *m)
{
	uint32_t nnb = m->nb ? m->nb * 2 : 64;
	struct spimap_ent **nb = calloc(nnb, sizeof(*nb));

	if (nb == NULL)
		return -1;
	for (uint32_t i = 0; i < m->nb; i++) {
		struct spimap_ent *e, *next;

		for (e = m->b[i]; e; e = next) {
			uint32_t h = spimap_hash(e->spi, e->dir) & (nnb - 1);

			next = e->next;
			e->next = nb[h];
			nb[h] = e;
		}
	}
	free(m->b);
	m->b = nb;
	m->nb = nnb;
	return 0;
}

static struct spimap_ent *
spimap_lookup(const struct spimap *m, uint32_t spi, int dir)
{
	struct spimap_ent *e;

	if (m->nb == 0)
		return NULL;
	for (e = m->b[spimap_hash(spi, dir) & (m->nb - 1)]; e; e = e->next)
		if (e->spi == spi && e->dir == dir)
			return e;
	return NULL;
}

int
spimap_put(struct spimap *m, uint32_t spi, int dir, uint32_t child)
{
	struct spimap_ent *e = spimap_lookup(m, spi, dir);
	uint32_t h;

	if (e) {
		e->child = child;
		return 0;
	}
	if (m->n >= m->nb && spimap_grow(m) < 0) {
		log_err("%s: out of memory", __func__);
		return -1;
	}
	if ((e = malloc(sizeof(*e))) == NULL) {
		log_err("%s: out of memory", __func__);
		return -1;
	}
	e->spi = spi;
	e->dir = dir;
	e->child = child;
	h = spimap_hash(spi, dir) & (m->nb - 1);
	e->next = m->b[h];
	m->b[h] = e;
	m->n++;
	return 0;
}

uint32_t
spimap_get(const struct spimap *m, uint32_t spi, int dir)
{
	const struct spimap_ent *e = spimap_lookup(m, spi, dir);

	return e ? e->child : 0;
}

void
spimap_del(struct spimap *m, uint32_t spi, int dir, uint32_t child)
{
	struct spimap_ent **pp;

	if (m->nb == 0)
		return;
	for (pp = &m->b[spimap_hash(spi, dir) & (m->nb - 1)]; *pp; pp = &(*pp)->next) {
		struct spimap_ent *e = *pp;

		if (e->spi == spi && e->dir == dir) {
			if (e->child != child)
				return;
			*pp = e->next;
			free(e);
			m->n--;
			return;
		}
	}
}

void
spimap_clear(struct spimap *m)
{
	for (uint32_t i = 0; i < m->nb; i++) {
		struct spimap_ent *e, *next;

		for (e = m->b[i]; e; e = next) {
			next = e->next;
			free(e);
		}
	}
	free(m->b);
	m->b = NULL;
	m->nb = m->n = 0;
}
