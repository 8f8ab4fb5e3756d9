/* The 13 notifications of CISCO-IPSEC-FLOW-MONITOR-MIB, raised from state
 * model events and sent through the master agent (send_v2trap), and the
 * module's sysORTable entry. */
#include "config.h"

#include <netinet/in.h>
#include <stdio.h>
#include <string.h>

#include "agent/agent.h"
#include "agent/agent_int.h"
#include <net-snmp/agent/agent_sysORTable.h>
#include "common/log.h"

static const oid snmptrap_oid[] = { 1, 3, 6, 1, 6, 3, 1, 1, 4, 1, 0 };
static const oid fm_module[] = { FM_ROOT };

/* Entry OIDs (below the module root) of the objects notifications carry */
static const oid peer_entry[] = { 1, 2, 2, 1 };		/* cikePeerEntry */
static const oid ike_tun_entry[] = { 1, 2, 3, 1 };	/* cikeTunnelEntry */
static const oid ipsec_tun_entry[] = { 1, 3, 2, 1 };	/* cipSecTunnelEntry */
static const oid spi_entry[] = { 1, 3, 4, 1 };		/* cipSecSpiEntry */

static netsnmp_variable_list *
add_col(netsnmp_variable_list **vl, const oid *entry, oid col, const oid *idx, size_t idxlen)
{
	oid name[MAX_OID_LEN];
	size_t n = 0;

	if (FM_ROOT_LEN + 5 + idxlen > MAX_OID_LEN)
		return NULL;
	memcpy(name, fm_module, sizeof(fm_module));
	n = FM_ROOT_LEN;
	for (int i = 0; i < 4; i++)
		name[n++] = entry[i];
	name[n++] = col;
	memcpy(name + n, idx, idxlen * sizeof(oid));
	n += idxlen;
	return snmp_varlist_add_variable(vl, name, n, ASN_NULL, NULL, 0);
}

/* The peer varbinds: cikePeerLocalAddr and cikePeerRemoteAddr with the
 * cikePeerTable index of the association. */
static void
add_peer(netsnmp_variable_list **vl, enum st_id_type lt, const char *lid, enum st_id_type rt,
    const char *rid, uint32_t intidx, const struct ifl_addr *local, const struct ifl_addr *remote)
{
	char l[ST_ID_MAX], r[ST_ID_MAX];
	oid key[FM_IDX_MAX];
	uint64_t ltype, rtype;
	size_t klen;
	netsnmp_variable_list *vb;

	ltype = fm_ike_id(lt, lid, local, l, sizeof(l));
	rtype = fm_ike_id(rt, rid, remote, r, sizeof(r));
	klen = fm_peer_index(key, FM_IDX_MAX, ltype, l, rtype, r, intidx ? intidx : 1);
	if (klen == 0) {
		/* IDs too long for an instance: name the peer by its addresses */
		ltype = fm_ike_id(ST_ID_ADDR, NULL, local, l, sizeof(l));
		rtype = fm_ike_id(ST_ID_ADDR, NULL, remote, r, sizeof(r));
		klen = fm_peer_index(key, FM_IDX_MAX, ltype, l, rtype, r, intidx ? intidx : 1);
	}
	if ((vb = add_col(vl, peer_entry, 6, key, klen)) != NULL)
		agent_set_addr(vb, local);
	if ((vb = add_col(vl, peer_entry, 7, key, klen)) != NULL)
		agent_set_addr(vb, remote);
}

static void
add_ike_peer(netsnmp_variable_list **vl, const struct st_ike *ike)
{
	add_peer(vl, ike->local_id_type, ike->local_id, ike->remote_id_type, ike->remote_id,
	    ike->peer_index, &ike->local, &ike->remote);
}

static void
add_num(netsnmp_variable_list **vl, const oid *entry, oid col, const oid *idx, size_t idxlen,
    int kind, uint64_t v)
{
	netsnmp_variable_list *vb = add_col(vl, entry, col, idx, idxlen);

	if (vb != NULL)
		agent_set_num(vb, kind, v);
}

static uint64_t
i32(uint64_t v, uint64_t unlimited)
{
	if (v == 0)
		v = unlimited;
	return v > 2147483647 ? 2147483647 : v;
}

/* cipSecSpiProtocol.<tunnel>.<spi index> of the SA a failure names (the
 * first SA when none matches) */
