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

/* reqid -> latest policy use, open addressing. Every refresh builds a new
 * table and puts it in place when its dump is whole: a refresh read in
 * steps never shows its readers a half-built one. */
struct use_slot {
	uint32_t	reqid;		/* 0 = empty (reqid 0 is never looked up) */
	uint64_t	use;
};
struct xfrm_usetab {
	struct use_slot	*slots;
	size_t		 n, cap;
};
static struct xfrm_usetab cur;

static struct use_slot *
use_slot(struct use_slot *tab, size_t cap, uint32_t reqid)
{
	size_t i = (reqid * 2654435761u) & (cap - 1);

	while (tab[i].reqid != 0 && tab[i].reqid != reqid)
		i = (i + 1) & (cap - 1);
	return &tab[i];
}

void
xfrm_usetime_note(struct xfrm_usetab *t, const struct xfrm_pol_info *p)
{
	struct use_slot *sl;

	if (p->reqid == 0)
		return;
	if (2 * (t->n + 1) > t->cap) {
		/* sized like the last table: no growth while a dump is read */
		size_t cap = t->cap ? t->cap * 2 : cur.cap ? cur.cap : 256;
		struct use_slot *nt = calloc(cap, sizeof(*nt));

		if (nt == NULL)
			return;
		for (size_t i = 0; i < t->cap; i++)
			if (t->slots[i].reqid != 0)
				*use_slot(nt, cap, t->slots[i].reqid) = t->slots[i];
		free(t->slots);
		t->slots = nt;
		t->cap = cap;
	}
	sl = use_slot(t->slots, t->cap, p->reqid);
	if (sl->reqid == 0) {
		sl->reqid = p->reqid;
		t->n++;
	}
	if (p->use_time > sl->use)
		sl->use = p->use_time;
}

struct xfrm_usetab *
xfrm_usetime_new(void)
{
	return calloc(1, sizeof(struct xfrm_usetab));
}

void
xfrm_usetime_discard(struct xfrm_usetab *t)
{
	if (t == NULL)
		return;
	free(t->slots);
	free(t);
}

void
xfrm_usetime_commit(struct xfrm_usetab *t)
{
	free(cur.slots);
	cur = *t;
	free(t);
}

uint64_t
xfrm_policy_use_time(uint32_t reqid)
{
	if (reqid == 0 || cur.cap == 0)
		return 0;
	return use_slot(cur.slots, cur.cap, reqid)->use;
}

void
xfrm_policy_uses_free(void)
{
	free(cur.slots);
	memset(&cur, 0, sizeof(cur));
}

static int
use_cb(const struct xfrm_pol_info *p, void *arg)
{
	xfrm_usetime_note(arg, p);
	return 0;
}

int
xfrm_usetime_refresh(void)
{
	struct xfrm_usetab *t = xfrm_usetime_new();
	int ret;

	if (t == NULL)
		return -ENOMEM;
	if ((ret = xfrm_policy_dump(use_cb, t)) < 0) {
		xfrm_usetime_discard(t);
		return ret;
	}
	xfrm_usetime_commit(t);
	return 0;
}
