/* IKEv2 proposals (RFC 7296 §2.7, §3.3): the types the codec parses SA
 * payloads into and builds them from, our offer from the configured
 * ike=/esp= lists, and the choice among a peer's proposals. A chosen
 * proposal is a struct ikev2_prop holding one transform per type it uses.
 * Transform numbers are IANA IKEv2 transform IDs; key lengths in bits. */
#ifndef IKEFLOW_IKEV2_PROPOSAL_H
#define IKEFLOW_IKEV2_PROPOSAL_H

#include <stddef.h>
#include <stdint.h>

#include "config/config.h"
#include "keying/ikev2_const.h"
#include "state/state.h"

#define IKEV2_PROP_MAX		16	/* proposals per SA payload we keep */
/* transforms per proposal (strongSwan's default proposal has 38) */
#define IKEV2_PROP_XF_MAX	64

struct ikev2_xform {
	uint8_t		type;		/* IKEV2_XFORM_* */
	uint16_t	id;
	uint16_t	keylen;		/* Key Length attribute, 0 = absent */
};

struct ikev2_prop {
	uint8_t		num;		/* proposal number, 1-based */
	uint8_t		proto;		/* IKEV2_PROTO_* */
	uint8_t		spi_size;	/* 0, 4 or 8 */
	uint8_t		spi[8];
	int		nxf;
	struct ikev2_xform xf[IKEV2_PROP_XF_MAX];
};

struct ikev2_prop_list {
	int		n;
	struct ikev2_prop p[IKEV2_PROP_MAX];
};

/* Our proposals for proto (IKEV2_PROTO_IKE / _ESP) from the configuration:
 * the configured list, then strongSwan's defaults unless it ended in '!'.
 * Transforms this build cannot do are left out, and so are proposals that
 * lose a mandatory type by it. SPIs are empty. 0, or -1 if nothing is left. */
int	ikev2_prop_from_cfg(const struct cfg_proposals *cp, uint8_t proto,
	    struct ikev2_prop_list *out);

/* Responder's choice, strongSwan's way (prefer_configured_proposals = yes):
 * walk OUR proposals in order and take the first that any of theirs
 * matches; within a type the first of our transforms the peer offers wins.
 * The peer's proposal number and SPI are kept. 0 on a match, -1 if none. */
int	ikev2_prop_select(const struct ikev2_prop_list *ours,
	    const struct ikev2_prop_list *theirs, uint8_t proto, struct ikev2_prop *chosen);
/* The same, limited to proposals (of both sides) that allow DH group: the
 * responder keeps the initiator's KE when its choice permits that group too
 * (strongSwan promotes the KE method instead of asking INVALID_KE). */
int	ikev2_prop_select_dh(const struct ikev2_prop_list *ours,
	    const struct ikev2_prop_list *theirs, uint8_t proto, uint16_t group,
	    struct ikev2_prop *chosen);
/* Initiator: checks the responder's answer (exactly one proposal, one
 * transform per type, every one of them from the proposal of ours with that
 * number). 0 and chosen filled, or -1. */
int	ikev2_prop_accept(const struct ikev2_prop_list *ours,
	    const struct ikev2_prop_list *reply, uint8_t proto, struct ikev2_prop *chosen);

/* The DH group to send first: that of our first proposal, 0 if none. */
uint16_t ikev2_prop_first_dh(const struct ikev2_prop_list *l);
/* Whether any of the proposals in l allows group. */
int	ikev2_prop_has_dh(const struct ikev2_prop_list *l, uint16_t group);
/* Moves proposals offering group to the front, in order (INVALID_KE retry). */
void	ikev2_prop_prefer_dh(struct ikev2_prop_list *l, uint16_t group);
/* Drops DH transforms (children made within IKE_AUTH carry no KE). */
void	ikev2_prop_strip_dh(struct ikev2_prop_list *l);
/* Sets every proposal's SPI (size 0 / 4 / 8). */
void	ikev2_prop_set_spi(struct ikev2_prop_list *l, uint64_t spi, uint8_t size);

/* Transform id of a type in a chosen proposal; 0 if it has none. */
uint16_t ikev2_prop_id(const struct ikev2_prop *p, uint8_t type, uint16_t *keylen);
void	ikev2_prop_algs(const struct ikev2_prop *chosen, struct st_algs *algs);

#endif
