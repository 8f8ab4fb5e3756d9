/* Traffic selectors (RFC 7296 §2.9, §3.13): ours from leftsubnet/rightsubnet
 * (and leftprotoport/rightprotoport), the responder's narrowing of what the
 * initiator proposes, and the initiator's check of the narrowed answer. */
#ifndef IKEFLOW_IKEV2_TS_H
#define IKEFLOW_IKEV2_TS_H

#include <stddef.h>
#include <stdint.h>

#include "common/addr.h"
#include "config/config.h"
#include "keying/ikev2_msg.h"
#include "state/state.h"

/* One end's selectors: its subnets, or the host address when it has none
 * (then `host`, the address in use). Returns the count (0 = none). */
size_t	ikev2_ts_from_end(const struct cfg_end *end, const struct ifl_addr *host,
	    struct ikev2_ts *out, size_t max);
/* The intersection of two selectors; 0 and out filled, -1 when empty. */
int	ikev2_ts_intersect(const struct ikev2_ts *a, const struct ikev2_ts *b,
	    struct ikev2_ts *out);
/* Responder's narrowing: every non-empty intersection of one of theirs
 * with one of ours, duplicates dropped, in their order. Returns the count;
 * 0 means TS_UNACCEPTABLE. */
size_t	ikev2_ts_narrow(const struct ikev2_ts *theirs, size_t ntheirs,
	    const struct ikev2_ts *ours, size_t nours, struct ikev2_ts *out, size_t max);
/* Initiator: is every selector of ts inside one of `within`? 1 / 0. */
int	ikev2_ts_inside(const struct ikev2_ts *ts, size_t n,
	    const struct ikev2_ts *within, size_t nwithin);
/* The state model's form: the smallest subnet covering the range. */
/* 1 when the two lists are the same selectors in the same order. */
int	ikev2_ts_same(const struct ikev2_ts *a, size_t na,
	    const struct ikev2_ts *b, size_t nb);
void	ikev2_ts_to_st(const struct ikev2_ts *ts, struct st_ts *out);

#endif
