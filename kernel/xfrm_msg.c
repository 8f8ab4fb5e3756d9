#include "config.h"

#include <errno.h>
#include <string.h>
#include <arpa/inet.h>
#include <netinet/in.h>

#include <libmnl/libmnl.h>

#include "common/buf.h"
#include "kernel/xfrm_algs.h"
#include "kernel/xfrm_msg.h"

void
xfrm_addr_to_kernel(const struct ifl_addr *a, xfrm_address_t *x)
{
	memset(x, 0, sizeof(*x));
	if (a != NULL)
		memcpy(x, a->u.raw, addr_len(a));
}

void
xfrm_addr_from_kernel(const xfrm_address_t *x, uint16_t family, struct ifl_addr *a)
{
	memset(a, 0, sizeof(*a));
	if (family == AF_INET) {
		a->family = AF_INET;
		memcpy(a->u.raw, x, 4);
	} else if (family == AF_INET6) {
		a->family = AF_INET6;
		memcpy(a->u.raw, x, 16);
	}
}

const char *
xfrm_pol_dir_name(enum xfrm_pol_dir dir)
{
	switch (dir) {
	case IFL_XFRM_IN:	return "in";
	case IFL_XFRM_OUT:	return "out";
	case IFL_XFRM_FWD:	return "fwd";
	}
	return "?";
}

const char *
xfrm_msg_type_name(uint16_t type)
{
	switch (type) {
	case XFRM_MSG_NEWSA:		return "NEWSA";
	case XFRM_MSG_DELSA:		return "DELSA";
	case XFRM_MSG_GETSA:		return "GETSA";
	case XFRM_MSG_UPDSA:		return "UPDSA";
	case XFRM_MSG_ALLOCSPI:		return "ALLOCSPI";
	case XFRM_MSG_ACQUIRE:		return "ACQUIRE";
	case XFRM_MSG_EXPIRE:		return "EXPIRE";
	case XFRM_MSG_NEWPOLICY:	return "NEWPOLICY";
	case XFRM_MSG_DELPOLICY:	return "DELPOLICY";
	case XFRM_MSG_GETPOLICY:	return "GETPOLICY";
	case XFRM_MSG_UPDPOLICY:	return "UPDPOLICY";
	case XFRM_MSG_POLEXPIRE:	return "POLEXPIRE";
	case XFRM_MSG_FLUSHSA:		return "FLUSHSA";
	case XFRM_MSG_FLUSHPOLICY:	return "FLUSHPOLICY";
	case XFRM_MSG_MAPPING:		return "MAPPING";
	}
	return "?";
}

static struct nlmsghdr *
msg_start(void *buf, size_t len, uint16_t type, uint16_t flags, size_t body)
{
	struct nlmsghdr *nlh;

	if (len < MNL_NLMSG_HDRLEN + MNL_ALIGN(body)) {
		errno = EMSGSIZE;
		return NULL;
	}
	memset(buf, 0, MNL_NLMSG_HDRLEN + MNL_ALIGN(body));
	nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = NLM_F_REQUEST | flags;
	mnl_nlmsg_put_extra_header(nlh, body);
	return nlh;
}

/* mnl_attr_put cannot fail softly, so check the room first. */
static int
put_attr(struct nlmsghdr *nlh, size_t buflen, uint16_t type, size_t len, const void *data)
{
	if (!mnl_attr_put_check(nlh, buflen, type, len, data)) {
		errno = EMSGSIZE;
		return -1;
	}
	return 0;
}

static void
selector_from_subnets(struct xfrm_selector *sel, const struct ifl_subnet *src,
    const struct ifl_subnet *dst, uint8_t proto, uint16_t sport, uint16_t dport)
{
	struct ifl_addr lo, hi;

	memset(sel, 0, sizeof(*sel));
	sel->family = src->addr.family ? src->addr.family : dst->addr.family;
	if (src->addr.family) {
		subnet_range(src, &lo, &hi);
		xfrm_addr_to_kernel(&lo, &sel->saddr);
		sel->prefixlen_s = src->plen;
	}
	if (dst->addr.family) {
		subnet_range(dst, &lo, &hi);
		xfrm_addr_to_kernel(&lo, &sel->daddr);
		sel->prefixlen_d = dst->plen;
	}
	sel->proto = proto;
	if (sport) {
		sel->sport = htons(sport);
		sel->sport_mask = 0xffff;
	}
	if (dport) {
		sel->dport = htons(dport);
		sel->dport_mask = 0xffff;
	}
}

static uint64_t
lim(uint64_t v)
{
	return v ? v : XFRM_INF;
}

/* The algorithm attributes carry key material: they are built in place in
 * the caller's buffer (wiped by the caller after sending), never copied. */
