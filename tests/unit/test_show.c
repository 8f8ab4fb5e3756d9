#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/buf.h"
#include "ctl/ctl.h"
#include "ctl/show_crypto.h"
#include "state/names.h"
#include "state/state.h"

static uint64_t fake_ms;

static uint64_t
clock_ms(void)
{
	return fake_ms;
}

static time_t
clock_wall(void)
{
	return 1369422850;	/* May 24 2013 */
}

/* The seed's IKEv2 tunnel: IOS 172.16.10.1 initiates to strongSwan 172.16.10.2,
 * AES-128/SHA1/group 5, 192.168.1.0/24 <-> 192.168.2.0/24, then 100 pings. */
static struct st_child *
seed_tunnel(const char *conn, const char *local, const char *remote, uint32_t spi_in,
    uint32_t spi_out)
{
	struct st_conn *c = st_conn_set(conn);
	struct st_ike *ike;
	struct st_child *ch;
	struct st_dir_counters dc = { .octets = 10000, .packets = 100 };

	c->auto_mode = 1;
	addr_parse(local, &c->local);
	addr_parse(remote, &c->remote);
	ike = st_ike_new(conn, 2, 1);
	ike->local_port = ike->remote_port = 500;
	snprintf(ike->local_id, sizeof(ike->local_id), "%s", local);
	snprintf(ike->remote_id, sizeof(ike->remote_id), "%s", remote);
	ike->local_id_type = ike->remote_id_type = ST_ID_ADDR;
	ike->spi_i = 0x9FFC38791FFEF212ULL;
	ike->spi_r = 0x6CDC17F5B0B10C1AULL;
	ike->algs = (struct st_algs){ .encr = 12, .encr_keylen = 128, .prf = 2, .integ = 2, .dh = 5 };
	ike->lifetime = 86400;
	ike->rekey_after = 3247;
	st_ike_established(ike);

	ch = st_child_new(ike->index, NULL);
	ch->algs = (struct st_algs){ .encr = 12, .encr_keylen = 128, .integ = 2 };
	ch->life_kb = 4608000;
	ch->life_sec = 3600;
	ch->rekey_sec = 3600 - 180;
	ch->reqid = 2;
	ch->nts_local = ch->nts_remote = 1;
	subnet_parse("192.168.1.0/24", &ch->ts_local[0].net);
	subnet_parse("192.168.2.0/24", &ch->ts_remote[0].net);
	assert_int_equal(st_child_add_sa(ch, ST_SA_IN, spi_in, IPPROTO_ESP), 0);
	assert_int_equal(st_child_add_sa(ch, ST_SA_OUT, spi_out, IPPROTO_ESP), 0);
	assert_int_equal(st_sa_update(spi_in, ST_SA_IN, &dc), 0);
	assert_int_equal(st_sa_update(spi_out, ST_SA_OUT, &dc), 0);
	return ch;
}

static int
setup(void **unused)
{
	fake_ms = 5000000;
	st_set_clock(clock_ms, clock_wall);
	st_init();
	show_crypto_register();
	seed_tunnel("ciscoios", "172.16.10.1", "172.16.10.2", 0xDF405365, 0xC0CC116C);
	fake_ms += 152 * 1000;
	return 0;
}

static int
teardown(void **unused)
{
	ctl_unregister_all();
	st_free();
	st_set_clock(NULL, NULL);
	return 0;
}

/* Runs a command as the control socket would; returns its text (caller frees). */
static char *
run(const char *cmd, int expect_rc)
{
	struct buf *out = buf_new(1024);
	char *s;

	assert_non_null(out);
	assert_int_equal(ctl_dispatch(cmd, out), expect_rc);
	s = strndup((const char *)out->data, out->len);
	buf_free(out);
	return s;
}

static void
has(const char *text, const char *line)
{
	if (strstr(text, line) == NULL)
		fail_msg("missing \"%s\" in:\n%s", line, text);
}

static void
hasnt(const char *text, const char *line)
{
	if (strstr(text, line) != NULL)
		fail_msg("unexpected \"%s\" in:\n%s", line, text);
}

