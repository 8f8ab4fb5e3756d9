/* Two IKEv2 engines in one process, wired back to back: each side's
 * ipsec.conf/ipsec.secrets go through the real configuration loader, send()
 * queues datagrams that pump() delivers to the other side (a filter may
 * drop or duplicate them), and the kernel calls are recorded — the one
 * stand-in here, for the kernel; the real path runs in the UML test bed. */
#ifndef TEST_IKEV2_ENGINE_ENV_H
#define TEST_IKEV2_ENGINE_ENV_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/log.h"
#include "common/loop.h"
#include "config/config.h"
#include "keying/ikev2_exchange.h"
#include "keying/ikev2_const.h"
#include "state/state.h"

#define T_MAX_CHILDREN	8
#define T_MAX_PKTS	64

struct t_child {
	struct ike_child_sa d;		/* key pointers cleared */
	uint8_t		encr_in[64], integ_in[64], encr_out[64], integ_out[64];
	struct ikev2_ts	ts_l[8], ts_r[8];
	int		removed;
	int		removed_superseded;	/* removed as replaced: SAs only */
	size_t		removed_nts;		/* selectors whose policies went */
};

struct t_side {
	const char	*name;
	struct ikev2_engine *eng;
	struct ifl_config *cfg;
	struct ifl_addr	addr;
	uint32_t	next_spi;
	int		nchildren;
	struct t_child	children[T_MAX_CHILDREN];
	int		released;		/* larval SPIs given back */
	int		sent;			/* datagrams sent */
	int		sent_exch[64];		/* requests by exchange type - 32 */
	int		sent_resp[64];		/* responses by exchange type - 32 */
	uint16_t	last_sport, last_dport;
	int		keepalives;		/* NAT-T keepalives sent */
	int		held;			/* dpdaction=hold traps asked for */
	int		updated;		/* update_child calls */
	int		update_fails;		/* update_child answers -1 */
	struct ike_child_sa last_update;	/* the last one (no keys) */
	int		held_live;		/* live children at the time */
	uint16_t	keepalive_dport;
};

struct t_pkt {
	struct t_side	*from;
	struct ifl_addr	src, dst;
	uint16_t	sport, dport;
	size_t		len;
	uint8_t		data[4096];
};

enum t_verdict { T_PASS = 0, T_DROP, T_DUP };
typedef enum t_verdict (*t_filter_fn)(const struct t_side *from, const uint8_t *p,
    size_t len, void *arg);

static struct t_side side_i = { .name = "initiator" }, side_r = { .name = "responder" };
static struct t_pkt *queue[T_MAX_PKTS];
static int nqueue;
static t_filter_fn filter;
/* A side's datagrams go here instead of the queue when set (real sockets). */
/* env.install_out for the sides set up next (NULL: none, so that a
 * rekey's pair goes in whole) */
static int (*t_install_out_hook)(void *arg, const struct ike_child_sa *c);
static int (*t_send_override)(void *arg, const struct ifl_addr *src, uint16_t sport,
    const struct ifl_addr *dst, uint16_t dport, const uint8_t *pkt, size_t len);
static void *filter_arg;
/* A NAT in front of the initiator: its datagrams leave from nat_pub, port
 * 500 as 1024 and 4500 as 1025 (each plus shift, when the NAT changes its
 * mapping), and answers find their way back. */
static struct {
	int		on;
	struct ifl_addr	pub;
	uint16_t	shift;
} nat;
static char tdir[256];

static inline int
pkt_exch(const uint8_t *p)
{
	return p[18];
}

static inline int
pkt_is_resp(const uint8_t *p)
{
	return (p[19] & IKEV2_FLAG_RESPONSE) != 0;
}

static inline int
t_send(void *arg, const struct ifl_addr *src, uint16_t sport,
    const struct ifl_addr *dst, uint16_t dport, const uint8_t *pkt, size_t len)
{
	struct t_side *s = arg;
	struct t_pkt *p;

	assert_true(len >= 28 && len <= sizeof(p->data));
	assert_int_equal(addr_cmp(src, &s->addr), 0);
	s->sent++;
	s->last_sport = sport;
	s->last_dport = dport;
	if (pkt_is_resp(pkt))
		s->sent_resp[pkt_exch(pkt) - 32]++;
	else
		s->sent_exch[pkt_exch(pkt) - 32]++;
	assert_true(nqueue < T_MAX_PKTS);
	p = calloc(1, sizeof(*p));
	assert_non_null(p);
	p->from = s;
	p->src = *src;
	p->dst = *dst;
	p->sport = sport;
	p->dport = dport;
	p->len = len;
	memcpy(p->data, pkt, len);
	queue[nqueue++] = p;
	return 0;
}

