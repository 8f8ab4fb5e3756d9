/* IKEv2 message codec (RFC 7296 §3, RFC 7383 SKF).
 *
 * Parsing: ikev2_msg_parse() copies the datagram, checks the IKE header and
 * walks the payload chain; every known payload is syntax-checked on the way,
 * so a message that parses has well-formed payloads. The typed parsers
 * (ikev2_pl_*) then fill small structs whose data pointers point INTO the
 * message (valid until ikev2_msg_free()). After the SK payload has been
 * decrypted, ikev2_msg_set_inner() hands the plaintext over and the inner
 * chain is parsed with the same code; ikev2_msg_get() searches both chains.
 *
 * Errors: every failure fills a struct ike_perr (keying/ike_perr.h) with a
 * code, the offending payload type and its offset, human text for the log and the notify the engine may answer
 * with (UNSUPPORTED_CRITICAL_PAYLOAD carries perr.payload as its 1-byte data;
 * INVALID_MAJOR_VERSION only in answer to IKE_SA_INIT).
 *
 * Building: ikev2_build_msg() writes the header, each ikev2_build_*() appends
 * one payload and patches the previous next-payload field, ikev2_build_finish()
 * patches the message length. Failures are sticky (check finish's result). */
#ifndef IKEFLOW_IKEV2_MSG_H
#define IKEFLOW_IKEV2_MSG_H

#include <stddef.h>
#include <stdint.h>

#include "common/addr.h"
#include "common/buf.h"
#include "keying/ike_payload_walk.h"
#include "keying/ike_wire.h"
#include "keying/ikev2_const.h"
#include "keying/ikev2_proposal.h"

#define IKEV2_MAX_PAYLOADS	48	/* per chain */
#define IKEV2_MAX_TS		16
#define IKEV2_MAX_CP_ATTRS	32
#define IKEV2_MAX_MSG		65535

/* One payload of a chain, unparsed. */
struct ikev2_pl {
	uint8_t		type;
	uint8_t		next;		/* raw next-payload field; SK/SKF: first inner type */
	uint8_t		critical;
	const uint8_t	*body;		/* after the generic header */
	size_t		len;		/* body length */
	size_t		off;		/* offset of the generic header in its buffer */
};

struct ikev2_chain {
	size_t		n;
	struct ikev2_pl	pl[IKEV2_MAX_PAYLOADS];
};

struct ikev2_msg {
	struct ike_hdr	 hdr;
	/* raw: the ICV covers raw->data[0..len-icv); plain: the decrypted
	 * SK contents */
	struct ike_msg_bufs	 bufs;
	struct ikev2_chain	 outer;
	const struct ikev2_pl	*sk;	/* SK or SKF (always last in outer), or NULL */
	struct ikev2_chain	 inner;
};

/* Header only (e.g. to find the IKE SA before parsing further). 0 / -1;
 * h is filled whenever len >= IKEV2_HDR_LEN, so after a failed
 * ikev2_msg_parse() the engine can still read SPIs, exchange and message ID
 * to answer (INVALID_MAJOR_VERSION, UNSUPPORTED_CRITICAL_PAYLOAD). */
int	ikev2_hdr_parse(const uint8_t *p, size_t len, struct ike_hdr *h,
	    struct ike_perr *err);
/* Whole datagram; NULL on error (err filled). */
struct ikev2_msg *ikev2_msg_parse(const uint8_t *p, size_t len, struct ike_perr *err);
void	ikev2_msg_free(struct ikev2_msg *m);
/* A payload chain starting with type first; payloads point into p. 0 / -1. */
int	ikev2_chain_parse(const uint8_t *p, size_t len, uint8_t first,
	    struct ikev2_chain *c, struct ike_perr *err);
/* Takes ownership of plain (even on error) and parses it as the inner chain,
 * first payload type first (m->sk->next for SK; fragment 1's for SKF). */
int	ikev2_msg_set_inner(struct ikev2_msg *m, struct buf *plain, uint8_t first,
	    struct ike_perr *err);
/* The idx-th payload of a type, outer chain first, then inner; NULL if none. */
const struct ikev2_pl *ikev2_msg_get(const struct ikev2_msg *m, uint8_t type, size_t idx);
size_t	ikev2_msg_count(const struct ikev2_msg *m, uint8_t type);

/* ---- typed payloads: ikev2_pl_*() parse a payload body, 0 / -1 ---- */

struct ikev2_ke {
	uint16_t	group;
	const uint8_t	*data;
	size_t		len;
};

struct ikev2_id {
	uint8_t		type;		/* IKEV2_ID_* */
	const uint8_t	*data;
	size_t		len;
};

struct ikev2_auth {
	uint8_t		method;		/* IKEV2_AUTH_* */
	const uint8_t	*data;
	size_t		len;
};