static void
test_ipsec_sa(void **unused)
{
	char *s = run("show crypto ipsec sa", 0);

	has(s, "interface: ciscoios\n");
	has(s, "    Crypto map tag: ciscoios, local addr 172.16.10.1\n");
	has(s, "   local  ident (addr/mask/prot/port): (192.168.1.0/255.255.255.0/0/0)\n");
	has(s, "   remote ident (addr/mask/prot/port): (192.168.2.0/255.255.255.0/0/0)\n");
	has(s, "   current_peer 172.16.10.2 port 500\n");
	has(s, "    #pkts encaps: 100, #pkts encrypt: 100, #pkts digest: 100\n");
	has(s, "    #pkts decaps: 100, #pkts decrypt: 100, #pkts verify: 100\n");
	has(s, "    #send errors 0, #recv errors 0\n");
	has(s, "     local crypto endpt.: 172.16.10.1, remote crypto endpt.: 172.16.10.2\n");
	has(s, "     current outbound spi: 0xC0CC116C(3234599276)\n");
	has(s, "     PFS (Y/N): N, DH group: none\n");
	has(s, "     inbound esp sas:\n      spi: 0xDF405365(3745534821)\n"
	    "        transform: esp-aes esp-sha-hmac ,\n"
	    "        in use settings ={Tunnel, }\n");
	has(s, "     outbound esp sas:\n      spi: 0xC0CC116C(3234599276)\n");
	/* 4608000 KB less the 9 KB sent; 3600 s less the 152 s gone */
	has(s, "        sa timing: remaining key lifetime (k/sec): (4607991/3448)\n");
	has(s, "        IV size: 16 bytes\n");
	has(s, "        replay detection support: Y\n");
	has(s, "        Status: ACTIVE(ACTIVE)\n");
	has(s, "     outbound ah sas:\n");
	free(s);
}

static void
test_ipsec_sa_rekeyed(void **unused)
{
	struct st_child *ch = st_child_get(1);
	struct st_dir_counters dc = { .octets = 5000, .packets = 50 };
	char *s;

	/* after a rekey the totals keep the old SA's packets */
	ch->algs.dh = 14;
	st_child_add_sa(ch, ST_SA_IN, 0x11111111, IPPROTO_ESP);
	st_child_add_sa(ch, ST_SA_OUT, 0x22222222, IPPROTO_ESP);
	st_sa_update(0x22222222, ST_SA_OUT, &dc);
	st_sa_gone(0xC0CC116C, ST_SA_OUT, NULL);
	s = run("show crypto ipsec sa", 0);
	has(s, "#pkts encaps: 150, #pkts encrypt: 150, #pkts digest: 150\n");
	has(s, "#pkts decaps: 100,");
	has(s, "current outbound spi: 0x22222222(572662306)\n");
	has(s, "PFS (Y/N): Y, DH group: group14\n");
	has(s, "      spi: 0xDF405365(3745534821)\n");	/* old inbound still there */
	has(s, "        Status: ACTIVE(EXPIRING)\n");
	hasnt(s, "spi: 0xC0CC116C");
	free(s);
}

/* No lifebytes: no volume limit, said the way IOS-XE says it, the
 * seconds still counting down; a limit shows the KB left. */
static void
test_ipsec_sa_no_lifebytes(void **unused)
{
	struct st_child *ch = st_child_get(1);
	char *s;

	ch->life_kb = 0;
	s = run("show crypto ipsec sa", 0);
	has(s, "        sa timing: remaining key lifetime (sec): 3448\n"
	    "        Kilobyte Volume Rekey has been disabled\n"
	    "        IV size: 16 bytes\n");
	hasnt(s, "(k/sec)");
	free(s);
	s = run("show crypto session detail", 0);
	has(s, "        Inbound:  #pkts dec'ed 100 drop 0 life (KB/Sec) KB Vol Rekey Disabled/3448\n");
	has(s, "        Outbound: #pkts enc'ed 100 drop 0 life (KB/Sec) KB Vol Rekey Disabled/3448\n");
	free(s);

	/* 1000 KB, of which 9 went out (10000 octets) */
	ch->life_kb = 1000;
	s = run("show crypto ipsec sa", 0);
	has(s, "        sa timing: remaining key lifetime (k/sec): (991/3448)\n");
	hasnt(s, "Kilobyte Volume Rekey");
	free(s);
	s = run("show crypto session detail", 0);
	has(s, "life (KB/Sec) 991/3448\n");
	free(s);
}