static int
put_algs(struct nlmsghdr *nlh, size_t buflen, const struct xfrm_sa_cfg *sa)
{
	const struct xfrm_alg *e, *i = NULL;
	struct nlattr *attr;
	size_t need;

	e = xfrm_alg_encr(sa->encr, sa->encr_keylen);
	if (e == NULL || sa->encr_key_len != xfrm_alg_keymat(e))
		goto inval;
	if (e->aead && sa->integ != 0)
		goto inval;
	if (!e->aead) {
		i = xfrm_alg_integ(sa->integ);
		if (i == NULL || sa->integ_key_len != xfrm_alg_keymat(i))
			goto inval;
	}

	if (e->aead) {
		struct xfrm_algo_aead *a;

		need = sizeof(*a) + sa->encr_key_len;
		if (mnl_nlmsg_size(MNL_ALIGN(nlh->nlmsg_len) + MNL_ATTR_HDRLEN + need) > buflen)
			goto size;
		attr = (struct nlattr *)((char *)nlh + MNL_ALIGN(nlh->nlmsg_len));
		attr->nla_type = XFRMA_ALG_AEAD;
		attr->nla_len = MNL_ATTR_HDRLEN + need;
		a = mnl_attr_get_payload(attr);
		memset(a, 0, sizeof(*a));
		strncpy(a->alg_name, e->name, sizeof(a->alg_name) - 1);
		a->alg_key_len = sa->encr_key_len * 8;
		a->alg_icv_len = e->trunc_bits;
		memcpy(a->alg_key, sa->encr_key, sa->encr_key_len);
		nlh->nlmsg_len = MNL_ALIGN(nlh->nlmsg_len) + MNL_ALIGN(attr->nla_len);
		return 0;
	} else {
		struct xfrm_algo *c;
		struct xfrm_algo_auth *au;

		need = sizeof(*c) + sa->encr_key_len;
		if (mnl_nlmsg_size(MNL_ALIGN(nlh->nlmsg_len) + 2 * MNL_ATTR_HDRLEN + need +
		    sizeof(*au) + sa->integ_key_len + 8) > buflen)
			goto size;
		attr = (struct nlattr *)((char *)nlh + MNL_ALIGN(nlh->nlmsg_len));
		attr->nla_type = XFRMA_ALG_CRYPT;
		attr->nla_len = MNL_ATTR_HDRLEN + need;
		c = mnl_attr_get_payload(attr);
		memset(c, 0, sizeof(*c));
		strncpy(c->alg_name, e->name, sizeof(c->alg_name) - 1);
		c->alg_key_len = sa->encr_key_len * 8;
		memcpy(c->alg_key, sa->encr_key, sa->encr_key_len);
		nlh->nlmsg_len = MNL_ALIGN(nlh->nlmsg_len) + MNL_ALIGN(attr->nla_len);

		need = sizeof(*au) + sa->integ_key_len;
		attr = (struct nlattr *)((char *)nlh + MNL_ALIGN(nlh->nlmsg_len));
		attr->nla_type = XFRMA_ALG_AUTH_TRUNC;
		attr->nla_len = MNL_ATTR_HDRLEN + need;
		au = mnl_attr_get_payload(attr);
		memset(au, 0, sizeof(*au));
		strncpy(au->alg_name, i->name, sizeof(au->alg_name) - 1);
		au->alg_key_len = sa->integ_key_len * 8;
		au->alg_trunc_len = i->trunc_bits;
		memcpy(au->alg_key, sa->integ_key, sa->integ_key_len);
		nlh->nlmsg_len = MNL_ALIGN(nlh->nlmsg_len) + MNL_ALIGN(attr->nla_len);
		return 0;
	}
inval:
	errno = EINVAL;
	return -1;
size:
	errno = EMSGSIZE;
	return -1;
}

