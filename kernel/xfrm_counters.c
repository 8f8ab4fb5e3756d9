/* Folding SAs' kernel counters into the state model (an SA still there, or
 * one gone with its final counters), and the kernel-wide XFRM statistics. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/log.h"
#include "common/loop.h"
#include "kernel/xfrm_priv.h"

/* The SA dump each refresh makes: an SA folded in it is marked seen. */
static uint32_t generation;

uint32_t
xfrm_fold_begin(void)
{
	return ++generation;
}

uint32_t
xfrm_fold_generation(void)
{
	return generation;
}

void
xfrm_sa_counters(const struct xfrm_sa_info *sa, struct st_dir_counters *c)
{
	c->octets = sa->bytes;
	c->packets = sa->packets;
	c->replay_drops = (uint64_t)sa->replay + sa->replay_window;
	c->auth_fails = sa->integrity_failed;
}


int
xfrm_fold_update(const struct ifl_addr *dst, uint32_t spi, uint8_t proto,
    const struct st_dir_counters *c)
{
	struct xfrm_reg_sa *r = xfrm_reg_sa_find(dst, spi, proto);

	if (r != NULL) {
		r->seen = generation;
		return st_sa_update(spi, r->dir, c);
	}
	if (st_sa_update(spi, ST_SA_IN, c) == 0)
		return 0;
	return st_sa_update(spi, ST_SA_OUT, c);
}

int
xfrm_fold_gone(const struct xfrm_sa_info *sa, int final_known)
{
	struct st_dir_counters c;
	const struct st_dir_counters *fp = NULL;
	struct xfrm_reg_sa *r = xfrm_reg_sa_find(&sa->dst, sa->spi, sa->proto);

	if (final_known) {
		xfrm_sa_counters(sa, &c);
		fp = &c;
	}
	if (r != NULL)
		return st_sa_gone(sa->spi, r->dir, fp);
	if (st_sa_gone(sa->spi, ST_SA_IN, fp) == 0)
		return 0;
	return st_sa_gone(sa->spi, ST_SA_OUT, fp);
}