static inline void
t_keepalive(void *arg, const struct ifl_addr *src, uint16_t sport,
    const struct ifl_addr *dst, uint16_t dport)
{
	struct t_side *s = arg;

	(void)dst;
	assert_int_equal(addr_cmp(src, &s->addr), 0);
	assert_int_equal(sport, 4500);
	s->keepalives++;
	s->keepalive_dport = dport;
}

static inline int
t_alloc_spi(void *arg, const struct ifl_addr *peer, const struct ifl_addr *local,
    uint8_t proto, uint32_t reqid, uint32_t *spi)
{
	struct t_side *s = arg;

	(void)peer;
	(void)reqid;
	assert_int_equal(proto, IPPROTO_ESP);
	assert_int_equal(addr_cmp(local, &s->addr), 0);
	*spi = s->next_spi++;
	return 0;
}

static inline void
t_release_spi(void *arg, const struct ifl_addr *peer, const struct ifl_addr *local,
    uint8_t proto, uint32_t spi)
{
	struct t_side *s = arg;

	(void)peer;
	(void)local;
	(void)proto;
	(void)spi;
	s->released++;
}

static inline int
t_install(void *arg, const struct ike_child_sa *c)
{
	struct t_side *s = arg;
	struct t_child *t;

	assert_true(s->nchildren < T_MAX_CHILDREN);
	t = &s->children[s->nchildren++];
	memset(t, 0, sizeof(*t));
	t->d = *c;
	assert_true(c->encr_len <= sizeof(t->encr_in) && c->integ_len <= sizeof(t->integ_in));
	memcpy(t->encr_in, c->encr_in, c->encr_len);
	memcpy(t->encr_out, c->encr_out, c->encr_len);
	if (c->integ_len) {
		memcpy(t->integ_in, c->integ_in, c->integ_len);
		memcpy(t->integ_out, c->integ_out, c->integ_len);
	}
	assert_true(c->nts_local <= 8 && c->nts_remote <= 8);
	memcpy(t->ts_l, c->ts_local, c->nts_local * sizeof(t->ts_l[0]));
	memcpy(t->ts_r, c->ts_remote, c->nts_remote * sizeof(t->ts_r[0]));
	t->d.encr_in = t->d.encr_out = t->d.integ_in = t->d.integ_out = NULL;
	t->d.ts_local = t->d.ts_remote = NULL;
	t->d.conn = NULL;
	return 0;
}

static inline void
t_remove(void *arg, const struct ike_child_sa *c)
{
	struct t_side *s = arg;

	for (int i = 0; i < s->nchildren; i++)
		if (s->children[i].d.spi_in == c->spi_in &&
		    s->children[i].d.spi_out == c->spi_out) {
			assert_false(s->children[i].removed);
			s->children[i].removed = 1;
			s->children[i].removed_superseded = c->superseded;
			s->children[i].removed_nts = c->nts_local + c->nts_remote;
			return;
		}
	fail_msg("%s: removal of unknown child 0x%08x", s->name, c->spi_in);
}

static inline int
t_psk(void *arg, const struct cfg_id *local, const struct cfg_id *remote,
    struct buf *out)
{
	struct t_side *s = arg;
	const struct cfg_secret *sec = config_psk_lookup(s->cfg, local, remote);

	if (sec == NULL)
		return -1;
	return buf_put(out, sec->key, sec->keylen);
}

static inline const struct cfg_conn *
t_conn_by_addr(void *arg, const struct ifl_addr *local, const struct ifl_addr *remote)
{
	struct t_side *s = arg;
	const struct cfg_conn *c;

	for (c = s->cfg->conns; c; c = c->next)
		if (addr_cmp(&c->left.addr, local) == 0 &&
		    (c->right.addr.family == 0 || addr_cmp(&c->right.addr, remote) == 0))
			return c;
	return NULL;
}