struct nlmsghdr *
xfrm_msg_sa(void *buf, size_t len, uint16_t type, const struct xfrm_sa_cfg *sa)
{
	struct nlmsghdr *nlh;
	struct xfrm_usersa_info *p;
	uint32_t win = sa->replay_window ? sa->replay_window : IFL_XFRM_REPLAY_WINDOW;

	if (sa->src.family == 0 || sa->src.family != sa->dst.family) {
		errno = EAFNOSUPPORT;
		return NULL;
	}
	nlh = msg_start(buf, len, type, NLM_F_ACK, sizeof(*p));
	if (nlh == NULL)
		return NULL;
	p = mnl_nlmsg_get_payload(nlh);
	p->family = sa->dst.family;
	xfrm_addr_to_kernel(&sa->dst, &p->id.daddr);
	xfrm_addr_to_kernel(&sa->src, &p->saddr);
	p->id.spi = htonl(sa->spi);
	p->id.proto = sa->proto ? sa->proto : IPPROTO_ESP;
	p->reqid = sa->reqid;
	p->mode = sa->transport ? XFRM_MODE_TRANSPORT : XFRM_MODE_TUNNEL;
	if (sa->transport && (sa->sel_src.addr.family || sa->sel_dst.addr.family))
		selector_from_subnets(&p->sel, &sa->sel_src, &sa->sel_dst,
		    sa->sel_proto, 0, 0);
	else if (sa->transport || sa->inner_family == 0)
		p->sel.family = sa->dst.family;
	else if (sa->inner_family == IFL_XFRM_BOTH_FAMILIES) {
		/* both inner modes; without the flag the kernel would make
		 * an unspecified selector family the outer one */
		p->sel.family = AF_UNSPEC;
		p->flags |= XFRM_STATE_AF_UNSPEC;
	} else
		p->sel.family = sa->inner_family;
	p->lft.soft_byte_limit = lim(sa->soft_bytes);
	p->lft.hard_byte_limit = lim(sa->hard_bytes);
	p->lft.soft_packet_limit = lim(sa->soft_packets);
	p->lft.hard_packet_limit = lim(sa->hard_packets);
	p->lft.soft_add_expires_seconds = sa->soft_sec;
	p->lft.hard_add_expires_seconds = sa->hard_sec;

	/* The legacy window is a u8; larger windows and ESN need the ESN struct
	 * (with the legacy field left 0, or the kernel refuses). */
	if (sa->esn || win > 255) {
		/* the struct ends in a flexible bitmap: build it in plain words */
		uint32_t r[sizeof(struct xfrm_replay_state_esn) / 4 + XFRMA_REPLAY_ESN_MAX / 32];
		struct xfrm_replay_state_esn esn;
		size_t bmp_len;

		if (win > XFRMA_REPLAY_ESN_MAX) {
			errno = EINVAL;
			return NULL;
		}
		bmp_len = (win + 31) / 32;
		memset(r, 0, sizeof(r));
		memset(&esn, 0, sizeof(esn));
		esn.replay_window = win;
		esn.bmp_len = bmp_len;
		memcpy(r, &esn, sizeof(esn));
		if (sa->esn)
			p->flags |= XFRM_STATE_ESN;
		if (put_attr(nlh, len, XFRMA_REPLAY_ESN_VAL,
		    sizeof(esn) + bmp_len * sizeof(uint32_t), r) < 0)
			return NULL;
	} else
		p->replay_window = win;

	if (sa->encap) {
		struct xfrm_encap_tmpl enc;

		memset(&enc, 0, sizeof(enc));
		enc.encap_type = 2;	/* UDP_ENCAP_ESPINUDP */
		enc.encap_sport = htons(sa->encap_sport);
		enc.encap_dport = htons(sa->encap_dport);
		if (put_attr(nlh, len, XFRMA_ENCAP, sizeof(enc), &enc) < 0)
			return NULL;
	}
	if (put_algs(nlh, len, sa) < 0)
		return NULL;
	return nlh;
}

struct nlmsghdr *
xfrm_msg_allocspi(void *buf, size_t len, const struct ifl_addr *src,
    const struct ifl_addr *dst, uint8_t proto, uint32_t reqid, uint32_t min,
    uint32_t max)
{
	struct nlmsghdr *nlh;
	struct xfrm_userspi_info *p;

	if (dst->family == 0 || src->family != dst->family || min > max) {
		errno = EINVAL;
		return NULL;
	}
	nlh = msg_start(buf, len, XFRM_MSG_ALLOCSPI, 0, sizeof(*p));
	if (nlh == NULL)
		return NULL;
	p = mnl_nlmsg_get_payload(nlh);
	p->info.family = dst->family;
	p->info.sel.family = dst->family;
	xfrm_addr_to_kernel(dst, &p->info.id.daddr);
	xfrm_addr_to_kernel(src, &p->info.saddr);
	p->info.id.proto = proto ? proto : IPPROTO_ESP;
	p->info.reqid = reqid;
	p->info.mode = XFRM_MODE_TUNNEL;
	p->info.lft.soft_byte_limit = XFRM_INF;
	p->info.lft.hard_byte_limit = XFRM_INF;
	p->info.lft.soft_packet_limit = XFRM_INF;
	p->info.lft.hard_packet_limit = XFRM_INF;
	p->min = min;
	p->max = max;
	return nlh;
}

struct nlmsghdr *
xfrm_msg_sa_id(void *buf, size_t len, uint16_t type, const struct ifl_addr *src,
    const struct ifl_addr *dst, uint8_t proto, uint32_t spi)
{
	struct nlmsghdr *nlh;
	struct xfrm_usersa_id *id;

	if (dst->family == 0) {
		errno = EINVAL;
		return NULL;
	}
	nlh = msg_start(buf, len, type, type == XFRM_MSG_DELSA ? NLM_F_ACK : 0,
	    sizeof(*id));
	if (nlh == NULL)
		return NULL;
	id = mnl_nlmsg_get_payload(nlh);
	xfrm_addr_to_kernel(dst, &id->daddr);
	id->spi = htonl(spi);
	id->family = dst->family;
	id->proto = proto ? proto : IPPROTO_ESP;
	if (src != NULL && src->family == dst->family) {
		xfrm_address_t s;

		xfrm_addr_to_kernel(src, &s);
		if (put_attr(nlh, len, XFRMA_SRCADDR, sizeof(s), &s) < 0)
			return NULL;
	}
	return nlh;
}