static void
add_spi_proto(netsnmp_variable_list **vl, const struct st_child *ch, uint32_t tun, uint32_t spi)
{
	oid idx[2] = { tun, 1 };
	uint64_t proto = 2;

	if (ch != NULL)
		for (int k = 0; k < ch->nsa; k++)
			if (ch->sa[k].spi == spi) {
				idx[1] = k + 1;
				proto = ch->sa[k].proto == IPPROTO_AH ? 1 :
				    ch->sa[k].proto == IPPROTO_COMP ? 3 : 2;
				break;
			}
	add_num(vl, spi_entry, 4, idx, 2, FM_INT, proto);
}

static int
child_down_early(enum st_term reason)
{
	return reason == ST_TERM_PEER_LOST || reason == ST_TERM_LOCAL_FAIL ||
	    reason == ST_TERM_OTHER;
}

int
agent_trap_for_event(enum st_event ev, const void *rec, int out[2])
{
	int n = 0;

	switch (ev) {
	case ST_EV_IKE_UP:
		out[n++] = 1;
		break;
	case ST_EV_IKE_DOWN:
		out[n++] = 2;
		break;
	case ST_EV_CHILD_UP:
		out[n++] = 7;
		break;
	case ST_EV_CHILD_DOWN:
		out[n++] = 8;
		if (rec != NULL && child_down_early(((const struct st_child_hist *)rec)->reason))
			out[n++] = 11;
		break;
	case ST_EV_IKE_FAIL:
		if (rec == NULL)
			break;
		switch (((const struct st_ike_failrec *)rec)->reason) {
		case ST_IKEF_SYSCAP: case ST_IKEF_INTERNAL: case ST_IKEF_LOCAL:
			out[n++] = 3;		/* cikeSysFailure */
			break;
		case ST_IKEF_NO_SA:
			out[n++] = 6;		/* cikeNoSa */
			break;
		case ST_IKEF_AUTH: case ST_IKEF_HASH: case ST_IKEF_ENCRYPT:
		case ST_IKEF_PROPOSAL: case ST_IKEF_ENCODING:
			out[n++] = 5;		/* cikeProtocolFailure */
			break;
		default:
			break;
		}
		break;
	case ST_EV_IPSEC_FAIL:
		if (rec == NULL)
			break;
		switch (((const struct st_ipsec_failrec *)rec)->reason) {
		case ST_IPF_NO_SA:
			out[n++] = 13;		/* cipSecNoSa */
			break;
		case ST_IPF_SYSCAP: case ST_IPF_INTERNAL:
			out[n++] = 9;		/* cipSecSysFailure */
			break;
		case ST_IPF_PROPOSAL:
			out[n++] = 10;		/* cipSecSetUpFailure */
			break;
		case ST_IPF_PROTO_USE: case ST_IPF_DECRYPT: case ST_IPF_ENCRYPT:
		case ST_IPF_IN_AUTH: case ST_IPF_OUT_AUTH: case ST_IPF_ENCODING:
			out[n++] = 12;		/* cipSecProtocolFailure */
			break;
		default:
			break;
		}
		break;
	default:
		break;
	}
	return n;
}

static void
ipsec_fail_peer(netsnmp_variable_list **vl, const struct st_ipsec_failrec *f)
{
	const struct st_child *ch = st_child_find(f->tunnel_index);
	const struct st_ike *ike = ch ? st_ike_find(ch->ike_index) : NULL;

	if (ike != NULL)
		add_ike_peer(vl, ike);
	else
		add_peer(vl, ST_ID_ADDR, NULL, ST_ID_ADDR, NULL, 1, &f->src, &f->dst);
}

