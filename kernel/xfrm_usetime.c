/* Last use of our tunnels' policies: the kernel's SA use time is its first
 * use, so the last packet's time comes from the policies' curlft.use_time,
 * kept by reqid and read again by every refresh. */
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

/* reqid -> latest policy use, open addressing, rebuilt by every refresh. */
struct use_slot {
	uint32_t	reqid;		/* 0 = empty (reqid 0 is never looked up) */
	uint64_t	use;
};
static struct use_slot *uses;
static size_t nuses, usecap;

static struct use_slot *
use_slot(struct use_slot *tab, size_t cap, uint32_t reqid)
{
	size_t i = (reqid * 2654435761u) & (cap - 1);

	while (tab[i].reqid != 0 && tab[i].reqid != reqid)
		i = (i + 1) & (cap - 1);
	return &tab[i];
}

static void
use_note(uint32_t reqid, uint64_t use)
{
	struct use_slot *sl;

	if (reqid == 0)
		return;
	if (2 * (nuses + 1) > usecap) {
		size_t cap = usecap ? usecap * 2 : 256;
		struct use_slot *nt = calloc(cap, sizeof(*nt));

		if (nt == NULL)
			return;
		for (size_t i = 0; i < usecap; i++)
			if (uses[i].reqid != 0)
				*use_slot(nt, cap, uses[i].reqid) = uses[i];
		free(uses);
		uses = nt;
		usecap = cap;
	}
	sl = use_slot(uses, usecap, reqid);
	if (sl->reqid == 0) {
		sl->reqid = reqid;
		nuses++;
	}
	if (use > sl->use)
		sl->use = use;
}

uint64_t
xfrm_policy_use_time(uint32_t reqid)
{
	if (reqid == 0 || usecap == 0)
		return 0;
	return use_slot(uses, usecap, reqid)->use;
}

void
xfrm_policy_uses_free(void)
{
	free(uses);
	uses = NULL;
	nuses = usecap = 0;
}

static int
use_cb(const struct xfrm_pol_info *p, void *arg)
{
	(void)arg;
	use_note(p->reqid, p->use_time);
	return 0;
}

int
xfrm_usetime_refresh(void)
{
	if (usecap)
		memset(uses, 0, usecap * sizeof(*uses));
	nuses = 0;
	return xfrm_policy_dump(use_cb, NULL);
}
