/* Monitor mode's IKE side, from strongSwan's vici socket (common/vici.h):
 * the IKE SAs charon has up (list-sas at connect, then the ike-updown,
 * ike-rekey, child-updown and child-rekey events) become IKE SA rows of
 * the state model, and the tunnels the kernel observer built
 * (daemon/monitor.c) are moved under them by reqid and addresses and take
 * their CHILD_SA's name. Without the socket (Libreswan, manual SAs, charon
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

static struct {
	char			 path[sizeof(((struct sockaddr_un *)0)->sun_path)];
	int			 fd;
	int			 warned;
	struct buf		*in;
	struct loop_timer	*retry;
	struct vike		*ikes;
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
	snprintf(ch->conn, sizeof(ch->conn), "%s", c->name);
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

void
monitor_vici_event(const char *name, const uint8_t *msg, size_t len)
{
	struct vmsg *m = calloc(1, sizeof(*m));
	struct vike *v;

	if (m == NULL)
		return;
	m->up = -1;
	if (vici_walk(msg, len, walk_cb, m) < 0) {
		log_warnx("monitor: vici: malformed %s event ignored (%zu bytes)", name, len);
		free(m);
		return;
	}
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
			else if (type == VICI_EVENT_UNKNOWN || type == VICI_CMD_UNKNOWN)
				log_warnx("monitor: vici: charon refused a request (%d)", (int)type);
		}
		memmove(vc.in->data, vc.in->data + 4 + seglen, vc.in->len - 4 - seglen);
		vc.in->len -= 4 + seglen;
	}
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
}

static const char *const events[] = {
	"list-sa", "ike-updown", "ike-rekey", "child-updown", "child-rekey",
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
	    send_pkt(VICI_CMD_REQUEST, "list-sas") < 0 ||
	    (vc.in = buf_new(4096)) == NULL ||
	    fcntl(vc.fd, F_SETFL, fcntl(vc.fd, F_GETFL) | O_NONBLOCK) < 0 ||
	    loop_fd_add(vc.fd, EPOLLIN, on_readable, NULL) < 0) {
		log_warnx("monitor: vici: %s: cannot talk to charon", vc.path);
		vici_close();
		loop_timer_set(vc.retry, VICI_RETRY_MS);
		return;
	}
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