struct ikev2_nonce {
	const uint8_t	*data;
	size_t		len;
};

struct ikev2_notify {
	uint8_t		proto;
	uint8_t		spi_size;
	uint8_t		spi[8];
	uint16_t	type;		/* IKEV2_N_* */
	const uint8_t	*data;
	size_t		len;
};

struct ikev2_ts {
	uint8_t		type;		/* IKEV2_TS_IPV4/6_ADDR_RANGE */
	uint8_t		proto;		/* IP protocol, 0 = any */
	uint16_t	sport, eport;
	struct ifl_addr	start, end;
};

struct ikev2_tsp {
	size_t		n;
	struct ikev2_ts	ts[IKEV2_MAX_TS];
};

struct ikev2_cp_attr {
	uint16_t	type;
	uint16_t	len;
	const uint8_t	*val;
};

struct ikev2_cp {
	uint8_t		type;		/* IKEV2_CFG_* */
	size_t		nattr;
	struct ikev2_cp_attr attr[IKEV2_MAX_CP_ATTRS];
};

struct ikev2_cert {			/* CERT and CERTREQ */
	uint8_t		encoding;
	const uint8_t	*data;
	size_t		len;
};

struct ikev2_skf {
	uint16_t	num;		/* 1..total */
	uint16_t	total;
	const uint8_t	*data;		/* IV | ciphertext | ICV */
	size_t		len;
};

/* SA: strict syntax (lengths, substructure markers, numbering 1, 2, ...,
 * SPI sizes 0/4/8, transform counts). Proposals we cannot use (unknown
 * transform type or attribute, more than IKEV2_PROP_XF_MAX transforms) are
 * left out of the list, as RFC 7296 §3.3.6 asks; their numbers stay unused.
 * Usable proposals beyond IKEV2_PROP_MAX are dropped the same way. */
int	ikev2_pl_sa(const struct ikev2_pl *p, struct ikev2_prop_list *sa,
	    struct ike_perr *err);
int	ikev2_pl_ke(const struct ikev2_pl *p, struct ikev2_ke *ke, struct ike_perr *err);
int	ikev2_pl_id(const struct ikev2_pl *p, struct ikev2_id *id, struct ike_perr *err);
int	ikev2_pl_auth(const struct ikev2_pl *p, struct ikev2_auth *a, struct ike_perr *err);
int	ikev2_pl_nonce(const struct ikev2_pl *p, struct ikev2_nonce *n, struct ike_perr *err);
int	ikev2_pl_notify(const struct ikev2_pl *p, struct ikev2_notify *n, struct ike_perr *err);
int	ikev2_pl_delete(const struct ikev2_pl *p, struct ike_delete *d, struct ike_perr *err);
int	ikev2_pl_ts(const struct ikev2_pl *p, struct ikev2_tsp *t, struct ike_perr *err);
int	ikev2_pl_vendor(const struct ikev2_pl *p, struct ikev2_nonce *v, struct ike_perr *err);
int	ikev2_pl_cp(const struct ikev2_pl *p, struct ikev2_cp *cp, struct ike_perr *err);
int	ikev2_pl_cert(const struct ikev2_pl *p, struct ikev2_cert *c, struct ike_perr *err);
int	ikev2_pl_skf(const struct ikev2_pl *p, struct ikev2_skf *f, struct ike_perr *err);
/* Syntax check of any payload by its type (unknown types pass). */
int	ikev2_pl_check(const struct ikev2_pl *p, struct ike_perr *err);
/* Room for what any typed parser fills: a payload of any type can be
 * checked in one place. */
union ikev2_pl_any {
	struct ikev2_prop_list	sa;
	struct ikev2_ke		ke;
	struct ikev2_id		id;
	struct ikev2_auth	auth;
	struct ikev2_nonce	nonce;
	struct ikev2_notify	n;
	struct ike_delete	d;
	struct ikev2_tsp	ts;
	struct ikev2_cp		cp;
	struct ikev2_cert	cert;
	struct ikev2_skf	skf;
};

/* Convenience over a parsed message: 1 found (n filled), 0 not present. */
int	ikev2_msg_notify(const struct ikev2_msg *m, uint16_t type, struct ikev2_notify *n);
/* The first error notify (type < 16384) in the message, or 0. */
uint16_t ikev2_msg_error_notify(const struct ikev2_msg *m);

/* SPI of a proposal or notify as a number (0 when spi_size is 0). */
uint64_t ikev2_spi_value(const uint8_t *spi, uint8_t spi_size);
void	ikev2_spi_put(uint8_t spi[8], uint8_t spi_size, uint64_t v);