struct nlmsghdr *
xfrm_msg_policy(void *buf, size_t len, uint16_t type, const struct xfrm_pol_cfg *pc)
{
	struct nlmsghdr *nlh;
	struct xfrm_userpolicy_info *p;
	struct xfrm_user_tmpl t;

	if (pc->src.addr.family == 0 || pc->src.addr.family != pc->dst.addr.family ||
	    pc->dir > IFL_XFRM_FWD) {
		errno = EINVAL;
		return NULL;
	}
	nlh = msg_start(buf, len, type, NLM_F_ACK, sizeof(*p));
	if (nlh == NULL)
		return NULL;
	p = mnl_nlmsg_get_payload(nlh);
	selector_from_subnets(&p->sel, &pc->src, &pc->dst, pc->proto, pc->sport, pc->dport);
	p->lft.soft_byte_limit = XFRM_INF;
	p->lft.hard_byte_limit = XFRM_INF;
	p->lft.soft_packet_limit = XFRM_INF;
	p->lft.hard_packet_limit = XFRM_INF;
	p->priority = pc->priority ? pc->priority : xfrm_policy_priority(pc);
	p->dir = pc->dir;
	p->action = XFRM_POLICY_ALLOW;
	p->share = XFRM_SHARE_ANY;

	memset(&t, 0, sizeof(t));
	t.id.proto = pc->tmpl_proto ? pc->tmpl_proto : IPPROTO_ESP;
	t.reqid = pc->reqid;
	t.mode = pc->transport ? XFRM_MODE_TRANSPORT : XFRM_MODE_TUNNEL;
	t.aalgos = t.ealgos = t.calgos = ~0u;
	if (pc->transport) {
		t.family = pc->src.addr.family;
	} else {
		if (pc->tmpl_dst.family == 0 || pc->tmpl_src.family != pc->tmpl_dst.family) {
			errno = EINVAL;
			return NULL;
		}
		t.family = pc->tmpl_dst.family;
		xfrm_addr_to_kernel(&pc->tmpl_dst, &t.id.daddr);
		xfrm_addr_to_kernel(&pc->tmpl_src, &t.saddr);
	}
	if (put_attr(nlh, len, XFRMA_TMPL, sizeof(t), &t) < 0)
		return NULL;
	return nlh;
}

struct nlmsghdr *
xfrm_msg_policy_del(void *buf, size_t len, const struct xfrm_pol_cfg *pc)
{
	struct nlmsghdr *nlh;
	struct xfrm_userpolicy_id *id;

	if (pc->src.addr.family == 0 || pc->dir > IFL_XFRM_FWD) {
		errno = EINVAL;
		return NULL;
	}
	nlh = msg_start(buf, len, XFRM_MSG_DELPOLICY, NLM_F_ACK, sizeof(*id));
	if (nlh == NULL)
		return NULL;
	id = mnl_nlmsg_get_payload(nlh);
	selector_from_subnets(&id->sel, &pc->src, &pc->dst, pc->proto, pc->sport, pc->dport);
	id->dir = pc->dir;
	return nlh;
}

struct nlmsghdr *
xfrm_msg_migrate(void *buf, size_t len, const struct ifl_subnet *src,
    const struct ifl_subnet *dst, uint8_t proto, uint16_t sport, uint16_t dport,
    enum xfrm_pol_dir dir, int transport, uint32_t reqid,
    const struct ifl_addr *osrc, const struct ifl_addr *odst,
    const struct ifl_addr *nsrc, const struct ifl_addr *ndst,
    int encap, uint16_t encap_sport, uint16_t encap_dport)
{
	struct nlmsghdr *nlh;
	struct xfrm_userpolicy_id *id;
	struct xfrm_user_migrate um;

	if (src->addr.family == 0 || dir > IFL_XFRM_FWD || osrc->family == 0 ||
	    osrc->family != odst->family || nsrc->family == 0 ||
	    nsrc->family != ndst->family) {
		errno = EINVAL;
		return NULL;
	}
	nlh = msg_start(buf, len, XFRM_MSG_MIGRATE, NLM_F_ACK, sizeof(*id));
	if (nlh == NULL)
		return NULL;
	id = mnl_nlmsg_get_payload(nlh);
	selector_from_subnets(&id->sel, src, dst, proto, sport, dport);
	id->dir = dir;
	memset(&um, 0, sizeof(um));
	xfrm_addr_to_kernel(odst, &um.old_daddr);
	xfrm_addr_to_kernel(osrc, &um.old_saddr);
	xfrm_addr_to_kernel(ndst, &um.new_daddr);
	xfrm_addr_to_kernel(nsrc, &um.new_saddr);
	um.proto = IPPROTO_ESP;
	um.mode = transport ? XFRM_MODE_TRANSPORT : XFRM_MODE_TUNNEL;
	um.reqid = reqid;
	um.old_family = osrc->family;
	um.new_family = nsrc->family;
	if (put_attr(nlh, len, XFRMA_MIGRATE, sizeof(um), &um) < 0)
		return NULL;
	if (encap) {
		struct xfrm_encap_tmpl enc;

		memset(&enc, 0, sizeof(enc));
		enc.encap_type = 2;	/* UDP_ENCAP_ESPINUDP */
		enc.encap_sport = htons(encap_sport);
		enc.encap_dport = htons(encap_dport);
		if (put_attr(nlh, len, XFRMA_ENCAP, sizeof(enc), &enc) < 0)
			return NULL;
	}
	return nlh;
}

