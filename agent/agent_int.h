/* Inside the agent: value encoding shared by the handlers and the traps. */
#ifndef IKEFLOW_AGENT_INT_H
#define IKEFLOW_AGENT_INT_H

#include <stdint.h>

#include "agent/flowmib.h"
#include "state/state.h"

#define AGENT_NTRAPS	13

/* cipSecTrapCntl* (1.6.N), N = the notification number: enabled(1), disabled(2) */
extern int agent_trap_cntl[AGENT_NTRAPS];

void	agent_set_num(netsnmp_variable_list *vb, int kind, uint64_t v);
void	agent_set_addr(netsnmp_variable_list *vb, const struct ifl_addr *a);
void	agent_set_field(netsnmp_variable_list *vb, int kind, const void *field);

/* The notification a state event calls for, if its control is enabled. */
void	agent_trap_event(enum st_event ev, uint32_t index, const void *rec);
/* The varbinds of notification n (1..13) for an event, without snmpTrapOID;
 * NULL when the event does not map to n. For the tests. */
netsnmp_variable_list *agent_trap_varbinds(int n, enum st_event ev, const void *rec);
/* Which notifications an event raises: up to 2, returns how many. */
int	agent_trap_for_event(enum st_event ev, const void *rec, int out[2]);

void	agent_register_sysor(void);
void	agent_unregister_sysor(void);

#endif
