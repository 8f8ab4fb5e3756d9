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

/* Kernel-wide counters by name; names differ across kernel versions. */
int
xfrm_stat_parse(const char *text, struct st_ipsec_global *g)
{
	const char *p = text;

	memset(g, 0, sizeof(*g));
	while (*p) {
		char name[64];
		unsigned long long v;
		int n = 0;

		if (sscanf(p, "%63s %llu%n", name, &v, &n) == 2 && n > 0) {
			if (strncmp(name, "XfrmIn", 6) == 0)
				g->in_drops += v;	/* every XfrmIn* counts a drop */
			else if (strncmp(name, "XfrmOut", 7) == 0)
				g->out_drops += v;
			if (strcmp(name, "XfrmInStateSeqError") == 0)
				g->in_replay_drops = v;
			else if (strcmp(name, "XfrmInStateProtoError") == 0)
				g->in_auth_fails = v;
			else if (strcmp(name, "XfrmInNoStates") == 0 ||
			    strcmp(name, "XfrmOutNoStates") == 0)
				g->nosa_fails += v;
			else if (strcmp(name, "XfrmInStateModeError") == 0 ||
			    strcmp(name, "XfrmOutStateModeError") == 0 ||
			    strcmp(name, "XfrmInStateMismatch") == 0 ||
			    strcmp(name, "XfrmInTmplMismatch") == 0)
				g->protocol_use_fails += v;
			else if (strcmp(name, "XfrmInBufferError") == 0 ||
			    strcmp(name, "XfrmOutNoQueueSpace") == 0)
				g->syscap_fails += v;
		}
		p = strchr(p, '\n');
		if (p == NULL)
			break;
		p++;
	}
	/* No kernel counter tells decryption from authentication failures. */
	g->in_decrypt_fails = 0;
	return 0;
}