static void
test_ipsec_sa_peer(void **unused)
{
	char *s;

	seed_tunnel("other", "172.16.10.1", "172.16.20.2", 0x1001, 0x2002);
	s = run("show crypto ipsec sa peer 172.16.20.2", 0);
	has(s, "current_peer 172.16.20.2 port 500");
	hasnt(s, "172.16.10.2");
	free(s);
	s = run("show crypto ipsec sa peer 10.9.9.9", 0);
	has(s, "No SAs found");
	free(s);
	s = run("show crypto ipsec sa peer not-an-address", -1);
	has(s, "% Invalid peer address: not-an-address");
	free(s);
	s = run("show crypto ipsec sa", 0);
	has(s, "current_peer 172.16.20.2 port 500");
	has(s, "current_peer 172.16.10.2 port 500");
	free(s);
}

static void
test_session(void **unused)
{
	char *s = run("show crypto session detail", 0);

	has(s, "Crypto session current status\n");
	has(s, "Code: C - IKE Configuration mode, D - Dead Peer Detection\n");
	has(s, "Interface: ciscoios\nUptime: 00:02:32\nSession status: UP-ACTIVE\n");
	has(s, "Peer: 172.16.10.2 port 500 fvrf: (none) ivrf: (none)\n");
	has(s, "      Phase1_id: 172.16.10.2\n");
	has(s, "  IKEv2 SA: local 172.16.10.1/500 remote 172.16.10.2/500 Active\n");
	has(s, "          Capabilities:(none) connid:1 lifetime:23:57:28\n");
	has(s, "  IPSEC FLOW: permit ip 192.168.1.0/255.255.255.0 192.168.2.0/255.255.255.0\n");
	has(s, "        Active SAs: 2, origin: crypto map\n");
	has(s, "        Inbound:  #pkts dec'ed 100 drop 0 life (KB/Sec) 4607991/3448\n");
	has(s, "        Outbound: #pkts enc'ed 100 drop 0 life (KB/Sec) 4607991/3448\n");
	free(s);

	s = run("show crypto session", 0);
	has(s, "Session status: UP-ACTIVE\nPeer: 172.16.10.2 port 500\n");
	hasnt(s, "Inbound:");
	hasnt(s, "Uptime:");
	free(s);
	s = run("show crypto session bogus", -1);
	has(s, "% Invalid input: bogus");
	free(s);

	/* a configured peer with nothing up */
	st_ike_end(1, ST_TERM_NORMAL);
	s = run("show crypto session", 0);
	has(s, "Interface: ciscoios\nSession status: DOWN\nPeer: 172.16.10.2 port 500\n");
	free(s);
}

static void
test_ikev2_sa(void **unused)
{
	char *s = run("show crypto ikev2 sa detailed", 0);

	has(s, " IPv4 Crypto IKEv2  SA \n");
	has(s, "Tunnel-id Local                 Remote                fvrf/ivrf            Status \n");
	has(s, "1         172.16.10.1/500       172.16.10.2/500       none/none            READY\n");
	has(s, "      Encr: AES-CBC, keysize: 128, PRF: SHA1, Hash: SHA96, DH Grp:5, "
	    "Auth sign: PSK, Auth verify: PSK\n");
	has(s, "      Life/Active Time: 86400/152 sec\n");
	has(s, "      Status Description: Negotiation done\n");
	has(s, "      Local spi: 9FFC38791FFEF212       Remote spi: 6CDC17F5B0B10C1A\n");
	has(s, "      Local id: 172.16.10.1\n      Remote id: 172.16.10.2\n");
	has(s, "      NAT-T is not detected\n");
	has(s, "      Initiator of SA : Yes\n");
	has(s, "      Child sa: local selector  192.168.1.0/0 - 192.168.1.255/65535\n");
	has(s, "                remote selector 192.168.2.0/0 - 192.168.2.255/65535\n");
	has(s, "                ESP spi in/out: 0xDF405365/0xC0CC116C\n");
	has(s, " IPv6 Crypto IKEv2  SA \n");
	free(s);

	s = run("show crypto ikev2 sa", 0);
	has(s, "      Life/Active Time: 86400/152 sec\n");
	hasnt(s, "Local spi");
	free(s);

	/* a responder's SA in negotiation */
	st_ike_new("ciscoios", 2, 0);
	s = run("show crypto ikev2 sa", 0);
	has(s, "\n2         ");
	has(s, "IN-NEG\n");
	free(s);
}

