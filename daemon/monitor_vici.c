/* Monitor mode's IKE side, from strongSwan's vici socket (common/vici.h):
 * the IKE SAs charon has up (list-sas at connect, then the ike-updown,
 * ike-rekey, child-updown and child-rekey events) become IKE SA rows of
 * the state model, and the tunnels the kernel observer built
 * (daemon/monitor.c) are moved under them by reqid and addresses and take
 * their CHILD_SA's name. Its configured connections (list-conns, at connect
 * and at every reload) are the connection rows, one per CHILD_SA config,
 * so those that are down show; failures charon logs (the log event) are
 * IKE failure records naming the connection. Without the socket (Libreswan, manual SAs, charon
 * not running) nothing here happens and the observer works alone; a
 * charon that goes away ends its IKE SA rows (the tunnels stay, the kernel
 * says when they end) and is looked for again every few seconds. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "common/log.h"
#include "common/loop.h"
#include "common/vici.h"
#include "daemon/monitor.h"
#include "state/names.h"
#include "state/state.h"

#define VICI_RETRY_MS	5000
#define VICI_MAX_SAS	8	/* IKE SAs in one message (ike-rekey: old and new) */
#define VICI_MAX_CHILD	8	/* CHILD_SAs of one IKE SA followed */

struct vchild {
	char		key[ST_NAME_MAX];	/* its section: charon says NAME-UNIQUEID */
	char		name[ST_NAME_MAX];
	uint32_t	reqid;
};

/* One IKE SA as a message describes it. */
struct vsa {
	char		name[ST_NAME_MAX];
	char		variant[4];		/* "", "old" or "new" (ike-rekey) */
	uint32_t	uniqueid;
	int		version, initiator, established;
	struct ifl_addr	local, remote;
	char		local_id[ST_ID_MAX], remote_id[ST_ID_MAX];
	uint64_t	spi_i, spi_r;
	char		encr[32], integ[32], prf[32], dh[32];
	unsigned	encr_keysize;
	int		nchild;
	struct vchild	child[VICI_MAX_CHILD];
};

struct vmsg {
	int		up;			/* ike/child-updown's "up", -1 if none */
	int		nsa;
	struct vsa	sa[VICI_MAX_SAS];
};

/* An IKE SA of charon's that is a row here. */
struct vike {
	uint32_t	uniqueid;
	uint32_t	index;			/* cikeTunIndex */
	int		nchild;
	struct vchild	child[VICI_MAX_CHILD];	/* claims for tunnels not seen yet */
	struct vike	*next;
};

/* A configured connection (list-conns): its CHILD_SA configs are the
 * connections the views list, under the names the tunnels take. */
#define VICI_MAX_CONNS	256	/* IKE configs whose failures are named */

struct vconn {
	char		name[ST_NAME_MAX];	/* the IKE config (log's ikesa-name) */
	char		child[ST_NAME_MAX];	/* its first CHILD_SA config */
};

/* What one list-conn event says, and the state of the walk. */
struct vconnmsg {
	char		ike[ST_NAME_MAX];
	int		version;		/* 0: any */
	struct ifl_addr	local, remote;
	int		nchild;
	char		child[VICI_MAX_CHILD][ST_NAME_MAX];
	int		auto_mode[VICI_MAX_CHILD];
};

/* A log event's fields. */
struct vlog {
	char		ike[ST_NAME_MAX];
	uint32_t	uniqueid;
	char		msg[256];
};

/* Requests in flight, answered in order (CMD_RESPONSE names none). */
enum vreq { VREQ_SAS, VREQ_CONNS };
#define VICI_MAX_REQS	8

static struct {
	char			 path[sizeof(((struct sockaddr_un *)0)->sun_path)];
	int			 fd;
	int			 warned;
	struct buf		*in;
	struct loop_timer	*retry;
	struct vike		*ikes;
	enum vreq		 req[VICI_MAX_REQS];
	int			 nreq;
	uint64_t		 conn_gen;	/* of the list-conns in flight */
	struct vconn		 conns[VICI_MAX_CONNS];
	int			 nconns;
	uint32_t		 failed_id;	/* the IKE SA of the last failure */
	enum st_ike_fail	 failed_reason;
} vc = { .fd = -1 };

