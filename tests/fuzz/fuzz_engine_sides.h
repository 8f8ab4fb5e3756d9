/* Shared by the engine fuzz targets (fuzz_ikev2_engine, fuzz_ikev1_engine):
 * two sides, initiator and responder, whose engines talk through a queue
 * of datagrams, with the environment's callbacks that keep count of what
 * reached the kernel (only what was installed may be removed, once) and
 * the configuration loaded through the real loader. Each target adds its
 * engine's calls. Include after fuzz_files.h. */
#ifndef FUZZ_ENGINE_SIDES_H
#define FUZZ_ENGINE_SIDES_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/loop.h"
#include "config/config.h"
#include "keying/ike_env.h"
#include "state/state.h"

#define ADDR_I	"192.0.2.1"
#define ADDR_R	"192.0.2.2"
#define MAX_Q	64
#define MAX_CH	64

struct side {
	void		*eng;		/* the target's engine */
	struct ifl_config *cfg[2];	/* per proposal variant */
	const struct ifl_config *cur;
	struct ifl_addr	addr;
	uint32_t	next_spi;
	uint32_t	installed[MAX_CH];	/* inbound SPIs, 0 when removed */
	int		ninstalled;
};

struct pkt {
	struct side	*to;
	struct ifl_addr	src;
	uint16_t	sport, dport;
	size_t		len;
	uint8_t		data[];
};

static struct side si, sr;
static struct pkt *q[MAX_Q];
static int nq;

static struct side *
peer_of(struct side *s)
{
	return s == &si ? &sr : &si;
}

static int
e_send(void *arg, const struct ifl_addr *src, uint16_t sport,
    const struct ifl_addr *dst, uint16_t dport, const uint8_t *p, size_t len)
{
	struct side *s = arg;
	struct pkt *k;

	(void)dst;
	if (nq == MAX_Q || (k = malloc(sizeof(*k) + len)) == NULL)
		return -1;
	k->to = peer_of(s);
	k->src = *src;
	k->sport = sport;
	k->dport = dport;
	k->len = len;
	memcpy(k->data, p, len);
	q[nq++] = k;
	return 0;
}

static int
e_alloc_spi(void *arg, const struct ifl_addr *peer, const struct ifl_addr *local,
    uint8_t proto, uint32_t reqid, uint32_t *spi)
{
	struct side *s = arg;

	(void)peer;
	(void)local;
	(void)proto;
	(void)reqid;
	*spi = s->next_spi++;
	return 0;
}

static void
e_release_spi(void *arg, const struct ifl_addr *peer, const struct ifl_addr *local,
    uint8_t proto, uint32_t spi)
{
	(void)arg;
	(void)peer;
	(void)local;
	(void)proto;
	(void)spi;
}

/* A pair installed: its inbound SPI counted once (IKEv1 installs a pair's
 * halves apart and may call again for the whole pair). */
static int
e_install(void *arg, const struct ike_child_sa *c)
{
	struct side *s = arg;

	FUZZ_CHECK(c->spi_in != 0 && c->spi_out != 0);
	FUZZ_CHECK(c->encr_len <= 36 && c->integ_len <= 64);
	for (int i = 0; i < s->ninstalled; i++)
		if (s->installed[i] == c->spi_in)
			return 0;
	if (s->ninstalled < MAX_CH)
		s->installed[s->ninstalled++] = c->spi_in;
	return 0;
}

static void
e_remove(void *arg, const struct ike_child_sa *c)
{
	struct side *s = arg;

	/* only what was installed is removed, once */
	for (int i = 0; i < s->ninstalled; i++)
		if (s->installed[i] == c->spi_in) {
			s->installed[i] = 0;
			return;
		}
	if (s->ninstalled < MAX_CH)
		abort();
}

static int
e_update(void *arg, const struct ike_child_sa *c)
{
	(void)arg;
	(void)c;
	return 0;
}

static int
e_psk(void *arg, const struct cfg_id *local, const struct cfg_id *remote,
    struct buf *out)
{
	struct side *s = arg;
	const struct cfg_secret *sec = config_psk_lookup(s->cur, local, remote);

	return sec ? buf_put(out, sec->key, sec->keylen) : -1;
}

static const struct cfg_conn *
e_conn_by_addr(void *arg, const struct ifl_addr *local, const struct ifl_addr *remote)
{
	struct side *s = arg;

	(void)local;
	(void)remote;
	return s->cur->conns;
}

