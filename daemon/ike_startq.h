/* The pace of auto=start (initiate_max): see ike_startq.c. */
#ifndef IKEFLOW_DAEMON_IKE_STARTQ_H
#define IKEFLOW_DAEMON_IKE_STARTQ_H

#include <stddef.h>
#include <stdint.h>

/* Initiates the connection NAME now: 0 done, -1 not (gone from the
 * configuration, no longer auto=start, already negotiating or up). */
typedef int (*ike_startq_fn)(const char *name);

/* The most IKE SAs of ours negotiating at once (0: no limit), and what
 * starts a queued connection. Called at start and on every reload. */
void	ike_startq_setup(uint32_t max, ike_startq_fn start);
/* 1: NAME waits its turn (started later through the setup's function);
 * 0: no limit, the caller starts it now. */
int	ike_startq_add(const char *name);
/* Connections still waiting their turn; the limit in force (0: none). */
size_t	ike_startq_waiting(void);
uint32_t ike_startq_max(void);
void	ike_startq_clear(void);

#endif