/* ---- reading messages ---- */

static struct vsa *
vsa_for(struct vmsg *m, const char *name, const char *variant)
{
	for (int i = 0; i < m->nsa; i++)
		if (strcmp(m->sa[i].name, name) == 0 && strcmp(m->sa[i].variant, variant) == 0)
			return &m->sa[i];
	if (m->nsa == VICI_MAX_SAS)
		return NULL;
	memset(&m->sa[m->nsa], 0, sizeof(m->sa[0]));
	snprintf(m->sa[m->nsa].name, sizeof(m->sa[0].name), "%s", name);
	snprintf(m->sa[m->nsa].variant, sizeof(m->sa[0].variant), "%s", variant);
	return &m->sa[m->nsa++];
}

static void
ike_field(struct vsa *s, const char *k, const char *v)
{
	if (strcmp(k, "uniqueid") == 0)
		s->uniqueid = (uint32_t)strtoul(v, NULL, 10);
	else if (strcmp(k, "version") == 0)
		s->version = atoi(v);
	else if (strcmp(k, "state") == 0)
		s->established = strcmp(v, "ESTABLISHED") == 0;
	else if (strcmp(k, "initiator") == 0)
		s->initiator = strcmp(v, "yes") == 0;
	else if (strcmp(k, "local-host") == 0)
		addr_parse(v, &s->local);
	else if (strcmp(k, "remote-host") == 0)
		addr_parse(v, &s->remote);
	else if (strcmp(k, "local-id") == 0)
		snprintf(s->local_id, sizeof(s->local_id), "%s", v);
	else if (strcmp(k, "remote-id") == 0)
		snprintf(s->remote_id, sizeof(s->remote_id), "%s", v);
	else if (strcmp(k, "initiator-spi") == 0)
		s->spi_i = strtoull(v, NULL, 16);
	else if (strcmp(k, "responder-spi") == 0)
		s->spi_r = strtoull(v, NULL, 16);
	else if (strcmp(k, "encr-alg") == 0)
		snprintf(s->encr, sizeof(s->encr), "%s", v);
	else if (strcmp(k, "encr-keysize") == 0)
		s->encr_keysize = (unsigned)strtoul(v, NULL, 10);
	else if (strcmp(k, "integ-alg") == 0)
		snprintf(s->integ, sizeof(s->integ), "%s", v);
	else if (strcmp(k, "prf-alg") == 0)
		snprintf(s->prf, sizeof(s->prf), "%s", v);
	else if (strcmp(k, "dh-group") == 0)
		snprintf(s->dh, sizeof(s->dh), "%s", v);
}

/* Paths: NAME/field (list-sa, *-updown), NAME/old|new/field (ike-rekey),
 * NAME/child-sas/KEY/field, NAME/child-sas/KEY/new/field (child-rekey),
 * where KEY is the CHILD_SA's name and unique id, its field "name" the name. */
static int
walk_cb(const struct vici_elem *e, void *arg)
{
	struct vmsg *m = arg;
	struct vsa *s;
	int d = e->depth;

	if (e->type != VICI_KEY_VALUE)
		return 0;
	if (d == 0) {
		if (strcmp(e->name, "up") == 0)
			m->up = strcmp(e->value, "yes") == 0;
		return 0;
	}
	if (d == 1 || (d == 2 && (strcmp(e->sect[1], "old") == 0 ||
	    strcmp(e->sect[1], "new") == 0))) {
		if ((s = vsa_for(m, e->sect[0], d == 2 ? e->sect[1] : "")) != NULL)
			ike_field(s, e->name, e->value);
		return 0;
	}
	if (strcmp(e->sect[1], "child-sas") == 0 &&
	    (d == 3 || (d == 4 && strcmp(e->sect[3], "new") == 0)) &&
	    (s = vsa_for(m, e->sect[0], "")) != NULL) {
		struct vchild *c = NULL;

		for (int i = 0; i < s->nchild; i++)
			if (strcmp(s->child[i].key, e->sect[2]) == 0)
				c = &s->child[i];
		if (c == NULL && s->nchild < VICI_MAX_CHILD) {
			c = &s->child[s->nchild++];
			snprintf(c->key, sizeof(c->key), "%s", e->sect[2]);
			snprintf(c->name, sizeof(c->name), "%s", e->sect[2]);
		}
		if (c != NULL && strcmp(e->name, "reqid") == 0)
			c->reqid = (uint32_t)strtoul(e->value, NULL, 10);
		else if (c != NULL && strcmp(e->name, "name") == 0)
			snprintf(c->name, sizeof(c->name), "%s", e->value);
	}
	return 0;
}

