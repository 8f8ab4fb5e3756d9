/* The AgentX subagent serving CISCO-IPSEC-FLOW-MONITOR-MIB from the state
 * model, inside ikeflowd's event loop. */
#ifndef IKEFLOW_AGENT_H
#define IKEFLOW_AGENT_H

#include <stdint.h>

/* Connects to the master agent at agentx_socket ("unix:/path" or
 * "tcp:host:port"; NULL = Net-SNMP's default) and registers the MIB. A master
 * that is not there yet is not an error: the subagent keeps trying every
 * ping_interval_s seconds (1..5 recommended). 0 / -1. */
int	agent_init(const char *agentx_socket, int ping_interval_s);
void	agent_shutdown(void);
int	agent_running(void);
/* Rebuilds the tables from the state model. Call it after the kernel counters
 * were folded in; state changes (tunnels up and down) are picked up by the
 * agent itself on the next loop iteration. Never called inside a request. */
void	agent_refresh(void);
/* The same in steps over the next loop turns (the daemon's way after a
 * fold): the previous tables are served whole until the new ones are. */
void	agent_refresh_steps(void);
/* How much of the time rebuilding the tables may take: a rebuild starts
 * at most every share times what the last one cost (for the state's
 * changes, at most every second too), so that under constant rekeys at
 * thousands of tunnels the rebuilds, each of every row, take at most
 * 1/share of the CPU. The rows then lag the state model's changes by up
 * to that gap (their counters do not: they follow each fold). 0: every
 * agent_refresh_steps() starts one (the fixture's every-millisecond
 * rebuilds between a SET's phases). */
#define AGENT_REBUILD_SHARE	20
void	agent_set_rebuild_share(unsigned share);
/* Net-SNMP work was queued outside a read (a notification): look again. */
void	agent_kick(void);

/* How SET cikeTunStatus / cipSecTunStatus = destroy(2) tears a tunnel down:
 * the keying side's handlers, given the cikeTunIndex / cipSecTunIndex.
 * They return 0 when the teardown was started, -1 otherwise. */
void	agent_set_destroy_handlers(int (*ike_destroy)(uint32_t),
	    int (*child_destroy)(uint32_t));

/* The accepted range of cipSecHistTableSize / cipSecFailTableSize. */
#define AGENT_TABLE_SIZE_MAX	100000

/* `show crypto mib isakmp|ipsec flowmib ...` on the control socket. */
void	agent_show_register(void);

#endif