/* Identity as text: dotted quad / IPv6 / FQDN / RFC822 as is; KEY_ID and
 * anything else as hex. Non-printable bytes in names become '?'. */
const char *ikev2_id_str(const struct ikev2_id *id, char *dst, size_t len);
const char *ikev2_ts_str(const struct ikev2_ts *ts, char *dst, size_t len);

/* ---- building ---- */

/* The builder is both versions' (keying/ike_wire.h): a bare chain, the
 * plaintext of SK/SKF, is started by ike_build_chain. */

/* Starts a message in b (appending); h->next and h->length are patched. */
void	ikev2_build_msg(struct ike_builder *bl, struct buf *b, const struct ike_hdr *h);
/* Patches the message length. 0, or -1 if anything failed on the way. */
int	ikev2_build_finish(struct ike_builder *bl);

int	ikev2_build_raw(struct ike_builder *bl, uint8_t type, int critical,
	    const void *body, size_t len);
/* Proposals are written with their own numbers (a reply keeps the chosen one). */
int	ikev2_build_sa(struct ike_builder *bl, const struct ikev2_prop_list *sa);
int	ikev2_build_ke(struct ike_builder *bl, uint16_t group, const void *data, size_t len);
/* type: IKEV2_PL_IDI or IKEV2_PL_IDR */
int	ikev2_build_id(struct ike_builder *bl, uint8_t type, const struct ikev2_id *id);
int	ikev2_build_auth(struct ike_builder *bl, uint8_t method, const void *data, size_t len);
int	ikev2_build_nonce(struct ike_builder *bl, const void *data, size_t len);
int	ikev2_build_notify(struct ike_builder *bl, const struct ikev2_notify *n);
/* A notify without SPI (proto 0) */
int	ikev2_build_notify_simple(struct ike_builder *bl, uint16_t type,
	    const void *data, size_t len);
int	ikev2_build_delete(struct ike_builder *bl, const struct ike_delete *d);
/* Delete of ESP/AH SPIs (host order) */
int	ikev2_build_delete_spis(struct ike_builder *bl, uint8_t proto,
	    const uint32_t *spis, uint16_t n);
/* type: IKEV2_PL_TSI or IKEV2_PL_TSR */
int	ikev2_build_ts(struct ike_builder *bl, uint8_t type, const struct ikev2_tsp *t);
int	ikev2_build_vendor(struct ike_builder *bl, const void *data, size_t len);
int	ikev2_build_cp(struct ike_builder *bl, const struct ikev2_cp *cp);
/* type: IKEV2_PL_CERT or IKEV2_PL_CERTREQ */
int	ikev2_build_cert(struct ike_builder *bl, uint8_t type, const struct ikev2_cert *c);
/* Appends the generic header of an SK payload (SKF: plus fragment number
 * and total) whose next-payload is inner_first, and closes the chain.
 * Returns its offset in b for ikev2_sk_encrypt(), or -1. Call
 * ikev2_build_finish() first: ikev2_sk_encrypt() appends the body and
 * patches both lengths itself. */
long	ikev2_build_sk(struct ike_builder *bl, uint8_t inner_first);
long	ikev2_build_skf(struct ike_builder *bl, uint8_t inner_first, uint16_t num,
	    uint16_t total);

/* ---- NAT detection (RFC 7296 §2.23): SHA1(SPIi | SPIr | IP | port) ---- */
int	ikev2_natd_hash(uint64_t ispi, uint64_t rspi, const struct ifl_addr *a,
	    uint16_t port, uint8_t out[IKEV2_NATD_LEN]);

/* ---- fragment reassembly (RFC 7383), on decrypted fragment contents ---- */

#define IKEV2_FRAG_MAX		64

struct ikev2_reasm {
	uint32_t	 msgid;
	uint16_t	 total;		/* 0 = nothing collected yet */
	uint16_t	 have;
	uint8_t		 first;		/* fragment 1's next-payload */
	size_t		 size;
	uint16_t	 max_frags;
	size_t		 max_size;
	struct buf	*part[IKEV2_FRAG_MAX];
};

void	ikev2_reasm_init(struct ikev2_reasm *r, uint32_t msgid, uint16_t max_frags,
	    size_t max_size);
/* 1 = complete, 0 = more needed (or a duplicate / stale fragment ignored),
 * -1 = over the limits or inconsistent (set cleared). */
int	ikev2_reasm_add(struct ikev2_reasm *r, uint16_t num, uint16_t total,
	    uint8_t next, const uint8_t *plain, size_t len);
/* The reassembled plaintext (secret buf, caller frees) and its first payload
 * type; the set is cleared. NULL if not complete. */
struct buf *ikev2_reasm_take(struct ikev2_reasm *r, uint8_t *first);
void	ikev2_reasm_clear(struct ikev2_reasm *r);

#endif