/* The configuration of one side: conn (ipsec.conf text) and a PSK
 * between the two addresses. */
static struct ifl_config *
sides_config(const char *conn)
{
	static const char secrets[] = ADDR_I " " ADDR_R " : PSK \"fuzzing-psk\"\n";
	struct cfg_daemon d;
	struct ifl_config *cfg;

	config_daemon_defaults(&d);
	snprintf(d.ipsec_conf, sizeof(d.ipsec_conf), "%s",
	    fuzz_put("ipsec.conf", (const uint8_t *)conn, strlen(conn), 0644));
	snprintf(d.ipsec_secrets, sizeof(d.ipsec_secrets), "%s",
	    fuzz_put("ipsec.secrets", (const uint8_t *)secrets, sizeof(secrets) - 1, 0600));
	FUZZ_CHECK((cfg = config_load(&d)) != NULL);
	return cfg;
}

/* A side as it starts: its variant's configuration, SPIs from spi_base,
 * nothing installed, env with the callbacks above (the target adds its
 * own and makes the engine). */
static void
side_env(struct side *s, int variant, uint32_t spi_base, struct ike_env *env)
{
	s->cur = s->cfg[variant];
	s->next_spi = spi_base;
	s->ninstalled = 0;
	memset(env, 0, sizeof(*env));
	env->arg = s;
	env->send = e_send;
	env->alloc_spi = e_alloc_spi;
	env->release_spi = e_release_spi;
	env->update_child = e_update;
	env->install_child = e_install;
	env->remove_child = e_remove;
	env->psk = e_psk;
}

typedef void (*sides_input_fn)(void *eng, const struct ifl_addr *src, uint16_t sport,
    const struct ifl_addr *dst, uint16_t dport, const uint8_t *p, size_t len);

/* Delivers what the engines sent, and what that causes, up to a bound. */
static void
sides_pump(sides_input_fn input)
{
	for (int n = 0; nq > 0 && n < 256; n++) {
		struct pkt *k = q[0];

		memmove(q, q + 1, (size_t)--nq * sizeof(q[0]));
		input(k->to->eng, &k->src, k->sport, &k->to->addr, k->dport,
		    k->data, k->len);
		free(k);
	}
	while (nq > 0)
		free(q[--nq]);
}

/* Once per run: both sides' configurations (load(initiator, variant)). */
static void
sides_init(struct ifl_config *(*load)(int initiator, int variant))
{
	fuzz_files_init(0);
	for (int v = 0; v < 2; v++) {
		si.cfg[v] = load(1, v);
		sr.cfg[v] = load(0, v);
	}
	FUZZ_CHECK(addr_parse(ADDR_I, &si.addr) == 0);
	FUZZ_CHECK(addr_parse(ADDR_R, &sr.addr) == 0);
}

/* Per input, before the engines: a fresh loop and state model. */
static void
sides_begin(void)
{
	FUZZ_CHECK(loop_init() == 0);
	FUZZ_CHECK(st_init() == 0);
	for (int v = 0; v < 2; v++)
		for (const struct cfg_conn *c = si.cfg[v]->conns; c; c = c->next)
			FUZZ_CHECK(st_conn_set(c->name) != NULL);
}

typedef void (*sides_deliver_fn)(struct side *to, uint8_t flags, uint8_t exch,
    uint8_t first, const uint8_t *plain, size_t len);

/* The input's records from off on: flags, exchange type, first payload,
 * u16 length, payloads; each delivered (flags bit 0: to the initiator),
 * then what it causes, and the timers due. */
static void
sides_records(const uint8_t *data, size_t size, size_t off, sides_deliver_fn deliver,
    sides_input_fn input)
{
	while (size - off >= 5) {
		uint8_t flags = data[off], exch = data[off + 1], first = data[off + 2];
		size_t len = (size_t)data[off + 3] << 8 | data[off + 4];

		off += 5;
		if (len > size - off)
			len = size - off;
		deliver(flags & 1 ? &si : &sr, flags, exch, first, data + off, len);
		off += len;
		sides_pump(input);
		loop_once(0);
		sides_pump(input);
	}
}

/* Per input, after the engines are freed. */
static void
sides_end(void)
{
	si.eng = sr.eng = NULL;
	st_free();
	loop_free();
}

#endif