static void
test_isakmp_sa(void **unused)
{
	struct st_ike *v1;
	char *s = run("show crypto isakmp sa", 0);

	/* IKEv2 SAs are not ISAKMP SAs */
	has(s, "IPv4 Crypto ISAKMP SA\ndst             src             state          conn-id status\n\n");
	hasnt(s, "172.16.10.2");
	free(s);

	v1 = st_ike_new("ciscoios", 1, 1);
	addr_parse("172.16.10.1", &v1->local);
	addr_parse("172.16.10.2", &v1->remote);
	v1->algs = (struct st_algs){ .encr = 12, .encr_keylen = 128, .integ = 2, .dh = 5 };
	v1->lifetime = 86400;
	st_ike_established(v1);
	fake_ms += 25 * 1000;
	s = run("show crypto isakmp sa", 0);
	has(s, "172.16.10.2     172.16.10.1     QM_IDLE              2 ACTIVE\n");
	free(s);
	s = run("show crypto isakmp sa detail", 0);
	has(s, "       psk - Preshared key, rsig - RSA signature\n");
	has(s, "C-id  Local           Remote          I-VRF  Status Encr Hash   Auth DH Lifetime Cap.\n");
	has(s, "2     172.16.10.1     172.16.10.2            ACTIVE aes  sha    psk  5  23:59:35 \n");
	has(s, "       Engine-id:Conn-id =  SW:2\n");
	has(s, "       Negotiation mode: Main\n");
	free(s);

	/* an Aggressive Mode SA: IOS's AG_* states, then QM_IDLE */
	v1 = st_ike_new("ciscoios", 1, 0);
	addr_parse("172.16.10.1", &v1->local);
	addr_parse("172.16.10.3", &v1->remote);
	v1->aggressive = 1;
	v1->mm_state = ST_MM_SA_SETUP;
	s = run("show crypto isakmp sa", 0);
	has(s, "172.16.10.3     172.16.10.1     AG_INIT_EXCH         3 NEGOTIATING\n");
	free(s);
	v1->mm_state = ST_MM_KEY_AUTH;
	s = run("show crypto isakmp sa", 0);
	has(s, "172.16.10.3     172.16.10.1     AG_AUTH              3 NEGOTIATING\n");
	free(s);
	st_ike_established(v1);
	s = run("show crypto isakmp sa detail", 0);
	has(s, "       Negotiation mode: Aggressive\n");
	free(s);
	s = run("show crypto isakmp sa", 0);
	has(s, "172.16.10.3     172.16.10.1     QM_IDLE              3 ACTIVE\n");
	free(s);
}