/* ---- the state model ---- */

static uint16_t
id_of(const char *(*name)(unsigned), const char *s)
{
	for (unsigned i = 1; i < 64; i++)
		if (strcmp(name(i), s) == 0)
			return (uint16_t)i;
	return 0;
}

static uint16_t
encr_of(const char *s, unsigned keysize)
{
	struct st_algs a;
	char want[48];

	snprintf(want, sizeof(want), keysize ? "%s_%u" : "%s", s, keysize);
	memset(&a, 0, sizeof(a));
	a.encr_keylen = (uint16_t)keysize;
	for (a.encr = 1; a.encr < 64; a.encr++)
		if (strcmp(st_encr_name(&a), want) == 0 || strcmp(st_encr_name(&a), s) == 0)
			return a.encr;
	return 0;
}

static enum st_id_type
id_type(const char *id)
{
	struct ifl_addr a;

	return addr_parse(id, &a) == 0 ? ST_ID_ADDR : ST_ID_NAME;
}

static struct vike *
vike_find(uint32_t uniqueid)
{
	for (struct vike *v = vc.ikes; v; v = v->next)
		if (v->uniqueid == uniqueid)
			return v;
	return NULL;
}

/* A tunnel of the kernel observer moves under the IKE SA and takes the
 * CHILD_SA's name. */
static void
attach(const struct st_ike *ike, const struct vchild *c)
{
	uint32_t index = monitor_tunnel_find(c->reqid, &ike->local, &ike->remote);
	struct st_child *ch;

	if (index == 0 || (ch = st_child_get(index)) == NULL)
		return;
	if (ch->ike_index != ike->index) {
		st_child_reparent(ch, ike->index);
		log_info("monitor: tunnel %u is CHILD_SA %s of IKE SA %u (%s, vici)",
		    ch->index, c->name, ike->index, ike->conn);
	}
	st_child_set_conn(ch, c->name);
}

static void
detach_children(uint32_t ike_index)
{
	for (const struct st_child *c = st_child_next(0); c; c = st_child_next(c->index))
		if (c->ike_index == ike_index)
			st_child_reparent(st_child_get(c->index), 0);
}

static void
vike_end(struct vike *v, enum st_term reason)
{
	struct vike **pp;

	/* the tunnels live on in the kernel: they end when their SAs go */
	detach_children(v->index);
	st_ike_end(v->index, reason);
	for (pp = &vc.ikes; *pp; pp = &(*pp)->next)
		if (*pp == v) {
			*pp = v->next;
			free(v);
			return;
		}
}

static struct vike *
ike_up(const struct vsa *s)
{
	struct vike *v = vike_find(s->uniqueid);
	struct st_ike *ike = v ? st_ike_get(v->index) : NULL;

	if (s->uniqueid == 0 || s->local.family == 0)
		return NULL;
	if (ike == NULL) {
		if (v != NULL)
			vike_end(v, ST_TERM_OTHER);
		if ((v = calloc(1, sizeof(*v))) == NULL)
			return NULL;
		if ((ike = st_ike_new(s->name, s->version == 1 ? 1 : 2, s->initiator)) == NULL) {
			free(v);
			return NULL;
		}
		v->uniqueid = s->uniqueid;
		v->index = ike->index;
		v->next = vc.ikes;
		vc.ikes = v;
		log_info("monitor: IKE SA %u: %s #%u [%s]...[%s] (vici)", ike->index,
		    s->name, s->uniqueid, s->local_id, s->remote_id);
	}
	ike->local = s->local;
	ike->remote = s->remote;
	ike->local_port = ike->remote_port = 500;
	snprintf(ike->local_id, sizeof(ike->local_id), "%s", s->local_id);
	snprintf(ike->remote_id, sizeof(ike->remote_id), "%s", s->remote_id);
	ike->local_id_type = id_type(s->local_id);
	ike->remote_id_type = id_type(s->remote_id);
	ike->spi_i = s->spi_i;
	ike->spi_r = s->spi_r;
	ike->algs.encr = encr_of(s->encr, s->encr_keysize);
	ike->algs.encr_keylen = (uint16_t)s->encr_keysize;
	ike->algs.integ = id_of(st_integ_name, s->integ);
	ike->algs.prf = id_of(st_prf_name, s->prf);
	ike->algs.dh = id_of(st_dh_name, s->dh);
	ike->auth_method = 2;	/* shown as preSharedKey: vici does not say */
	if (s->established && ike->start_mono == 0)
		st_ike_established(ike);
	for (int i = 0; i < s->nchild; i++) {
		int j;

		attach(ike, &s->child[i]);
		/* one claim per reqid: a rekeyed CHILD_SA keeps its reqid */
		for (j = 0; j < v->nchild; j++)
			if (v->child[j].reqid == s->child[i].reqid)
				break;
		if (j < VICI_MAX_CHILD) {
			v->child[j] = s->child[i];
			if (j == v->nchild)
				v->nchild++;
		}
	}
	return v;
}

