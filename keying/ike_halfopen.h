/* Half-open responder IKE SAs counted per source, incrementally: the
 * responder checks its cookie and block thresholds on every IKE_SA_INIT,
 * and walking every SA for that made each junk packet cost in proportion
 * to the flood already in. A source is an IPv4 address or an IPv6 /64
 * (one subscriber line usually holds a whole /64, so an attacker would
 * otherwise have 2^64 "addresses"). Kept by the IKE SA phase setter. */
#ifndef IKEFLOW_IKE_HALFOPEN_H
#define IKEFLOW_IKE_HALFOPEN_H

#include <stdint.h>

#include "common/addr.h"

struct ike_ho_ent;

struct ike_halfopen {
	struct ike_ho_ent **b;
	uint32_t	nb;		/* buckets, a power of two */
	uint64_t	seed;		/* keys the hash: sources are chosen by peers */
	uint32_t	all;		/* every half-open responder SA */
	uint32_t	sources;	/* sources with at least one */
};

/* 0 / -1 (memory). */
int	ike_ho_init(struct ike_halfopen *h);
void	ike_ho_free(struct ike_halfopen *h);
/* One more (delta 1) or one fewer (delta -1) half-open SA of addr. */
void	ike_ho_add(struct ike_halfopen *h, const struct ifl_addr *addr, int delta);
/* Half-open SAs of addr's source (its address, or its /64). */
uint32_t ike_ho_of(const struct ike_halfopen *h, const struct ifl_addr *addr);

#endif