struct nlmsghdr *
xfrm_msg_dump(void *buf, size_t len, uint16_t type)
{
	/* No body: the SA dump parses what follows the header as its optional
	 * filter attributes, and a zeroed struct there only draws a warning. */
	return msg_start(buf, len, type, NLM_F_DUMP, 0);
}

/* ---- parsing ---- */

/* libmnl walks attributes up to the ALIGNED end of a message; the kernel
 * always pads, so an unaligned length can only be a damaged message. */
static int
msg_sane(const struct nlmsghdr *nlh)
{
	return nlh->nlmsg_len >= MNL_NLMSG_HDRLEN &&
	    (nlh->nlmsg_len & (MNL_ALIGNTO - 1)) == 0;
}

/* Netlink aligns to 4 bytes only; the kernel structs hold u64s, so they are
 * copied out before their fields are read. */
static void
sa_from_info(const void *raw, struct xfrm_sa_info *sa)
{
	struct xfrm_usersa_info info, *p = &info;

	memcpy(&info, raw, sizeof(info));
	memset(sa, 0, sizeof(*sa));
	xfrm_addr_from_kernel(&p->saddr, p->family, &sa->src);
	xfrm_addr_from_kernel(&p->id.daddr, p->family, &sa->dst);
	sa->spi = ntohl(p->id.spi);
	sa->proto = p->id.proto;
	sa->mode = p->mode;
	sa->reqid = p->reqid;
	sa->bytes = p->curlft.bytes;
	sa->packets = p->curlft.packets;
	sa->add_time = p->curlft.add_time;
	sa->use_time = p->curlft.use_time;
	sa->replay_window = p->stats.replay_window;
	sa->replay = p->stats.replay;
	sa->integrity_failed = p->stats.integrity_failed;
	sa->esn = (p->flags & XFRM_STATE_ESN) != 0;
	sa->soft_sec = p->lft.soft_add_expires_seconds;
	sa->hard_sec = p->lft.hard_add_expires_seconds;
	sa->soft_bytes = p->lft.soft_byte_limit == XFRM_INF ? 0 : p->lft.soft_byte_limit;
	sa->hard_bytes = p->lft.hard_byte_limit == XFRM_INF ? 0 : p->lft.hard_byte_limit;
}

struct sa_attrs {
	const struct nlattr *lastused, *sa, *crypt, *aead, *auth, *auth_trunc, *encap;
};