void
monitor_vici_claim(uint32_t child_index)
{
	const struct st_child *ch = st_child_find(child_index);

	for (struct vike *v = vc.ikes; v && ch; v = v->next) {
		const struct st_ike *ike = st_ike_find(v->index);

		for (int i = 0; ike && i < v->nchild; i++)
			if (v->child[i].reqid == ch->reqid &&
			    addr_cmp(&ike->local, &ch->local) == 0 &&
			    addr_cmp(&ike->remote, &ch->remote) == 0) {
				attach(ike, &v->child[i]);
				return;
			}
	}
}

/* ---- configured connections (list-conns) ---- */

/* Paths: NAME/version, NAME/local_addrs[], NAME/remote_addrs[],
 * NAME/children/CHILD/start_action. */
static int
conn_cb(const struct vici_elem *e, void *arg)
{
	struct vconnmsg *m = arg;
	struct ifl_addr a;
	int i;

	if (e->depth == 0) {
		if (e->type == VICI_SECTION_START)
			snprintf(m->ike, sizeof(m->ike), "%s", e->name);
		return 0;
	}
	if (e->depth == 1 && e->type == VICI_KEY_VALUE && strcmp(e->name, "version") == 0)
		m->version = strcmp(e->value, "IKEv1") == 0 ? 1 :
		    strcmp(e->value, "IKEv2") == 0 ? 2 : 0;
	else if (e->depth == 1 && e->type == VICI_LIST_ITEM && addr_parse(e->value, &a) == 0) {
		/* the first address that is one: "%any" and ranges are not */
		if (strcmp(e->list, "local_addrs") == 0 && m->local.family == 0)
			m->local = a;
		else if (strcmp(e->list, "remote_addrs") == 0 && m->remote.family == 0)
			m->remote = a;
	} else if (e->depth == 2 && e->type == VICI_SECTION_START &&
	    strcmp(e->sect[1], "children") == 0 && m->nchild < VICI_MAX_CHILD) {
		snprintf(m->child[m->nchild], sizeof(m->child[0]), "%s", e->name);
		m->auto_mode[m->nchild++] = 1;	/* add */
	} else if (e->depth == 3 && e->type == VICI_KEY_VALUE &&
	    strcmp(e->sect[1], "children") == 0 && strcmp(e->name, "start_action") == 0) {
		for (i = 0; i < m->nchild; i++)
			if (strcmp(m->child[i], e->sect[2]) == 0)
				m->auto_mode[i] = strcmp(e->value, "start") == 0 ? 3 :
				    strcmp(e->value, "trap") == 0 ? 2 : 1;
	}
	return 0;
}

