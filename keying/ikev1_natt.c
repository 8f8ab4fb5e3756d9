/* IKEv1 NAT traversal (RFC 3947): NAT-D payloads in Main Mode messages 3
 * and 4 when both sides sent the RFC 3947 vendor ID, NAT detection, the
 * move to the NAT-T port for message 5 onwards when a NAT is found, the
 * UDP-encapsulated modes in Quick Mode, and keepalives (RFC 3948 §2.3)
 * while we are behind the NAT. The sockets (non-ESP marker on 4500) and
 * the kernel's encapsulated SAs are IKEv2's (daemon/ike_socket.c,
 * kernel/). */
#include "config.h"

#include <string.h>

#include "common/log.h"
#include "keying/ikev1_sa.h"

static uint16_t
natt_port(const struct isakmp_sa *sa)
{
	return sa->eng->tun.natt_port;
}

static int
natt_on(const struct isakmp_sa *sa)
{
	return (sa->vids & IKEV1_VID_BIT(IKEV1_VID_NATT_RFC)) != 0;
}

/* HASH(CKY-I | CKY-R | IP | Port) with the negotiated hash (RFC 3947
 * §3.2). 0 / -1; out receives crypto_prf_len bytes. */
static int
natd_hash(const struct isakmp_sa *sa, const struct ifl_addr *a,
    uint16_t port, uint8_t *out)
{
	uint8_t ck[16], pb[2];
	struct crypto_iov iov[3];
	int i;

	for (i = 0; i < 8; i++) {
		ck[i] = (uint8_t)(sa->icookie >> (56 - 8 * i));
		ck[8 + i] = (uint8_t)(sa->rcookie >> (56 - 8 * i));
	}
	pb[0] = (uint8_t)(port >> 8);
	pb[1] = (uint8_t)port;
	iov[0].p = ck;
	iov[0].len = sizeof(ck);
	iov[1].p = a->u.raw;
	iov[1].len = addr_len(a);
	iov[2].p = pb;
	iov[2].len = sizeof(pb);
	if (iov[1].len == 0)
		return -1;
	return crypto_hash_iov(sa->algs.prf, iov, 3, out);
}

int
ikev1_natt_add(struct isakmp_sa *sa, struct ike_builder *bl)
{
	uint8_t h[CRYPTO_MAX_PRF_LEN];
	size_t len = crypto_prf_len(sa->algs.prf);

	if (!natt_on(sa))
		return 0;
	/* the peer's address and port first, then ours */
	if (natd_hash(sa, &sa->remote, sa->rport, h) == -1 ||
	    ikev1_build_raw(bl, IKEV1_PL_NATD, h, len) < 0 ||
	    natd_hash(sa, &sa->local, sa->lport, h) == -1 ||
	    ikev1_build_raw(bl, IKEV1_PL_NATD, h, len) < 0)
		return -1;
	return 0;
}

void
ikev1_natt_check(struct isakmp_sa *sa, const struct ikev1_msg *m)
{
	const struct ikev1_pl *pl;
	uint8_t us[CRYPTO_MAX_PRF_LEN], them[CRYPTO_MAX_PRF_LEN];
	size_t len = crypto_prf_len(sa->algs.prf), i;
	struct st_ike *st;
	int them_ok = 0;

	if (!natt_on(sa) || ikev1_msg_count(m, IKEV1_PL_NATD) < 2)
		return;
	if (natd_hash(sa, &sa->local, sa->lport, us) == -1 ||
	    natd_hash(sa, &sa->remote, sa->rport, them) == -1)
		return;
	/* the first is what the peer sent to (us as it sees us), the
	 * others where it sent from */
	pl = ikev1_msg_get(m, IKEV1_PL_NATD, 0);
	sa->nat_local = pl->len != len || ct_memcmp(pl->body, us, len) != 0;
	for (i = 1; (pl = ikev1_msg_get(m, IKEV1_PL_NATD, i)) != NULL; i++)
		if (pl->len == len && ct_memcmp(pl->body, them, len) == 0)
			them_ok = 1;
	sa->nat_remote = !them_ok;
	if ((st = st_ike_get(sa->st_index)) != NULL) {
		st->nat_local = sa->nat_local;
		st->nat_remote = sa->nat_remote;
	}
	log_info("IKEv1:(SA ID = %u):%s", sa->st_index, sa->nat_local ?
	    "NAT detected in front of us" : sa->nat_remote ?
	    "NAT detected in front of the peer" : "no NAT found");
}

void
ikev1_natt_float(struct isakmp_sa *sa)
{
	struct st_ike *st;

	if (!(sa->nat_local || sa->nat_remote) || sa->lport == natt_port(sa))
		return;
	sa->lport = sa->rport = natt_port(sa);
	if ((st = st_ike_get(sa->st_index)) != NULL) {
		st->local_port = sa->lport;
		st->remote_port = sa->rport;
	}
}