/* The algorithm names of an SA (never its keys): IKEv2 transform IDs. */
static void
sa_algs(const struct sa_attrs *a, struct xfrm_sa_info *sa)
{
	const struct xfrm_alg *x;
	char name[sizeof(((struct xfrm_algo *)0)->alg_name)];

	if (a->aead != NULL &&
	    mnl_attr_get_payload_len(a->aead) >= sizeof(struct xfrm_algo_aead)) {
		struct xfrm_algo_aead h;

		memcpy(&h, mnl_attr_get_payload(a->aead), sizeof(h));
		memcpy(name, h.alg_name, sizeof(name));
		name[sizeof(name) - 1] = '\0';
		if ((x = xfrm_alg_encr_by_name(name, h.alg_key_len, h.alg_icv_len)) != NULL) {
			sa->encr = x->id;
			sa->encr_keylen = x->key_bits;
		}
	}
	if (a->crypt != NULL &&
	    mnl_attr_get_payload_len(a->crypt) >= sizeof(struct xfrm_algo)) {
		struct xfrm_algo h;

		memcpy(&h, mnl_attr_get_payload(a->crypt), sizeof(h));
		memcpy(name, h.alg_name, sizeof(name));
		name[sizeof(name) - 1] = '\0';
		if ((x = xfrm_alg_encr_by_name(name, h.alg_key_len, 0)) != NULL) {
			sa->encr = x->id;
			sa->encr_keylen = x->key_bits;
		}
	}
	if (a->auth_trunc != NULL &&
	    mnl_attr_get_payload_len(a->auth_trunc) >= sizeof(struct xfrm_algo_auth)) {
		struct xfrm_algo_auth h;

		memcpy(&h, mnl_attr_get_payload(a->auth_trunc), sizeof(h));
		memcpy(name, h.alg_name, sizeof(name));
		name[sizeof(name) - 1] = '\0';
		if ((x = xfrm_alg_integ_by_name(name)) != NULL && x->trunc_bits == h.alg_trunc_len)
			sa->integ = x->id;
	} else if (a->auth != NULL &&
	    mnl_attr_get_payload_len(a->auth) >= sizeof(struct xfrm_algo)) {
		struct xfrm_algo h;

		memcpy(&h, mnl_attr_get_payload(a->auth), sizeof(h));
		memcpy(name, h.alg_name, sizeof(name));
		name[sizeof(name) - 1] = '\0';
		/* without a truncation attribute, the kernel truncates to 96 bits */
		if ((x = xfrm_alg_integ_by_name(name)) != NULL && x->trunc_bits == 96)
			sa->integ = x->id;
	}
	sa->encap = a->encap != NULL;
}

static int
sa_attr_cb(const struct nlattr *attr, void *data)
{
	struct sa_attrs *a = data;

	switch (mnl_attr_get_type(attr)) {
	case XFRMA_LASTUSED:
		if (mnl_attr_get_payload_len(attr) >= sizeof(uint64_t))
			a->lastused = attr;
		break;
	case XFRMA_SA:
		if (mnl_attr_get_payload_len(attr) >= sizeof(struct xfrm_usersa_info))
			a->sa = attr;
		break;
	case XFRMA_ALG_CRYPT:
		a->crypt = attr;
		break;
	case XFRMA_ALG_AEAD:
		a->aead = attr;
		break;
	case XFRMA_ALG_AUTH:
		a->auth = attr;
		break;
	case XFRMA_ALG_AUTH_TRUNC:
		a->auth_trunc = attr;
		break;
	case XFRMA_ENCAP:
		a->encap = attr;
		break;
	}
	return MNL_CB_OK;
}

int
xfrm_msg_parse_sa(const struct nlmsghdr *nlh, struct xfrm_sa_info *sa, int *hard)
{
	size_t plen = mnl_nlmsg_get_payload_len(nlh);
	const void *body = mnl_nlmsg_get_payload(nlh);
	struct sa_attrs a;
	size_t off;

	memset(&a, 0, sizeof(a));
	if (hard != NULL)
		*hard = 0;
	if (!msg_sane(nlh))
		return -EBADMSG;
	switch (nlh->nlmsg_type) {
	case XFRM_MSG_NEWSA:
	case XFRM_MSG_UPDSA:
		off = sizeof(struct xfrm_usersa_info);
		if (plen < off)
			return -EBADMSG;
		sa_from_info(body, sa);
		break;
	case XFRM_MSG_EXPIRE:
		off = sizeof(struct xfrm_user_expire);
		if (plen < off)
			return -EBADMSG;
		sa_from_info((const char *)body +
		    offsetof(struct xfrm_user_expire, state), sa);
		if (hard != NULL)
			*hard = *((const uint8_t *)body +
			    offsetof(struct xfrm_user_expire, hard)) != 0;
		break;
	case XFRM_MSG_DELSA: {
		const struct xfrm_usersa_id *id = body;

		off = sizeof(*id);
		if (plen < off)
			return -EBADMSG;
		/* A delete notification carries the whole SA with its final
		 * counters in XFRMA_SA; without it only the id is known. */
		if (mnl_attr_parse(nlh, off, sa_attr_cb, &a) < 0)
			return -EBADMSG;
		if (a.sa != NULL) {
			sa_from_info(mnl_attr_get_payload(a.sa), sa);
		} else {
			memset(sa, 0, sizeof(*sa));
			xfrm_addr_from_kernel(&id->daddr, id->family, &sa->dst);
			sa->spi = ntohl(id->spi);
			sa->proto = id->proto;
		}
		return 0;
	}
	default:
		return -EPROTO;
	}
	if (mnl_attr_parse(nlh, off, sa_attr_cb, &a) < 0)
		return -EBADMSG;
	if (a.lastused != NULL)
		sa->lastused = mnl_attr_get_u64(a.lastused);
	/* A larval SA (ALLOCSPI) has no algorithms yet; EXPIRE never carries
	 * them, so there only the registry can tell. */
	if (nlh->nlmsg_type != XFRM_MSG_EXPIRE)
		sa->larval = a.crypt == NULL && a.aead == NULL;
	sa_algs(&a, sa);
	return 0;
}