static void
conn_event(const uint8_t *msg, size_t len)
{
	struct vconnmsg m;

	memset(&m, 0, sizeof(m));
	if (vici_walk(msg, len, conn_cb, &m) < 0 || m.ike[0] == '\0') {
		log_warnx("monitor: vici: malformed list-conn event ignored (%zu bytes)", len);
		return;
	}
	for (int i = 0; i < m.nchild; i++) {
		struct st_conn *c = st_conn_set(m.child[i]);

		if (c == NULL)
			continue;
		c->ike_version = m.version ? m.version : 2;
		c->auto_mode = m.auto_mode[i];
		c->local = m.local;
		c->remote = m.remote;
	}
	if (m.nchild > 0 && vc.nconns < VICI_MAX_CONNS) {
		snprintf(vc.conns[vc.nconns].name, sizeof(vc.conns[0].name), "%s", m.ike);
		snprintf(vc.conns[vc.nconns++].child, sizeof(vc.conns[0].child), "%s",
		    m.child[0]);
	}
}

/* The connection rows an IKE config's failures are named after: its first
 * CHILD_SA config (the tunnels' names), or the IKE config's own name. */
static const char *
conn_for(const char *ike)
{
	for (int i = 0; i < vc.nconns; i++)
		if (strcmp(vc.conns[i].name, ike) == 0)
			return vc.conns[i].child;
	return ike;
}

/* ---- failures, from charon's log stream ---- */

static int
log_cb(const struct vici_elem *e, void *arg)
{
	struct vlog *l = arg;

	if (e->depth != 0 || e->type != VICI_KEY_VALUE)
		return 0;
	if (strcmp(e->name, "ikesa-name") == 0)
		snprintf(l->ike, sizeof(l->ike), "%s", e->value);
	else if (strcmp(e->name, "ikesa-uniqueid") == 0)
		l->uniqueid = (uint32_t)strtoul(e->value, NULL, 10);
	else if (strcmp(e->name, "msg") == 0)
		snprintf(l->msg, sizeof(l->msg), "%s", e->value);
	return 0;
}

/* charon's messages that say an IKE SA failed, and what the MIB calls it
 * (cikeFailReason). Its alerts are not on vici; these lines are. */
static const struct {
	const char		*text;
	enum st_ike_fail	 reason;
} fail_msgs[] = {
	{ "AUTHENTICATION_FAILED", ST_IKEF_AUTH },	/* sent or received */
	{ "MAC mismatched", ST_IKEF_AUTH },		/* wrong PSK */
	{ "authentication of", ST_IKEF_AUTH },		/* "... failed" */
	{ "NO_PROPOSAL_CHOSEN", ST_IKEF_PROPOSAL },
	{ "no acceptable proposal", ST_IKEF_PROPOSAL },
	{ "giving up after", ST_IKEF_PEER_LOST },	/* retransmits */
	{ "TS_UNACCEPTABLE", ST_IKEF_PROPOSAL },
};

static void
log_event(const uint8_t *msg, size_t len)
{
	const struct st_conn *c;
	struct vlog l;
	size_t i;

	memset(&l, 0, sizeof(l));
	if (vici_walk(msg, len, log_cb, &l) < 0 || l.ike[0] == '\0')
		return;
	for (i = 0; i < sizeof(fail_msgs) / sizeof(fail_msgs[0]); i++)
		if (strstr(l.msg, fail_msgs[i].text) != NULL &&
		    (strcmp(fail_msgs[i].text, "authentication of") != 0 ||
		    strstr(l.msg, " failed") != NULL))
			break;
	if (i == sizeof(fail_msgs) / sizeof(fail_msgs[0]))
		return;
	/* one record per IKE SA and reason: charon says it in several lines */
	if (l.uniqueid != 0 && l.uniqueid == vc.failed_id &&
	    fail_msgs[i].reason == vc.failed_reason)
		return;
	vc.failed_id = l.uniqueid;
	vc.failed_reason = fail_msgs[i].reason;
	c = st_conn_find(conn_for(l.ike));
	log_notice("monitor: vici: IKE SA %s[%u] failed: %s", l.ike, l.uniqueid, l.msg);
	st_ike_fail(fail_msgs[i].reason, conn_for(l.ike), c ? &c->local : NULL,
	    c ? &c->remote : NULL, l.msg);
}