netsnmp_variable_list *
agent_trap_varbinds(int n, enum st_event ev, const void *rec)
{
	netsnmp_variable_list *vl = NULL;
	oid idx[1];

	switch (n) {
	case 1: {
		const struct st_ike *ike = rec;

		if (ev != ST_EV_IKE_UP || ike == NULL)
			return NULL;
		idx[0] = ike->index;
		add_ike_peer(&vl, ike);
		add_num(&vl, ike_tun_entry, 15, idx, 1, FM_INT, i32(ike->lifetime, 2147483647));
		break;
	}
	case 2: {
		const struct st_ike_hist *h = rec;

		if (ev != ST_EV_IKE_DOWN || h == NULL)
			return NULL;
		idx[0] = h->ike.index;
		add_ike_peer(&vl, &h->ike);
		add_num(&vl, ike_tun_entry, 16, idx, 1, FM_INT, i32(h->active_ms / 10, 0));
		break;
	}
	case 7: {
		const struct st_child *ch = rec;

		if (ev != ST_EV_CHILD_UP || ch == NULL)
			return NULL;
		idx[0] = ch->index;
		add_num(&vl, ipsec_tun_entry, 9, idx, 1, FM_INT, i32(ch->life_sec, 2147483647));
		add_num(&vl, ipsec_tun_entry, 8, idx, 1, FM_INT, i32(ch->life_kb, 2147483647));
		break;
	}
	case 8: case 11: {
		const struct st_child_hist *h = rec;

		if (ev != ST_EV_CHILD_DOWN || h == NULL)
			return NULL;
		idx[0] = h->child.index;
		add_num(&vl, ipsec_tun_entry, 10, idx, 1, FM_INT, i32(h->active_ms / 10, 0));
		if (n == 11)
			add_spi_proto(&vl, &h->child, h->child.index,
			    h->child.nsa > 0 ? h->child.sa[0].spi : 0);
		break;
	}
	case 3: case 4: case 5: case 6: {
		const struct st_ike_failrec *f = rec;
		const struct st_conn *c;

		if (ev != ST_EV_IKE_FAIL || f == NULL)
			return NULL;
		c = st_conn_find(f->conn);
		add_peer(&vl, f->local_id_type, f->local_id, f->remote_id_type, f->remote_id,
		    c ? c->index : 1, &f->local, &f->remote);
		break;
	}
	case 9: case 10: case 12: {
		const struct st_ipsec_failrec *f = rec;
		const struct st_child *ch;

		if (ev != ST_EV_IPSEC_FAIL || f == NULL)
			return NULL;
		ch = st_child_find(f->tunnel_index);
		idx[0] = f->tunnel_index;
		if (n != 12)
			ipsec_fail_peer(&vl, f);
		if (n == 10)
			break;
		add_num(&vl, ipsec_tun_entry, 10, idx, 1, FM_INT,
		    ch ? fm_hundredths(ch->start_mono) : 0);
		add_spi_proto(&vl, ch, f->tunnel_index, f->spi);
		break;
	}
	case 13:
		if (ev != ST_EV_IPSEC_FAIL)
			return NULL;
		break;
	default:
		return NULL;
	}
	return vl;
}

static void
trap_send(int n, netsnmp_variable_list *objects)
{
	oid trap[FM_ROOT_LEN + 3];
	netsnmp_variable_list *vl = NULL;

	memcpy(trap, fm_module, sizeof(fm_module));
	trap[FM_ROOT_LEN] = 2;		/* ciscoIpSecFlowMonitorMIB.2.0.n */
	trap[FM_ROOT_LEN + 1] = 0;
	trap[FM_ROOT_LEN + 2] = n;
	if (snmp_varlist_add_variable(&vl, snmptrap_oid, OID_LENGTH(snmptrap_oid),
	    ASN_OBJECT_ID, trap, sizeof(trap)) == NULL) {
		snmp_free_varbind(objects);
		return;
	}
	vl->next_variable = objects;
	send_v2trap(vl);
	snmp_free_varbind(vl);
	agent_kick();
}

void
agent_trap_event(enum st_event ev, uint32_t index, const void *rec)
{
	int which[2];
	int n = agent_trap_for_event(ev, rec, which);

	(void)index;
	for (int i = 0; i < n; i++) {
		netsnmp_variable_list *vl;

		if (agent_trap_cntl[which[i] - 1] != 1)
			continue;
		vl = agent_trap_varbinds(which[i], ev, rec);
		if (vl == NULL && which[i] != 13)
			continue;
		log_debug("agent: notification %d for event %d", which[i], (int)ev);
		trap_send(which[i], vl);
	}
}

void
agent_register_sysor(void)
{
	register_sysORTable((oid *)fm_module, OID_LENGTH(fm_module),
	    "CISCO-IPSEC-FLOW-MONITOR-MIB: IPsec flow monitoring from ikeflowd");
}

void
agent_unregister_sysor(void)
{
	unregister_sysORTable((oid *)fm_module, OID_LENGTH(fm_module));
}