static inline const struct cfg_conn *
t_conn_by_id(void *arg, const struct cfg_conn *cur, const struct ifl_addr *local,
    const struct ifl_addr *remote, const struct cfg_id *peer, const struct cfg_id *us)
{
	const struct cfg_conn *c;
	struct t_side *s = arg;

	(void)local;
	(void)remote;
	(void)us;
	for (c = s->cfg->conns; c; c = c->next)
		if (c == cur && (c->right.id.type == CFG_ID_ANY ||
		    config_id_equal(&c->right.id, peer)))
			return c;
	return NULL;
}

static inline const char *
t_put(const char *name, const char *text)
{
	static char path[4][512];
	static int slot;
	char *p = path[slot++ % 4];
	int fd;

	snprintf(p, 512, "%s/%s", tdir, name);
	fd = open(p, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
	return p;
}

/* Loads a side's configuration and starts its engine. */
static inline int live_children(const struct t_side *s);

static inline int
t_update(void *arg, const struct ike_child_sa *c)
{
	struct t_side *s = arg;

	s->updated++;
	s->last_update = *c;
	s->last_update.ts_local = s->last_update.ts_remote = NULL;
	s->last_update.conn = NULL;
	return s->update_fails ? -1 : 0;
}

static inline void
t_hold(void *arg, const struct cfg_conn *conn)
{
	struct t_side *s = arg;

	assert_string_equal(conn->name, s->cfg->conns->name);
	s->held++;
	s->held_live = live_children(s);
}

static inline void
t_side_up(struct t_side *s, const char *addr, uint32_t spi_base, const char *conf,
    const char *secrets, const struct ike_tuning *tun)
{
	struct cfg_daemon d;
	struct ike_env env;
	char n1[64], n2[64];

	memset(s->children, 0, sizeof(s->children));
	s->nchildren = s->released = s->sent = s->keepalives = 0;
	s->held = s->held_live = s->updated = 0;
	memset(s->sent_exch, 0, sizeof(s->sent_exch));
	memset(s->sent_resp, 0, sizeof(s->sent_resp));
	assert_int_equal(addr_parse(addr, &s->addr), 0);
	s->next_spi = spi_base;
	config_daemon_defaults(&d);
	snprintf(n1, sizeof(n1), "%s.conf", s->name);
	snprintf(n2, sizeof(n2), "%s.secrets", s->name);
	snprintf(d.ipsec_conf, sizeof(d.ipsec_conf), "%s", t_put(n1, conf));
	snprintf(d.ipsec_secrets, sizeof(d.ipsec_secrets), "%s", t_put(n2, secrets));
	s->cfg = config_load(&d);
	assert_non_null(s->cfg);
	for (const struct cfg_conn *c = s->cfg->conns; c; c = c->next)
		assert_non_null(st_conn_set(c->name));
	memset(&env, 0, sizeof(env));
	env.arg = s;
	env.send = t_send_override ? t_send_override : t_send;
	env.install_out = t_install_out_hook;
	env.alloc_spi = t_alloc_spi;
	env.release_spi = t_release_spi;
	env.keepalive = t_keepalive;
	env.hold = t_hold;
	env.update_child = t_update;
	env.install_child = t_install;
	env.remove_child = t_remove;
	env.psk = t_psk;
	env.conn_by_addr = t_conn_by_addr;
	env.conn_by_id = t_conn_by_id;
	s->eng = ikev2_engine_new(&env, tun);
	assert_non_null(s->eng);
}

static inline void
t_side_down(struct t_side *s)
{
	ikev2_engine_free(s->eng);
	s->eng = NULL;
	config_free(s->cfg);
	s->cfg = NULL;
}

static inline struct t_side *
t_peer_of(const struct t_side *s)
{
	return s == &side_i ? &side_r : &side_i;
}

/* Delivers queued datagrams (and what they cause) until none are left. */
static inline int
pump(void)
{
	int n = 0;

	while (nqueue > 0) {
		struct t_pkt *p = queue[0];
		enum t_verdict v = filter ? filter(p->from, p->data, p->len, filter_arg) :
		    T_PASS;
		struct t_side *to = t_peer_of(p->from);

		memmove(queue, queue + 1, (size_t)--nqueue * sizeof(queue[0]));
		if (nat.on && p->from == &side_i) {
			p->src = nat.pub;
			p->sport = (uint16_t)((p->sport == 500 ? 1024 : 1025) + nat.shift);
		} else if (nat.on && addr_cmp(&p->dst, &nat.pub) == 0) {
			p->dst = side_i.addr;
			p->dport = p->dport == 1024 + nat.shift ? 500 : 4500;
		}
		assert_int_equal(addr_cmp(&p->dst, &to->addr), 0);
		if (v != T_DROP)
			ikev2_input(to->eng, &p->src, p->sport, &p->dst, p->dport,
			    p->data, p->len);
		if (v == T_DUP)
			ikev2_input(to->eng, &p->src, p->sport, &p->dst, p->dport,
			    p->data, p->len);
		free(p);
		n++;
	}
	return n;
}

/* Runs the loop (timers) and the network for about ms milliseconds. */
static inline void
run_for(int ms)
{
	uint64_t end = loop_now_ms() + (uint64_t)ms;

	do {
		pump();
		loop_once(2);
		pump();
	} while (loop_now_ms() < end);
}

/* Runs the loop and the network until cond holds, for at most cap_ms: a
 * wait for what a timer brings, however late a loaded machine runs it. */
#define RUN_UNTIL(cond, cap_ms)	do {					\
	uint64_t end_ = loop_now_ms() + (uint64_t)(cap_ms);		\
									\
	while (!(cond) && loop_now_ms() < end_)				\
		run_for(10);						\
} while (0)