/* The counts, the summary and the per-peer forms of show tech-support ipsec. */
static void
test_tech_views(void **unused)
{
	char *s;

	seed_tunnel("other", "172.16.10.1", "172.16.20.2", 0x1001, 0x2002);
	st_ike_new("ciscoios", 2, 0);	/* a responder's SA in negotiation */
	s = run("show crypto isakmp sa count", 0);
	assert_string_equal(s, "Active ISAKMP SA's: 0\n"
	    "Standby ISAKMP SA's: 0\n"
	    "Currently being negotiated ISAKMP SA's: 0\n"
	    "Dead ISAKMP SA's: 0\n"
	    "Active IKEv2 SA's: 2\n"
	    "Currently being negotiated IKEv2 SA's: 1\n"
	    "Dead IKEv2 SA's: 0\n");
	free(s);
	s = run("show crypto ipsec sa count", 0);
	assert_string_equal(s, "IPsec SA total: 4, active: 4, rekeying: 0, unused: 0, "
	    "invalid: 0\n");
	free(s);
	s = run("show crypto isakmp sa count extra", -1);
	has(s, "% Invalid input: extra");
	free(s);

	s = run("show crypto session summary", 0);
	has(s, "Crypto session summary\n\n");
	has(s, "ciscoios             172.16.10.2                             500   "
	    "(none)/(none)    UP-ACTIVE        1\n");
	has(s, "other                172.16.20.2                             500   "
	    "(none)/(none)    UP-ACTIVE        1\n");
	has(s, "DOWN-NEGOTIATING 0\n");
	has(s, "\nTotal sessions: 3 (UP-ACTIVE 2, UP-IDLE 0, UP-NO-IKE 0, "
	    "DOWN-NEGOTIATING 1)\n");
	free(s);

	s = run("show crypto isakmp peers", 0);
	has(s, "Peer: 172.16.10.2 Port: 500 Local: 172.16.10.1\n Phase1 id: 172.16.10.2\n"
	    " IKE version: 2, connection: ciscoios\n");
	has(s, "Peer: 172.16.20.2 Port: 500 Local: 172.16.10.1\n");
	free(s);
	s = run("show crypto isakmp peers 172.16.20.2", 0);
	has(s, "Peer: 172.16.20.2 Port: 500");
	hasnt(s, "172.16.10.2");
	free(s);
	s = run("show crypto isakmp peers nowhere", -1);
	has(s, "% Invalid peer address: nowhere");
	free(s);

	s = run("show crypto session remote 172.16.20.2 detail", 0);
	has(s, "Interface: other\n");
	has(s, "Peer: 172.16.20.2 port 500 fvrf: (none) ivrf: (none)\n");
	has(s, "        Inbound:  #pkts dec'ed 100 drop 0");
	hasnt(s, "172.16.10.2");
	free(s);
	s = run("show crypto session remote", -1);
	has(s, "% Invalid remote address: (none)");
	free(s);
	s = run("show crypto isakmp sa peer 172.16.20.2 detail", 0);
	has(s, "C-id  Local           Remote");
	free(s);

	s = run("show crypto ipsec sa peer 172.16.20.2 detail", 0);
	has(s, "current_peer 172.16.20.2 port 500");
	has(s, "    #send errors 0, #recv errors 0\n\n"
	    "    #pkts no sa (send) 0, #pkts invalid sa (rcv) 0\n");
	has(s, "    #pkts invalid prot (recv) 0, #pkts verify failed: 0\n");
	has(s, "    ##pkts replay failed (rcv): 0\n");
	hasnt(s, "172.16.10.2");
	free(s);
	s = run("show crypto ipsec sa", 0);
	hasnt(s, "#pkts no sa");
	free(s);
}

static void
test_statusall(void **unused)
{
	char *s = run("statusall", 0);

	has(s, "Status of IKE ikeflow daemon (ikeflow " PACKAGE_VERSION ", ");
	has(s, "  uptime: 2 minutes, since May 24 ");
	has(s, "Connections:\n    ciscoios: 172.16.10.1...172.16.10.2 IKEv2\n");
	has(s, "    ciscoios:   local:  [172.16.10.1] uses pre-shared key authentication\n");
	has(s, "    ciscoios:   child:  192.168.1.0/24 === 192.168.2.0/24 TUNNEL\n");
	has(s, "Security Associations (1 up, 0 connecting):\n");
	has(s, "    ciscoios[1]: ESTABLISHED 2 minutes ago, "
	    "172.16.10.1[172.16.10.1]...172.16.10.2[172.16.10.2]\n");
	has(s, "    ciscoios[1]: IKEv2 SPIs: 9ffc38791ffef212_i* 6cdc17f5b0b10c1a_r, "
	    "pre-shared key rekeying in 51 minutes\n");
	has(s, "    ciscoios[1]: IKE proposal: AES_CBC_128/HMAC_SHA1_96/PRF_HMAC_SHA1/MODP_1536\n");
	has(s, "    ciscoios{1}:  INSTALLED, TUNNEL, reqid 2, ESP SPIs: df405365_i c0cc116c_o\n");
	has(s, "    ciscoios{1}:  AES_CBC_128/HMAC_SHA1_96, 10000 bytes_i (100 pkts), "
	    "10000 bytes_o (100 pkts), rekeying in 54 minutes\n");
	has(s, "    ciscoios{1}:   192.168.1.0/24 === 192.168.2.0/24\n");
	free(s);
	s = run("statusall extra", -1);
	free(s);
}

