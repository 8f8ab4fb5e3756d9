#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "kernel/xfrm_priv.h"

/* SAs by (dst, spi, proto) in a chained hash that doubles as it fills;
 * policies (few: three per child) in an array. */
static struct xfrm_reg_sa **tab;
static size_t nbuckets, nsas;
static struct xfrm_pol_cfg *pols;
static size_t npols, polcap;

static size_t
bucket(const struct ifl_addr *dst, uint32_t spi, uint8_t proto)
{
	uint32_t h = spi * 2654435761u ^ proto;

	for (size_t i = 0; i < addr_len(dst); i++)
		h = (h ^ dst->u.raw[i]) * 16777619u;
	return h & (nbuckets - 1);
}

static int
same(const struct xfrm_reg_sa *r, const struct ifl_addr *dst, uint32_t spi, uint8_t proto)
{
	return r->spi == spi && r->proto == proto && addr_cmp(&r->dst, dst) == 0;
}

struct xfrm_reg_sa *
xfrm_reg_sa_find(const struct ifl_addr *dst, uint32_t spi, uint8_t proto)
{
	struct xfrm_reg_sa *r;

	if (nsas == 0)
		return NULL;
	for (r = tab[bucket(dst, spi, proto)]; r != NULL; r = r->next)
		if (same(r, dst, spi, proto))
			return r;
	return NULL;
}

static int
grow(void)
{
	size_t n = nbuckets ? nbuckets * 2 : 256;
	struct xfrm_reg_sa **nt = calloc(n, sizeof(*nt)), **ot = tab;
	size_t on = nbuckets;

	if (nt == NULL)
		return -1;
	tab = nt;
	nbuckets = n;
	for (size_t i = 0; i < on; i++) {
		struct xfrm_reg_sa *r = ot[i], *next;

		for (; r != NULL; r = next) {
			size_t b = bucket(&r->dst, r->spi, r->proto);

			next = r->next;
			r->next = tab[b];
			tab[b] = r;
		}
	}
	free(ot);
	return 0;
}

struct xfrm_reg_sa *
xfrm_reg_sa_add(const struct ifl_addr *src, const struct ifl_addr *dst, uint32_t spi,
    uint8_t proto, enum st_sa_dir dir, int larval)
{
	struct xfrm_reg_sa *r = xfrm_reg_sa_find(dst, spi, proto);
	size_t b;

	if (r == NULL) {
		if (nsas >= nbuckets && grow() < 0)
			return NULL;
		r = calloc(1, sizeof(*r));
		if (r == NULL)
			return NULL;
		b = bucket(dst, spi, proto);
		r->next = tab[b];
		tab[b] = r;
		nsas++;
	}
	r->src = *src;
	r->dst = *dst;
	r->spi = spi;
	r->proto = proto;
	r->dir = dir;
	r->larval = larval;
	r->readded = 0;
	return r;
}

void
xfrm_reg_sa_del(const struct ifl_addr *dst, uint32_t spi, uint8_t proto)
{
	struct xfrm_reg_sa **pp, *r;

	if (nsas == 0)
		return;
	for (pp = &tab[bucket(dst, spi, proto)]; (r = *pp) != NULL; pp = &r->next) {
		if (same(r, dst, spi, proto)) {
			*pp = r->next;
			free(r);
			nsas--;
			return;
		}
	}
}

void
xfrm_reg_sa_walk(xfrm_reg_sa_fn fn, void *arg)
{
	for (size_t i = 0; i < nbuckets; i++) {
		struct xfrm_reg_sa *r = tab[i], *next;

		for (; r != NULL; r = next) {
			next = r->next;
			if (fn(r, arg) != 0)
				return;
		}
	}
}

static int
pol_same(const struct xfrm_pol_cfg *a, const struct xfrm_pol_cfg *b)
{
	return a->dir == b->dir && a->proto == b->proto && a->sport == b->sport &&
	    a->dport == b->dport && a->src.plen == b->src.plen &&
	    a->dst.plen == b->dst.plen && addr_cmp(&a->src.addr, &b->src.addr) == 0 &&
	    addr_cmp(&a->dst.addr, &b->dst.addr) == 0;
}

int
xfrm_reg_pol_add(const struct xfrm_pol_cfg *p)
{
	for (size_t i = 0; i < npols; i++) {
		if (pol_same(&pols[i], p)) {
			pols[i] = *p;
			return 0;
		}
	}
	if (npols == polcap) {
		size_t n = polcap ? polcap * 2 : 16;
		struct xfrm_pol_cfg *np = realloc(pols, n * sizeof(*np));

		if (np == NULL)
			return -1;
		pols = np;
		polcap = n;
	}
	pols[npols++] = *p;
	return 0;
}

void
xfrm_reg_pol_del(const struct xfrm_pol_cfg *p)
{
	for (size_t i = 0; i < npols; i++) {
		if (pol_same(&pols[i], p)) {
			pols[i] = pols[--npols];
			return;
		}
	}
}

void
xfrm_reg_pol_del_info(const struct xfrm_pol_info *pi)
{
	struct xfrm_pol_cfg p;

	memset(&p, 0, sizeof(p));
	p.src = pi->src;
	p.dst = pi->dst;
	p.proto = pi->proto;
	p.sport = pi->sport;
	p.dport = pi->dport;
	p.dir = pi->dir;
	xfrm_reg_pol_del(&p);
}

size_t
xfrm_reg_pol_count(void)
{
	return npols;
}

const struct xfrm_pol_cfg *
xfrm_reg_pol_get(size_t i)
{
	return i < npols ? &pols[i] : NULL;
}

void
xfrm_reg_free(void)
{
	for (size_t i = 0; i < nbuckets; i++) {
		struct xfrm_reg_sa *r = tab[i], *next;

		for (; r != NULL; r = next) {
			next = r->next;
			free(r);
		}
	}
	free(tab);
	tab = NULL;
	nbuckets = nsas = 0;
	free(pols);
	pols = NULL;
	npols = polcap = 0;
}