int
xfrm_msg_sa_fast(const struct nlmsghdr *nlh, struct ifl_addr *dst, uint32_t *spi,
    uint8_t *proto, struct st_dir_counters *c)
{
	struct xfrm_usersa_info info, *p = &info;

	if (nlh->nlmsg_type != XFRM_MSG_NEWSA || nlh->nlmsg_len < MNL_NLMSG_HDRLEN ||
	    mnl_nlmsg_get_payload_len(nlh) < sizeof(*p))
		return -EBADMSG;
	memcpy(&info, mnl_nlmsg_get_payload(nlh), sizeof(info));
	xfrm_addr_from_kernel(&p->id.daddr, p->family, dst);
	*spi = ntohl(p->id.spi);
	*proto = p->id.proto;
	c->octets = p->curlft.bytes;
	c->packets = p->curlft.packets;
	c->replay_drops = (uint64_t)p->stats.replay + p->stats.replay_window;
	c->auth_fails = p->stats.integrity_failed;
	return 0;
}

struct pol_attrs {
	const struct nlattr *tmpl, *pol;
};

static int
pol_attr_cb(const struct nlattr *attr, void *data)
{
	struct pol_attrs *a = data;

	switch (mnl_attr_get_type(attr)) {
	case XFRMA_TMPL:
		if (mnl_attr_get_payload_len(attr) >= sizeof(struct xfrm_user_tmpl))
			a->tmpl = attr;
		break;
	case XFRMA_POLICY:
		if (mnl_attr_get_payload_len(attr) >= sizeof(struct xfrm_userpolicy_info))
			a->pol = attr;
		break;
	}
	return MNL_CB_OK;
}

/* -1 for a prefix longer than the family's: the kernel refuses such a
 * selector, so it can only come from a damaged message, and masks built
 * from it would shift past the address. */
static int
sel_to_subnets(const struct xfrm_selector *sel, struct ifl_subnet *src,
    struct ifl_subnet *dst, uint8_t *proto, uint16_t *sport, uint16_t *dport)
{
	xfrm_addr_from_kernel(&sel->saddr, sel->family, &src->addr);
	src->plen = sel->prefixlen_s;
	xfrm_addr_from_kernel(&sel->daddr, sel->family, &dst->addr);
	dst->plen = sel->prefixlen_d;
	*proto = sel->proto;
	*sport = sel->sport_mask ? ntohs(sel->sport) : 0;
	*dport = sel->dport_mask ? ntohs(sel->dport) : 0;
	if (src->addr.family == 0) {
		/* no family the kernel accepts for a policy: nothing to mask */
		src->plen = dst->plen = 0;
		return 0;
	}
	if (src->plen > addr_len(&src->addr) * 8 || dst->plen > addr_len(&dst->addr) * 8) {
		src->plen = dst->plen = 0;
		return -1;
	}
	return 0;
}

static void
tmpl_fill(const struct nlattr *attr, struct ifl_addr *src, struct ifl_addr *dst,
    uint32_t *reqid, int *transport)
{
	const struct xfrm_user_tmpl *t = mnl_attr_get_payload(attr);

	xfrm_addr_from_kernel(&t->saddr, t->family, src);
	xfrm_addr_from_kernel(&t->id.daddr, t->family, dst);
	*reqid = t->reqid;
	*transport = t->mode == XFRM_MODE_TRANSPORT;
}

int
xfrm_msg_parse_policy(const struct nlmsghdr *nlh, struct xfrm_pol_info *pol)
{
	size_t plen = mnl_nlmsg_get_payload_len(nlh);
	struct xfrm_userpolicy_info info, *p = &info;
	struct pol_attrs a;
	size_t off;

	memset(&a, 0, sizeof(a));
	memset(pol, 0, sizeof(*pol));
	if (!msg_sane(nlh))
		return -EBADMSG;
	switch (nlh->nlmsg_type) {
	case XFRM_MSG_NEWPOLICY:
	case XFRM_MSG_UPDPOLICY:
		off = sizeof(*p);
		if (plen < off)
			return -EBADMSG;
		memcpy(&info, mnl_nlmsg_get_payload(nlh), sizeof(info));
		if (mnl_attr_parse(nlh, off, pol_attr_cb, &a) < 0)
			return -EBADMSG;
		break;
	case XFRM_MSG_DELPOLICY: {
		const struct xfrm_userpolicy_id *id = mnl_nlmsg_get_payload(nlh);

		off = sizeof(*id);
		if (plen < off)
			return -EBADMSG;
		if (mnl_attr_parse(nlh, off, pol_attr_cb, &a) < 0)
			return -EBADMSG;
		if (a.pol == NULL) {
			if (sel_to_subnets(&id->sel, &pol->src, &pol->dst, &pol->proto,
			    &pol->sport, &pol->dport) < 0)
				return -EBADMSG;
			pol->dir = id->dir;
			pol->index = id->index;
			return 0;
		}
		memcpy(&info, mnl_attr_get_payload(a.pol), sizeof(info));
		break;
	}
	default:
		return -EPROTO;
	}
	if (sel_to_subnets(&p->sel, &pol->src, &pol->dst, &pol->proto, &pol->sport,
	    &pol->dport) < 0)
		return -EBADMSG;
	pol->dir = p->dir;
	pol->priority = p->priority;
	pol->index = p->index;
	pol->add_time = p->curlft.add_time;
	pol->use_time = p->curlft.use_time;
	if (a.tmpl != NULL)
		tmpl_fill(a.tmpl, &pol->tmpl_src, &pol->tmpl_dst, &pol->reqid, &pol->transport);
	return 0;
}