static size_t
count(const char *text, const char *needle)
{
	size_t n = 0;

	for (const char *p = text; (p = strstr(p, needle)) != NULL; p += strlen(needle))
		n++;
	return n;
}

static void
test_grouping(void **unused)
{
	struct st_ike *b = st_ike_new("ciscoios", 2, 1);
	struct st_child *c1, *c2, *orphan;
	char *s, *p1, *p2;

	addr_parse("172.16.10.1", &b->local);
	addr_parse("172.16.30.2", &b->remote);
	st_ike_established(b);
	/* children of the two IKE SAs interleaved in index order */
	c1 = st_child_new(1, NULL);
	c2 = st_child_new(b->index, NULL);
	c1->nts_local = c1->nts_remote = c2->nts_local = c2->nts_remote = 1;
	subnet_parse("10.1.0.0/16", &c1->ts_local[0].net);
	subnet_parse("10.2.0.0/16", &c1->ts_remote[0].net);
	subnet_parse("10.3.0.0/16", &c2->ts_local[0].net);
	subnet_parse("10.4.0.0/16", &c2->ts_remote[0].net);
	st_child_add_sa(c2, ST_SA_IN, 0x3001, IPPROTO_ESP);
	st_child_add_sa(c2, ST_SA_OUT, 0x3002, IPPROTO_ESP);
	s = run("show crypto session", 0);
	p1 = strstr(s, "remote 172.16.10.2/500");
	p2 = strstr(s, "remote 172.16.30.2/0");
	assert_non_null(p1);
	assert_non_null(p2);
	assert_true(p1 < p2);
	/* each flow is listed under its own IKE SA */
	assert_true(strstr(s, "10.1.0.0/255.255.0.0") > p1);
	assert_true(strstr(s, "10.1.0.0/255.255.0.0") < p2);
	assert_true(strstr(s, "10.3.0.0/255.255.0.0") > p2);
	assert_int_equal(count(s, "Session status: UP-ACTIVE"), 2);
	free(s);

	/* a child whose IKE SA is gone but which is still installed */
	orphan = st_child_get(1);
	st_child_reparent(orphan, 999);
	s = run("show crypto session", 0);
	has(s, "Session status: UP-NO-IKE\nPeer: 172.16.10.2 port 500\n"
	    "  IPSEC FLOW: permit ip 192.168.1.0/255.255.255.0 192.168.2.0/255.255.255.0\n");
	free(s);
}

static int
count_n(const char *p, size_t len, const char *what)
{
	char *s = strndup(p, len);
	int n = (int)count(s, what);

	free(s);
	return n;
}