void
ikev1_natt_input(struct isakmp_sa *sa, const struct ifl_addr *src,
    uint16_t sport, const struct ifl_addr *dst, uint16_t dport)
{
	struct st_ike *st;

	sa->in_src = *src;
	sa->in_sport = sport;
	sa->in_dport = dport;
	/* the initiator moved to the NAT-T port for message 5: the
	 * answers go where it came from (its NAT's port). In Aggressive
	 * Mode message 3 says whether there is a NAT, but it comes from the
	 * NAT-T port only when there is one. */
	if (!((sa->phase == IKEV1_MM_R2 && (sa->nat_local ||
	    sa->nat_remote)) || sa->phase == IKEV1_AG_R1) ||
	    dport != natt_port(sa) || sa->lport == dport ||
	    addr_cmp(dst, &sa->local) != 0)
		return;
	sa->lport = dport;
	sa->rport = sport;
	if ((st = st_ike_get(sa->st_index)) != NULL) {
		st->local_port = sa->lport;
		st->remote_port = sa->rport;
	}
}

/* The datagram being processed proved authentic (its HASH verified):
 * when it came from elsewhere than the SA's peer, the NAT in front of the
 * peer has a new mapping (RFC 3947 §4: a NATed peer's address and port
 * are those of its last authentic message). Only a peer behind a NAT is
 * followed, and only by a host not behind one itself; the kernel's SAs
 * follow through the engine's update_child, as IKEv2's do. */
void
ikev1_natt_follow(struct isakmp_sa *sa)
{
	struct ike_env *env = &sa->eng->env;
	struct ifl_addr old_local = sa->local, old_remote = sa->remote;
	struct ikev1_child *ch;
	struct ike_child_sa d;
	struct st_child *stc;
	struct st_ike *st;
	char a[ADDR_STRLEN], b[ADDR_STRLEN];

	if (sa->phase != IKEV1_UP || sa->in_sport == 0 ||
	    (sa->in_sport == sa->rport && sa->in_dport == sa->lport &&
	    addr_cmp(&sa->in_src, &sa->remote) == 0))
		return;
	if (!sa->nat_remote || sa->nat_local) {
		log_notice("IKEv1:(SA ID = %u):authenticated message from "
		    "%s[%u], not from the peer's %s[%u]: not followed (%s)",
		    sa->st_index, addr_str(&sa->in_src, a, sizeof(a)),
		    sa->in_sport, addr_str(&sa->remote, b, sizeof(b)),
		    sa->rport, sa->nat_local ? "we are behind a NAT" :
		    "no NAT in front of the peer");
		return;
	}
	sa->remote = sa->in_src;
	sa->rport = sa->in_sport;
	sa->lport = sa->in_dport;
	if ((st = st_ike_get(sa->st_index)) != NULL) {
		st->remote = sa->remote;
		st->local_port = sa->lport;
		st->remote_port = sa->rport;
	}
	log_info("IKEv1:(SA ID = %u):peer moved to %s[%u] (NAT mapping "
	    "changed), its SAs follow", sa->st_index,
	    addr_str(&sa->remote, a, sizeof(a)), sa->rport);
	if (env->update_child == NULL)
		return;
	for (ch = sa->children; ch; ch = ch->next) {
		if (ch->st_index && (stc = st_child_get(ch->st_index)) != NULL)
			stc->remote = sa->remote;
		ikev1_child_desc(sa, ch, &d);
		d.old_local = old_local;
		d.old_remote = old_remote;
		if (env->update_child(env->arg, &d) == -1)
			log_warnx("IKEv1:(SA ID = %u):IPsec SA 0x%08x/0x%08x "
			    "could not follow the peer to %s[%u]: it ends "
			    "with its lifetime", sa->st_index, ch->spi_in,
			    ch->spi_out, a, sa->rport);
	}
}

uint16_t
ikev1_natt_encap(const struct isakmp_sa *sa, int transport)
{
	if (sa->nat_local || sa->nat_remote)
		return transport ? IKEV1_ENCAP_UDP_TRANSPORT :
		    IKEV1_ENCAP_UDP_TUNNEL;
	return transport ? IKEV1_ENCAP_TRANSPORT : IKEV1_ENCAP_TUNNEL;
}

int
ikev1_natt_transport(uint16_t encap)
{
	return encap == IKEV1_ENCAP_TRANSPORT ||
	    encap == IKEV1_ENCAP_UDP_TRANSPORT ||
	    encap == IKEV1_ENCAP_UDP_TRANSPORT_DRAFT;
}

static void
keepalive_fire(void *arg)
{
	struct isakmp_sa *sa = arg;
	struct ikev1_engine *e = sa->eng;

	if (sa->phase != IKEV1_UP || !sa->nat_local || !e->env.keepalive)
		return;
	e->env.keepalive(e->env.arg, &sa->local, sa->lport, &sa->remote,
	    sa->rport);
	loop_timer_set(sa->keepalive, (uint64_t)(e->tun.keepalive * 1000));
}

void
ikev1_natt_start(struct isakmp_sa *sa)
{
	struct ikev1_engine *e = sa->eng;

	if (!sa->nat_local || !e->env.keepalive || e->tun.keepalive <= 0)
		return;
	if (sa->keepalive == NULL &&
	    (sa->keepalive = loop_timer_new(keepalive_fire, sa)) == NULL) {
		log_warnx("IKEv1:%s: no NAT-T keepalives: out of memory",
		    sa->conn->name);
		return;
	}
	loop_timer_set(sa->keepalive, (uint64_t)(e->tun.keepalive * 1000));
}
