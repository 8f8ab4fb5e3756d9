/* Shared between the kernel/xfrm_*.c files; not for other modules. */
#ifndef IKEFLOW_XFRM_PRIV_H
#define IKEFLOW_XFRM_PRIV_H

#include <libmnl/libmnl.h>

#include "kernel/xfrm.h"
#include "kernel/xfrm_msg.h"

struct loop_timer;

struct xfrm_ctx {
	struct mnl_socket	*req, *ev;
	struct mnl_socket	*step;		/* the refresh read in steps */
	uint32_t		 seq;
	struct xfrm_opts	 opts;
	struct xfrm_handlers	 h;
	struct loop_timer	*timer;
	int			 ev_rcvbuf;
	/* the event socket's messages, and its news that some were lost */
	void			(*ev_msg)(const struct nlmsghdr *nlh);
	void			(*ev_lost)(void);
	char			 errmsg[256];	/* extack text of the last failed request */
};

extern struct xfrm_ctx xfrm_ctx;
/* Request buffer; SA requests hold keys in it and wipe it after sending. */
extern uint8_t xfrm_reqbuf[IFL_XFRM_BUFSZ];

/* A netlink XFRM socket bound to the multicast groups (capped and extended
 * acks on); NULL with errno. */
/* Send one request on the request socket and read until the ack (or the end
 * of a dump), calling cb for every data message. 0 or -errno; the kernel's
 * extack message is left in xfrm_ctx.errmsg. The receive buffer is wiped
 * (replies can carry keys). */
int	xfrm_nl_request(struct nlmsghdr *nlh, mnl_cb_t cb, void *arg);
/* ", <kernel message>" or "" for log lines. */
const char *xfrm_nl_errtail(char *dst, size_t len);

/* One event from the event socket (also fed by tests with captured bytes). */
void	xfrm_event_dispatch(const struct nlmsghdr *nlh);
/* Events were lost: rebuild from a full dump what they would have told. */
void	xfrm_events_lost(void);
int	xfrm_events_open(void);
void	xfrm_events_close(void);

/* Registry of what this module installed. */
struct xfrm_reg_sa {
	struct ifl_addr	src, dst;
	uint32_t	spi;
	uint8_t		proto;
	uint8_t		dir;		/* enum st_sa_dir */
	uint8_t		larval;
	uint32_t	seen;		/* refresh generation it was last dumped in */
	uint64_t	readded;	/* added anew after its larval SA expired (epoch s) */
	struct xfrm_reg_sa *next;
};
struct xfrm_reg_sa *xfrm_reg_sa_find(const struct ifl_addr *dst, uint32_t spi, uint8_t proto);
struct xfrm_reg_sa *xfrm_reg_sa_add(const struct ifl_addr *src, const struct ifl_addr *dst,
	    uint32_t spi, uint8_t proto, enum st_sa_dir dir, int larval);
void	xfrm_reg_sa_del(const struct ifl_addr *dst, uint32_t spi, uint8_t proto);
typedef int (*xfrm_reg_sa_fn)(struct xfrm_reg_sa *r, void *arg);
void	xfrm_reg_sa_walk(xfrm_reg_sa_fn fn, void *arg);	/* fn may delete r */
int	xfrm_reg_pol_add(const struct xfrm_pol_cfg *p);
void	xfrm_reg_pol_del(const struct xfrm_pol_cfg *p);
void	xfrm_reg_pol_del_info(const struct xfrm_pol_info *pi);
size_t	xfrm_reg_pol_count(void);
const struct xfrm_pol_cfg *xfrm_reg_pol_get(size_t i);
void	xfrm_reg_free(void);

/* Fold an SA's counters (update) or final counters (gone) into the state
 * model: the registry knows the direction of ours, otherwise try in then out.
 * 0 when the state model knows the SA. */
int	xfrm_fold_update(const struct ifl_addr *dst, uint32_t spi, uint8_t proto,
	    const struct st_dir_counters *c);
int	xfrm_fold_gone(const struct xfrm_sa_info *sa, int final_known);
/* A refresh's dump marks the SAs it folds with the generation begun. */
uint32_t xfrm_fold_begin(void);
uint32_t xfrm_fold_generation(void);
/* A full dump that also notices SAs of ours that vanished unseen (after
 * lost events; xfrm_dump.c). */
int	xfrm_resync(void);
void	xfrm_timer_fn(void *arg);
/* Policy use times (xfrm_usetime.c): read again from a policy dump into a
 * new table that replaces the one xfrm_policy_use_time() reads when whole
 * (commit; discard drops one); freed. */
struct xfrm_usetab;
int	xfrm_usetime_refresh(void);
struct xfrm_usetab *xfrm_usetime_new(void);
void	xfrm_usetime_note(struct xfrm_usetab *t, const struct xfrm_pol_info *p);
void	xfrm_usetime_commit(struct xfrm_usetab *t);
void	xfrm_usetime_discard(struct xfrm_usetab *t);
void	xfrm_policy_uses_free(void);
/* The refresh in steps (xfrm_dump.c): its socket, opened by xfrm_init and
 * closed (a refresh under way abandoned, its callback not called) by
 * xfrm_shutdown; the loop time one turn may give it (tests shorten it). */
int	xfrm_step_open(void);
void	xfrm_step_close(void);
void	xfrm_step_budget(uint32_t us);

#endif
