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
/* The live rows st_load brought back from the last run are followed again
 * (same index, counters going on); call before the first monitor_sync. */
void	monitor_restore(void);
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
/* The live tunnel of a reqid between these addresses: its index, or 0. */
uint32_t monitor_tunnel_find(uint32_t reqid, const struct ifl_addr *local,
	    const struct ifl_addr *remote);

/* strongSwan's vici socket (daemon/monitor_vici.c): IKE SAs and names.
 * start connects (and keeps trying every few seconds); claim gives a tunnel
 * just built its IKE SA and name when charon told of it first. */
int	monitor_vici_start(const char *path);
void	monitor_vici_stop(void);
void	monitor_vici_claim(uint32_t child_index);
/* One EVENT packet's message from charon (list-sa, list-conn, ike-updown,
 * ike-rekey, child-updown, child-rekey, log); tests feed their own. */
void	monitor_vici_event(const char *name, const uint8_t *msg, size_t len);
/* Ask charon for its configured connections again (a reload drops the
 * connection rows: monitor mode reads no ipsec.conf). */
void	monitor_vici_relist(void);
/* End the IKE SA rows vici gave (charon gone); the tunnels stay. */
void	monitor_vici_forget(void);

/* Forget everything (the state model's rows stay). */
void	monitor_reset(void);

#endif