int
xfrm_msg_parse_acquire(const struct nlmsghdr *nlh, struct xfrm_acquire *acq)
{
	struct xfrm_user_acquire ua, *p = &ua;
	struct pol_attrs a;

	memset(acq, 0, sizeof(*acq));
	memset(&a, 0, sizeof(a));
	if (!msg_sane(nlh) || nlh->nlmsg_type != XFRM_MSG_ACQUIRE ||
	    mnl_nlmsg_get_payload_len(nlh) < sizeof(*p))
		return -EBADMSG;
	memcpy(&ua, mnl_nlmsg_get_payload(nlh), sizeof(ua));
	if (mnl_attr_parse(nlh, sizeof(*p), pol_attr_cb, &a) < 0)
		return -EBADMSG;
	if (sel_to_subnets(&p->policy.sel, &acq->src, &acq->dst, &acq->proto,
	    &acq->sport, &acq->dport) < 0)
		return -EBADMSG;
	xfrm_addr_from_kernel(&p->sel.saddr, p->sel.family, &acq->pkt_src);
	xfrm_addr_from_kernel(&p->sel.daddr, p->sel.family, &acq->pkt_dst);
	acq->policy_index = p->policy.index;
	acq->seq = p->seq;
	if (a.tmpl != NULL) {
		tmpl_fill(a.tmpl, &acq->tmpl_src, &acq->tmpl_dst, &acq->reqid,
		    &acq->transport);
	} else {
		/* Without a template attribute the id holds the endpoints. */
		xfrm_addr_from_kernel(&p->saddr, p->policy.sel.family, &acq->tmpl_src);
		xfrm_addr_from_kernel(&p->id.daddr, p->policy.sel.family, &acq->tmpl_dst);
	}
	return 0;
}

int
xfrm_msg_parse_error(const struct nlmsghdr *nlh, int *err, char *msg, size_t msglen)
{
	const struct nlmsgerr *e;
	const struct nlattr *attr;
	size_t off;

	if (msglen)
		msg[0] = '\0';
	if (!msg_sane(nlh) || nlh->nlmsg_type != NLMSG_ERROR ||
	    mnl_nlmsg_get_payload_len(nlh) < sizeof(*e))
		return -EBADMSG;
	e = mnl_nlmsg_get_payload(nlh);
	*err = e->error;
	if (!(nlh->nlmsg_flags & NLM_F_ACK_TLVS))
		return 0;
	/* The TLVs follow the echoed request, which is only its header when capped. */
	off = sizeof(*e);
	if (!(nlh->nlmsg_flags & NLM_F_CAPPED)) {
		if (e->msg.nlmsg_len < sizeof(struct nlmsghdr))
			return 0;
		off += MNL_ALIGN(e->msg.nlmsg_len - sizeof(struct nlmsghdr));
	}
	if (off > mnl_nlmsg_get_payload_len(nlh))
		return 0;
	mnl_attr_for_each(attr, nlh, off) {
		if (mnl_attr_get_type(attr) == NLMSGERR_ATTR_MSG && msglen) {
			size_t l = mnl_attr_get_payload_len(attr);
			const char *s = mnl_attr_get_payload(attr);

			l = strnlen(s, l);
			if (l >= msglen)
				l = msglen - 1;
			memcpy(msg, s, l);
			msg[l] = '\0';
		}
	}
	return 0;
}

/* With the message builder that fills it in when a policy has none: more
 * specific selectors (longer prefixes, ports, a protocol) win. */
uint32_t
xfrm_policy_priority(const struct xfrm_pol_cfg *p)
{
	uint32_t prio;

	if (p->priority)
		return p->priority;
	prio = IFL_XFRM_PRIO_BASE - p->src.plen - p->dst.plen;
	prio <<= 2;
	if (p->sport == 0 && p->dport == 0)
		prio += 2;
	if (p->proto == 0)
		prio += 1;
	return prio;
}