static void
test_many_tunnels(void **unused)
{
	char *s;

	for (int i = 0; i < 3000; i++) {
		char name[32];

		snprintf(name, sizeof(name), "peer%d", i);
		seed_tunnel(name, "172.16.10.1", "10.0.0.1", 0x100000 + i, 0x200000 + i);
	}
	s = run("show crypto session detail", 0);
	assert_int_equal(count(s, "Session status: UP-ACTIVE"), 3001);
	assert_int_equal(count(s, "Outbound: #pkts enc'ed 100 drop 0"), 3001);
	free(s);
	s = run("statusall", 0);
	assert_int_equal(count(s, "INSTALLED, TUNNEL"), 3001);
	has(s, "Security Associations (3001 up, 0 connecting):");
	free(s);
	s = run("show crypto ipsec sa peer 10.0.0.1", 0);
	assert_int_equal(count(s, "#pkts encaps: 100,"), 3000);
	free(s);

	/* on the control socket the same answer comes in parts of 64 tunnels,
	 * one per turn of the loop; a tunnel gone meanwhile is skipped */
	{
		struct buf *out = buf_new(1024);
		struct ctl_more more;
		int parts = 1;

		assert_int_equal(ctl_dispatch_more("show crypto ipsec sa detail", out, &more), 0);
		assert_non_null(more.fn);
		assert_int_equal(count_n((const char *)out->data, out->len, "#pkts encaps: 100,"), 64);
		st_child_end(100, ST_TERM_NORMAL);
		while (ctl_more_run(&more, out))
			parts++;
		assert_null(more.fn);
		/* 64, then the 2936 left (one ended meanwhile) in 46 more: the
		 * last of them says it was the last */
		assert_int_equal(parts, 46);
		assert_int_equal(count_n((const char *)out->data, out->len, "#pkts encaps: 100,"), 3000);
		buf_free(out);
	}
}

static void
test_names(void **unused)
{
	struct st_algs a = { .encr = 12, .encr_keylen = 256 };
	char buf[128];

	assert_string_equal(st_cisco_esp_encr(&a), "esp-256-aes");
	assert_string_equal(st_encr_name(&a), "AES_CBC_256");
	a.encr = 20;
	a.encr_keylen = 128;
	assert_string_equal(st_cisco_esp_encr(&a), "esp-gcm");
	assert_string_equal(st_cisco_ike_encr(&a), "AES-GCM");
	assert_true(st_encr_is_aead(a.encr));
	a.encr = 3;
	assert_string_equal(st_cisco_esp_encr(&a), "esp-3des");
	assert_string_equal(st_encr_name(&a), "3DES_CBC");
	assert_string_equal(st_cisco_isakmp_encr(&a), "3des");
	assert_string_equal(st_cisco_esp_auth(1), "esp-md5-hmac");
	assert_string_equal(st_cisco_esp_auth(12), "esp-sha256-hmac");
	assert_string_equal(st_cisco_esp_auth(0), "");
	assert_string_equal(st_integ_name(14), "HMAC_SHA2_512_256");
	assert_string_equal(st_integ_name(13), "HMAC_SHA2_384_192");
	assert_string_equal(st_prf_name(5), "PRF_HMAC_SHA2_256");
	assert_string_equal(st_prf_name(7), "PRF_HMAC_SHA2_512");
	assert_string_equal(st_dh_name(14), "MODP_2048");
	assert_string_equal(st_dh_name(19), "ECP_256");
	assert_string_equal(st_dh_name(99), "DH_99");
	assert_string_equal(st_cisco_ike_hash(12), "SHA256");
	assert_string_equal(st_cisco_ike_prf(6), "SHA384");
	a = (struct st_algs){ .encr = 20, .encr_keylen = 256, .dh = 19 };
	assert_string_equal(st_proposal_str(&a, 0, buf, sizeof(buf)), "AES_GCM_16_256/ECP_256");
	assert_string_equal(st_term_name(ST_TERM_PEER_LOST), "peer lost");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_ipsec_sa, setup, teardown),
		cmocka_unit_test_setup_teardown(test_ipsec_sa_rekeyed, setup, teardown),
		cmocka_unit_test_setup_teardown(test_ipsec_sa_no_lifebytes, setup, teardown),
		cmocka_unit_test_setup_teardown(test_ipsec_sa_peer, setup, teardown),
		cmocka_unit_test_setup_teardown(test_session, setup, teardown),
		cmocka_unit_test_setup_teardown(test_ikev2_sa, setup, teardown),
		cmocka_unit_test_setup_teardown(test_isakmp_sa, setup, teardown),
		cmocka_unit_test_setup_teardown(test_tech_views, setup, teardown),
		cmocka_unit_test_setup_teardown(test_statusall, setup, teardown),
		cmocka_unit_test_setup_teardown(test_grouping, setup, teardown),
		cmocka_unit_test_setup_teardown(test_many_tunnels, setup, teardown),
		cmocka_unit_test_setup_teardown(test_names, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