void
monitor_vici_event(const char *name, const uint8_t *msg, size_t len)
{
	struct vmsg *m;
	struct vike *v;

	if (strcmp(name, "list-conn") == 0) {
		conn_event(msg, len);
		return;
	}
	if (strcmp(name, "log") == 0) {
		log_event(msg, len);
		return;
	}
	if ((m = calloc(1, sizeof(*m))) == NULL)
		return;
	m->up = -1;
	if (vici_walk(msg, len, walk_cb, m) < 0) {
		log_warnx("monitor: vici: malformed %s event ignored (%zu bytes)", name, len);
		free(m);
		return;
	}
	/* charon says "up = yes" when up and nothing at all when down */
	if ((strcmp(name, "ike-updown") == 0 || strcmp(name, "child-updown") == 0) &&
	    m->up != 1)
		m->up = 0;
	for (int i = 0; i < m->nsa; i++) {
		struct vsa *s = &m->sa[i];

		if (strcmp(name, "ike-updown") == 0 && m->up == 0) {
			if ((v = vike_find(s->uniqueid)) != NULL)
				vike_end(v, ST_TERM_NORMAL);
		} else if (strcmp(name, "ike-rekey") == 0) {
			struct vike *old;

			if (strcmp(s->variant, "new") != 0)
				continue;
			for (int j = 0; j < m->nsa; j++)
				if (strcmp(m->sa[j].variant, "old") == 0 &&
				    strcmp(m->sa[j].name, s->name) == 0 &&
				    (old = vike_find(m->sa[j].uniqueid)) != NULL &&
				    (v = ike_up(s)) != NULL) {
					/* the children move to the new IKE SA */
					for (const struct st_child *c = st_child_next(0); c;
					    c = st_child_next(c->index))
						if (c->ike_index == old->index)
							st_child_reparent(st_child_get(c->index),
							    v->index);
					memcpy(v->child, old->child, sizeof(v->child));
					v->nchild = old->nchild;
					vike_end(old, ST_TERM_NORMAL);
				}
			if (vike_find(s->uniqueid) == NULL)
				ike_up(s);
		} else if (strcmp(s->variant, "") == 0 && m->up != 0)
			ike_up(s);	/* list-sa, *-updown up, child-rekey */
	}
	free(m);
}

/* ---- the socket ---- */

static void vici_close(void);
static void request_done(void);

static int
send_pkt(enum vici_pkt type, const char *name)
{
	struct buf *b = buf_new(64);
	ssize_t n = -1;

	if (b != NULL && vici_pkt_put(b, type, name, NULL, 0) == 0)
		n = send(vc.fd, b->data, b->len, MSG_NOSIGNAL);
	buf_free(b);
	return n < 0 ? -1 : 0;
}

static void
on_readable(int fd, uint32_t events, void *arg)
{
	uint8_t tmp[16384];
	ssize_t n;

	(void)events;
	(void)arg;
	while ((n = recv(fd, tmp, sizeof(tmp), 0)) > 0)
		if (buf_put(vc.in, tmp, (size_t)n) < 0)
			break;
	if (n == 0 || (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK) || vc.in->failed) {
		log_notice("monitor: vici: %s closed; its IKE SAs are no longer followed",
		    vc.path);
		vici_close();
		loop_timer_set(vc.retry, VICI_RETRY_MS);
		return;
	}
	for (;;) {
		size_t seglen = 0, mlen;
		const uint8_t *m;
		enum vici_pkt type;
		char name[256];
		int r = vici_seg_len(vc.in->data, vc.in->len, &seglen);

		if (r < 0) {
			log_warnx("monitor: vici: %s: bad segment length, reconnecting", vc.path);
			vici_close();
			loop_timer_set(vc.retry, VICI_RETRY_MS);
			return;
		}
		if (r == 0)
			break;
		if (vici_pkt_parse(vc.in->data + 4, seglen, &type, name, &m, &mlen) == 0) {
			if (type == VICI_EVENT)
				monitor_vici_event(name, m, mlen);
			else if (type == VICI_CMD_RESPONSE || type == VICI_CMD_UNKNOWN)
				request_done();
			else if (type == VICI_EVENT_UNKNOWN || type == VICI_CMD_UNKNOWN)
				log_warnx("monitor: vici: charon refused a request (%d)", (int)type);
		}
		memmove(vc.in->data, vc.in->data + 4 + seglen, vc.in->len - 4 - seglen);
		vc.in->len -= 4 + seglen;
	}
}