/* Runs the loop until cond holds, for ms at most: a chain of timers (a
 * retransmit's, then the next) runs late on a loaded machine, so a fixed
 * window may end between two of them. */
#define loop_until(cond, ms) do {					\
	uint64_t end_ = loop_now_ms() + (uint64_t)(ms);			\
									\
	while (!(cond) && loop_now_ms() < end_) {			\
		pump();							\
		loop_once(2);						\
		pump();							\
	}								\
} while (0)

static inline void
drain(void)
{
	while (nqueue > 0)
		free(queue[--nqueue]);
}

static inline int
t_setup(void **state)
{
	(void)state;
	t_install_out_hook = NULL;
	snprintf(tdir, sizeof(tdir), "/tmp/ikev2-engine-XXXXXX");
	assert_non_null(mkdtemp(tdir));
	assert_int_equal(loop_init(), 0);
	assert_int_equal(st_init(), 0);
	filter = NULL;
	filter_arg = NULL;
	memset(&nat, 0, sizeof(nat));
	return 0;
}

static inline int
t_teardown(void **state)
{
	char cmd[300];

	(void)state;
	drain();
	if (side_i.eng)
		t_side_down(&side_i);
	if (side_r.eng)
		t_side_down(&side_r);
	st_free();
	loop_free();
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tdir);
	assert_int_equal(system(cmd), 0);
	return 0;
}

/* The state model's IKE SA row of a side (initiator flag tells them apart). */
static inline const struct st_ike *
ike_row(int initiator)
{
	const struct st_ike *ike;

	for (ike = st_ike_next(0); ike; ike = st_ike_next(ike->index))
		if (ike->initiator == initiator)
			return ike;
	return NULL;
}

static inline int
count_ike_fails(enum st_ike_fail reason)
{
	const struct st_ike_failrec *f;
	int n = 0;

	for (f = st_ike_fail_next(0); f; f = st_ike_fail_next(f->index))
		if (f->reason == reason)
			n++;
	return n;
}

static inline int
count_ipsec_fails(enum st_ipsec_fail reason)
{
	const struct st_ipsec_failrec *f;
	int n = 0;

	for (f = st_ipsec_fail_next(0); f; f = st_ipsec_fail_next(f->index))
		if (f->reason == reason)
			n++;
	return n;
}

static inline int
live_children(const struct t_side *s)
{
	int n = 0;

	for (int i = 0; i < s->nchildren; i++)
		if (!s->children[i].removed)
			n++;
	return n;
}

#endif
