/* Monitor mode (ikeflowd.conf mode = monitor): the tunnels another daemon
 * (strongSwan, Libreswan, ip xfrm by hand) keyed, built from the kernel's
 * SAs and policies alone and written into the one state model, so the
 * agent, the views, the web page and the bundle show them as they show
 * ikeflowd's own. Nothing is ever written to the kernel. doc/monitor-mode.md
 * describes the model. */
#ifndef IKEFLOW_MONITOR_H
#define IKEFLOW_MONITOR_H

#include <stddef.h>

#include "kernel/xfrm.h"

/* What the views print as the keying daemon of every tunnel. */
#define MONITOR_KEYED_BY	"another daemon (observed in the kernel)"

/* The observer's steps, run by the module on kernel events (and by tests on
 * parsed kernel messages). An SA of a tunnel not seen before creates it; an
 * SA with the same reqid and outer addresses as a live tunnel is that
 * tunnel's (a rekey: its older SAs keep counting until they go). */
void	monitor_sa(const struct xfrm_sa_info *sa);
/* An SA left the kernel (its final counters already folded): a tunnel left
 * with no SA has ended, with reason (an enum st_term). */
void	monitor_sa_gone(int reason);
/* An out policy gives its tunnel's traffic selectors. */
void	monitor_policy(const struct xfrm_pol_info *pol, int deleted);
/* Dump the kernel's policies and SAs: adopt what is new, end what vanished
 * (at start, and after lost events). 0 or -errno. */
int	monitor_sync(void);
/* The kernel event handlers the module installs (tests dispatch captured
 * kernel messages through them). */
void	monitor_handlers(struct xfrm_handlers *h);
/* Which addresses are ours (default: addr_is_local); tests set their own. */
void	monitor_set_is_local(int (*fn)(const struct ifl_addr *a));
/* Live tunnels the observer follows. */
size_t	monitor_tunnels(void);
/* Forget everything (the state model's rows stay). */
void	monitor_reset(void);

#endif