/* A request whose answer comes in order; -1 when it cannot be sent. */
static int
request(enum vreq what, const char *cmd)
{
	if (vc.nreq == VICI_MAX_REQS || send_pkt(VICI_CMD_REQUEST, cmd) < 0)
		return -1;
	if (what == VREQ_CONNS) {
		/* the rows not listed again by its answer go */
		vc.conn_gen = st_conn_generation_next();
		vc.nconns = 0;
	}
	vc.req[vc.nreq++] = what;
	return 0;
}

/* The oldest request is answered: after list-conns, every configured
 * connection has come as a list-conn event. */
static void
request_done(void)
{
	if (vc.nreq == 0)
		return;
	if (vc.req[0] == VREQ_CONNS)
		st_conn_prune(vc.conn_gen);
	memmove(vc.req, vc.req + 1, (size_t)--vc.nreq * sizeof(vc.req[0]));
}

void
monitor_vici_relist(void)
{
	if (vc.fd >= 0 && request(VREQ_CONNS, "list-conns") < 0)
		log_warnx("monitor: vici: %s: cannot ask for the connections", vc.path);
}

void
monitor_vici_forget(void)
{
	struct vike *v;

	while ((v = vc.ikes) != NULL)
		vike_end(v, ST_TERM_OTHER);
}

static void
vici_close(void)
{
	if (vc.fd >= 0) {
		loop_fd_del(vc.fd);
		close(vc.fd);
		vc.fd = -1;
	}
	monitor_vici_forget();
	buf_free(vc.in);
	vc.in = NULL;
	vc.nreq = 0;
}

static const char *const events[] = {
	"list-sa", "list-conn", "ike-updown", "ike-rekey", "child-updown",
	"child-rekey", "log",
};

static void
try_connect(void *arg)
{
	struct sockaddr_un sun;
	size_t i;

	(void)arg;
	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	memcpy(sun.sun_path, vc.path, sizeof(sun.sun_path));
	if ((vc.fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) < 0 ||
	    connect(vc.fd, (struct sockaddr *)&sun, sizeof(sun)) < 0) {
		if (!vc.warned++)
			log_info("monitor: vici: %s: %s; without it no IKE SA is known "
			    "(trying again every %d s)", vc.path, strerror(errno),
			    VICI_RETRY_MS / 1000);
		if (vc.fd >= 0)
			close(vc.fd);
		vc.fd = -1;
		loop_timer_set(vc.retry, VICI_RETRY_MS);
		return;
	}
	/* small requests, sent before the socket turns non-blocking */
	for (i = 0; i < sizeof(events) / sizeof(events[0]); i++)
		if (send_pkt(VICI_EVENT_REGISTER, events[i]) < 0)
			break;
	if (i < sizeof(events) / sizeof(events[0]) ||
	    request(VREQ_SAS, "list-sas") < 0 || request(VREQ_CONNS, "list-conns") < 0 ||
	    (vc.in = buf_new(4096)) == NULL ||
	    fcntl(vc.fd, F_SETFL, fcntl(vc.fd, F_GETFL) | O_NONBLOCK) < 0 ||
	    loop_fd_add(vc.fd, EPOLLIN, on_readable, NULL) < 0) {
		log_warnx("monitor: vici: %s: cannot talk to charon", vc.path);
		vici_close();
		loop_timer_set(vc.retry, VICI_RETRY_MS);
		return;
	}
	loop_fd_name(vc.fd, "vici");
	vc.warned = 0;
	log_info("monitor: vici: connected to %s: IKE SAs follow", vc.path);
}

int
monitor_vici_start(const char *path)
{
	if (strlen(path) >= sizeof(vc.path)) {
		log_err("monitor: vici socket path too long: %s", path);
		return -1;
	}
	snprintf(vc.path, sizeof(vc.path), "%s", path);
	if ((vc.retry = loop_timer_new(try_connect, NULL)) == NULL)
		return -1;
	loop_timer_name(vc.retry, "vici connect");
	try_connect(NULL);
	return 0;
}

void
monitor_vici_stop(void)
{
	struct vike *v;

	/* at shutdown the IKE SAs live on in charon: no history row for them */
	while ((v = vc.ikes) != NULL) {
		vc.ikes = v->next;
		free(v);
	}
	vici_close();
	loop_timer_free(vc.retry);
	vc.retry = NULL;
}
