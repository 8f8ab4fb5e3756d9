/* The engine against a real strongSwan charon, both ways, over UDP between
 * two network namespaces joined by a veth pair: IKE_SA_INIT, the float to
 * 4500 (charon has MOBIKE on), IKE_AUTH with PSK, the child's proposal and
 * traffic selectors, and deletes from either side. Our kernel calls are
 * recorded, as in test_ikev2_engine.c; charon's go to the host kernel, which
 * may lack ESP, so charon's own child install may fail: the tests accept
 * that outcome where it shows. Skipped (77) without root, charon or swanctl. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "test_ikev2_engine_env.h"

#define CHARON		"/usr/lib/ipsec/charon"
#define SWANCTL		"/usr/sbin/swanctl"
#define US		"192.0.2.1"
#define THEM		"192.0.2.2"

static char ns_us[32], ns_them[32], veth[16];
static int home_ns = -1, ns_serial;
static pid_t charon_pid;
static int sock500 = -1, sock4500 = -1;
static struct ifl_addr our_addr;

static int
sh(const char *fmt, ...)
{
	char cmd[2048];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	return system(cmd);
}

/* Runs swanctl in charon's namespace, in the background; returns its pid. */
static pid_t
swanctl_bg(const char *args)
{
	char cmd[1024];
	pid_t pid;

	snprintf(cmd, sizeof(cmd), "exec ip netns exec %s " SWANCTL " %s "
	    "--uri unix://%s/charon.vici >%s/swanctl.out 2>&1", ns_them, args, tdir,
	    tdir);
	if ((pid = fork()) == 0) {
		execl("/bin/sh", "sh", "-c", cmd, (char *)NULL);
		_exit(127);
	}
	return pid;
}

static void
net_send_marker(int fd, const struct ifl_addr *dst, uint16_t dport,
    const uint8_t *pkt, size_t len)
{
	static const uint8_t marker[4];
	struct sockaddr_storage ss;
	struct iovec iov[2] = { { (void *)marker, 4 }, { (void *)pkt, len } };
	struct msghdr mh;
	socklen_t sl;

	assert_int_equal(addr_to_sockaddr(dst, dport, &ss, &sl), 0);
	memset(&mh, 0, sizeof(mh));
	mh.msg_name = &ss;
	mh.msg_namelen = sl;
	mh.msg_iov = fd == sock4500 ? iov : iov + 1;
	mh.msg_iovlen = fd == sock4500 ? 2 : 1;
	assert_true(sendmsg(fd, &mh, 0) >= 0);
}

static int
net_send(void *arg, const struct ifl_addr *src, uint16_t sport,
    const struct ifl_addr *dst, uint16_t dport, const uint8_t *pkt, size_t len)
{
	struct t_side *s = arg;

	(void)src;
	s->sent++;
	if (pkt_is_resp(pkt))
		s->sent_resp[pkt_exch(pkt) - 32]++;
	else
		s->sent_exch[pkt_exch(pkt) - 32]++;
	s->last_sport = sport;
	s->last_dport = dport;
	net_send_marker(sport == 4500 ? sock4500 : sock500, dst, dport, pkt, len);
	return 0;
}

static void
net_read(int fd, uint32_t events, void *arg)
{
	struct t_side *s = arg;
	struct sockaddr_storage from;
	socklen_t fl = sizeof(from);
	struct ifl_addr src;
	uint16_t sport;
	uint8_t buf[8192];
	ssize_t r;

	(void)events;
	while ((r = recvfrom(fd, buf, sizeof(buf), MSG_DONTWAIT,
	    (struct sockaddr *)&from, &fl)) >= 0) {
		assert_int_equal(addr_from_sockaddr((struct sockaddr *)&from, &src,
		    &sport), 0);
		if (fd == sock4500) {
			if (r < 4 || memcmp(buf, "\0\0\0\0", 4) != 0)
				continue;	/* keepalive or ESP */
			ikev2_input(s->eng, &src, sport, &our_addr, 4500, buf + 4,
			    (size_t)r - 4);
		} else
			ikev2_input(s->eng, &src, sport, &our_addr, 500, buf, (size_t)r);
		fl = sizeof(from);
	}
}

static int
udp_bind(uint16_t port)
{
	struct sockaddr_storage ss;
	socklen_t sl;
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK, 0);

	assert_true(fd >= 0);
	assert_int_equal(addr_to_sockaddr(&our_addr, port, &ss, &sl), 0);
	assert_int_equal(bind(fd, (struct sockaddr *)&ss, sl), 0);
	assert_int_equal(loop_fd_add(fd, EPOLLIN, net_read, &side_i), 0);
	return fd;
}

static const char charon_conf[] =
    "charon {\n"
    "\tload_modular = yes\n\tinstall_routes = no\n"
    "\tretransmit_timeout = 1\n\tretransmit_tries = 2\n"
    "\tfragment_size = 400\n"
    "\tplugins {\n\t\tinclude /etc/strongswan.d/charon/*.conf\n"
    "\t\tvici { socket = unix://%s/charon.vici }\n\t}\n"
    "\tfilelog { f { path = %s/charon.log\n\t\tdefault = 1\n\t\tike = 2\n\t} }\n"
    "}\n";

/* strongSwan's side of the seed connection, in swanctl syntax. */
static const char swanctl_conf[] =
    "connections { c {\n"
    "\tlocal_addrs = " THEM "\n\tremote_addrs = " US "\n"
    "\tversion = 2\n\tproposals = %s\n"
    "\tlocal { auth = psk\n\t\tid = " THEM " }\n"
    "\tremote { auth = psk\n\t\tid = " US " }\n"
    "\tchildren { net {\n"
    "\t\tlocal_ts = 192.168.2.0/24%s\n\t\tremote_ts = 192.168.1.0/24%s\n"
    "\t\tesp_proposals = %s\n\t}\n"
    "\tnet2 {\n"
    "\t\tlocal_ts = 192.168.2.128/25\n\t\tremote_ts = 192.168.1.0/25\n"
    "\t\tesp_proposals = aes256-sha256-modp2048\n\t} }\n"
    "} }\n"
    "secrets { ike-1 { id-1 = " US "\n\tid-2 = " THEM "\n\tsecret = \"cisco\" } }\n";

static const char our_conf[] =
    "conn ciscoios\n"
    "\tleft=" US "\n\tleftsubnet=192.168.1.0/24%s\n\tleftid=" US "\n"
    "\tright=" THEM "\n\trightsubnet=192.168.2.0/24%s\n\trightid=" THEM "\n"
    "\tauto=add\n\tkeyexchange=ikev2\n\tauthby=secret\n\tkeyingtries=1\n"
    "\tike=%s\n\tesp=%s\n";

static int
run_until(int (*cond)(void), int ms)
{
	uint64_t end = loop_now_ms() + (uint64_t)ms;

	while (loop_now_ms() < end) {
		if (cond())
			return 1;
		loop_once(20);
	}
	return cond();
}

static int
our_ike_up(void)
{
	const struct st_ike *ike = st_ike_next(0);

	return ike && ike->state == ST_IKE_ESTABLISHED;
}

static int
our_ike_gone(void)
{
	return st_ike_next(0) == NULL;
}

static int
setup(void **state)
{
	char buf[4096];
	int fd, i;

	t_setup(state);
	ns_serial++;
	snprintf(ns_us, sizeof(ns_us), "ifl-eng-a%d-%d", (int)getpid(), ns_serial);
	snprintf(ns_them, sizeof(ns_them), "ifl-eng-b%d-%d", (int)getpid(), ns_serial);
	snprintf(veth, sizeof(veth), "ie%d-%d", (int)(getpid() % 100000), ns_serial);
	/* the veth pair is made here, in the namespace we started in */
	assert_int_equal(setns(home_ns, CLONE_NEWNET), 0);
	assert_int_equal(sh("ip netns add %s && ip netns add %s && "
	    "ip link add %sa type veth peer name %sb && "
	    "ip link set %sa netns %s && ip link set %sb netns %s && "
	    "ip -n %s addr add " US "/24 dev %sa && ip -n %s addr add " THEM "/24 dev %sb && "
	    "ip -n %s link set %sa up && ip -n %s link set %sb up && "
	    "ip -n %s link set lo up && ip -n %s link set lo up",
	    ns_us, ns_them, veth, veth, veth, ns_us, veth, ns_them,
	    ns_us, veth, ns_them, veth, ns_us, veth, ns_them, veth,
	    ns_us, ns_them), 0);
	snprintf(buf, sizeof(buf), "/run/netns/%s", ns_us);
	assert_true((fd = open(buf, O_RDONLY)) >= 0);
	assert_int_equal(setns(fd, CLONE_NEWNET), 0);
	close(fd);
	snprintf(buf, sizeof(buf), charon_conf, tdir, tdir);
	t_put("charon.conf", buf);
	if ((charon_pid = fork()) == 0) {
		snprintf(buf, sizeof(buf), "exec ip netns exec %s unshare -m sh -c "
		    "'mount --make-rprivate /; mount -t tmpfs r /run; "
		    "STRONGSWAN_CONF=%s/charon.conf exec " CHARON "' >/dev/null 2>&1",
		    ns_them, tdir);
		execl("/bin/sh", "sh", "-c", buf, (char *)NULL);
		_exit(127);
	}
	snprintf(buf, sizeof(buf), "%s/charon.vici", tdir);
	for (i = 0; i < 100 && access(buf, F_OK) < 0; i++)
		usleep(100000);
	assert_int_equal(access(buf, F_OK), 0);
	assert_int_equal(addr_parse(US, &our_addr), 0);
	return 0;
}

static int
teardown(void **state)
{
	if (sock500 >= 0) {
		loop_fd_del(sock500);
		close(sock500);
	}
	if (sock4500 >= 0) {
		loop_fd_del(sock4500);
		close(sock4500);
	}
	sock500 = sock4500 = -1;
	if (charon_pid > 0) {
		sh("ip netns pids %s | xargs -r kill 2>/dev/null", ns_them);
		waitpid(charon_pid, NULL, 0);
		charon_pid = 0;
	}
	assert_int_equal(setns(home_ns, CLONE_NEWNET), 0);
	sh("ip netns del %s 2>/dev/null; ip netns del %s 2>/dev/null", ns_us, ns_them);
	return t_teardown(state);
}

static const char *extra_l = "", *extra_r = "";

static void
bring_up2(const char *ike, const char *their_ike, const char *esp, const char *psk)
{
	struct ike_tuning tun;
	char conf[2048], swan[2048], sec[256];

	snprintf(swan, sizeof(swan), swanctl_conf, their_ike, extra_r, extra_l, esp);
	t_put("charon.swanctl", swan);
	assert_int_equal(sh("ip netns exec %s " SWANCTL " --load-all --file %s/charon.swanctl "
	    "--uri unix://%s/charon.vici >/dev/null 2>&1", ns_them, tdir, tdir), 0);
	snprintf(conf, sizeof(conf), our_conf, extra_l, extra_r, ike, esp);
	extra_l = extra_r = "";
	ike_tuning_defaults(&tun);
	tun.fragment_size = 400;
	tun.retrans_timeout = 0.5;
	tun.retrans_tries = 2;
	t_send_override = net_send;
	snprintf(sec, sizeof(sec), US " " THEM " : PSK \"%s\"\n", psk);
	t_side_up(&side_i, US, 0xc1000001u, conf, sec, &tun);
	sock500 = udp_bind(500);
	sock4500 = udp_bind(4500);
}

static void
bring_up(const char *ike, const char *esp)
{
	bring_up2(ike, ike, esp, "cisco");
}

static void
dump_charon_log(void)
{
	sh("tail -40 %s/charon.log >&2", tdir);
}

/* A child on our side, or charon's refusal of it (a kernel without ESP). */
static void
assert_child_or_refused(int we_initiated)
{
	const struct t_child *c;

	if (side_i.nchildren == 0) {
		assert_true(we_initiated);
		assert_int_equal(count_ipsec_fails(ST_IPF_PROPOSAL), 1);
		return;
	}
	c = &side_i.children[0];
	assert_int_equal(c->d.encr, 12);
	assert_int_equal(c->d.encr_keylen, 128);
	assert_int_equal(c->d.integ, 2);
	assert_true(c->d.spi_out != 0);
	assert_int_equal(c->d.nts_local, 1);
	assert_int_equal(c->d.nts_remote, 1);
	assert_int_equal(c->ts_l[0].start.u.raw[2], 1);
	assert_int_equal(c->ts_r[0].start.u.raw[2], 2);
}

static void
test_we_initiate(void **state)
{
	const struct st_ike *ike;

	(void)state;
	bring_up("aes128-sha1-modp1536", "aes128-sha1");
	assert_int_equal(ikev2_initiate(side_i.eng, side_i.cfg->conns), 0);
	if (!run_until(our_ike_up, 5000))
		dump_charon_log();
	ike = st_ike_next(0);
	assert_non_null(ike);
	assert_int_equal(ike->state, ST_IKE_ESTABLISHED);
	assert_int_equal(ike->algs.encr, 12);
	assert_int_equal(ike->algs.dh, 5);
	assert_string_equal(ike->remote_id, THEM);
	/* charon has MOBIKE on: IKE_AUTH went to 4500 */
	assert_int_equal(ike->remote_port, 4500);
	assert_child_or_refused(1);
	assert_int_equal(ikev2_terminate(side_i.eng, "ciscoios"), 1);
	assert_true(run_until(our_ike_gone, 3000));
	assert_int_equal(st_ike_hist_next(0)->reason, ST_TERM_OPER);
	assert_int_equal(count_ike_fails(ST_IKEF_PEER_LOST), 0);
}

static void
test_they_initiate(void **state)
{
	const struct st_ike *ike;
	pid_t p;

	(void)state;
	bring_up("aes256-sha256-modp2048", "aes128-sha1");
	p = swanctl_bg("--initiate --ike c --child net --timeout 10");
	if (!run_until(our_ike_up, 5000))
		dump_charon_log();
	ike = st_ike_next(0);
	assert_non_null(ike);
	assert_int_equal(ike->state, ST_IKE_ESTABLISHED);
	assert_false(ike->initiator);
	assert_int_equal(ike->algs.encr_keylen, 256);
	assert_int_equal(ike->algs.prf, 5);
	assert_int_equal(ike->algs.dh, 14);
	assert_string_equal(ike->remote_id, THEM);
	/* our responder narrowed nothing: the seed's subnets both ways */
	assert_int_equal(side_i.nchildren, 1);
	assert_child_or_refused(0);
	loop_once(100);
	waitpid(p, NULL, 0);
	/* charon's delete: by its operator, or because its kernel refused
	 * the child; either way the peer deleted */
	p = swanctl_bg("--terminate --ike c --timeout 5");
	assert_true(run_until(our_ike_gone, 5000));
	waitpid(p, NULL, 0);
	assert_int_equal(st_ike_hist_next(0)->reason, ST_TERM_PEER_DEL);
	assert_int_equal(count_ike_fails(ST_IKEF_AUTH), 0);
}

static int
failed_once(void)
{
	return st_ike_fail_next(0) != NULL && st_ike_next(0) == NULL;
}

static void
test_we_initiate_wrong_psk(void **state)
{
	(void)state;
	bring_up2("aes128-sha1-modp1536", "aes128-sha1-modp1536", "aes128-sha1",
	    "not-cisco");
	assert_int_equal(ikev2_initiate(side_i.eng, side_i.cfg->conns), 0);
	assert_true(run_until(failed_once, 5000));
	assert_int_equal(count_ike_fails(ST_IKEF_AUTH), 1);
	assert_non_null(strstr(st_ike_fail_next(0)->detail, "AUTHENTICATION_FAILED"));
	assert_int_equal(side_i.nchildren, 0);
}

static void
test_they_initiate_wrong_psk(void **state)
{
	pid_t p;

	(void)state;
	bring_up2("aes128-sha1-modp1536", "aes128-sha1-modp1536", "aes128-sha1",
	    "not-cisco");
	p = swanctl_bg("--initiate --ike c --child net --timeout 10");
	assert_true(run_until(failed_once, 5000));
	loop_once(100);
	waitpid(p, NULL, 0);
	assert_int_equal(count_ike_fails(ST_IKEF_AUTH), 1);
	assert_non_null(strstr(st_ike_fail_next(0)->detail, "does not verify"));
	assert_int_equal(side_i.nchildren, 0);
}

static void
test_invalid_ke_from_charon(void **state)
{
	const struct st_ike *ike;

	(void)state;
	/* our KE is for ecp256; charon only takes modp2048 and says so */
	bring_up2("aes128-sha256-ecp256-modp2048!", "aes128-sha256-modp2048",
	    "aes128-sha1", "cisco");
	assert_int_equal(ikev2_initiate(side_i.eng, side_i.cfg->conns), 0);
	if (!run_until(our_ike_up, 5000))
		dump_charon_log();
	ike = st_ike_next(0);
	assert_non_null(ike);
	assert_int_equal(ike->state, ST_IKE_ESTABLISHED);
	assert_int_equal(ike->algs.dh, 14);
	assert_int_equal(side_i.sent_exch[IKEV2_EXCH_IKE_SA_INIT - 32], 2);
	assert_int_equal(count_ike_fails(ST_IKEF_PROPOSAL), 0);
}

static void
test_no_proposal_with_charon(void **state)
{
	(void)state;
	bring_up2("aes256-sha256-modp2048!", "aes128-sha1-modp1536", "aes128-sha1",
	    "cisco");
	assert_int_equal(ikev2_initiate(side_i.eng, side_i.cfg->conns), 0);
	assert_true(run_until(failed_once, 5000));
	assert_int_equal(count_ike_fails(ST_IKEF_PROPOSAL), 1);
	assert_non_null(strstr(st_ike_fail_next(0)->detail, "NO_PROPOSAL_CHOSEN"));
}

static int
rekeyed_ike_up(void)
{
	const struct st_ike *ike = st_ike_next(0);

	/* only the new SA left, up */
	return ike && ike->index > 1 && ike->state == ST_IKE_ESTABLISHED &&
	    st_ike_next(ike->index) == NULL;
}

static void
test_charon_rekeys_ike(void **state)
{
	const struct st_ike *ike;
	const struct st_ike_hist *h;
	pid_t p;

	(void)state;
	bring_up("aes128-sha1-modp1536", "aes128-sha1");
	assert_int_equal(ikev2_initiate(side_i.eng, side_i.cfg->conns), 0);
	assert_true(run_until(our_ike_up, 5000));
	/* charon, the responder of this IKE SA, rekeys it */
	p = swanctl_bg("--rekey --ike c");
	if (!run_until(rekeyed_ike_up, 5000))
		dump_charon_log();
	waitpid(p, NULL, 0);
	ike = st_ike_next(0);
	assert_true(rekeyed_ike_up());
	/* the new SA's initiator is charon, who started the rekey */
	assert_false(ike->initiator);
	assert_int_equal(ike->algs.dh, 5);
	h = st_ike_hist_next(0);
	assert_non_null(h);
	assert_int_equal(h->reason, ST_TERM_NORMAL);
	/* our delete travels on the new SA's keys */
	assert_int_equal(ikev2_terminate(side_i.eng, "ciscoios"), 1);
	assert_true(run_until(our_ike_gone, 3000));
	h = st_ike_hist_next(h->index);
	assert_non_null(h);
	assert_int_equal(h->reason, ST_TERM_OPER);
	assert_int_equal(count_ike_fails(ST_IKEF_PEER_LOST), 0);
}

static void
test_we_rekey_ike(void **state)
{
	const struct st_ike *ike;

	(void)state;
	bring_up("aes256-sha256-ecp256", "aes128-sha1");
	assert_int_equal(ikev2_initiate(side_i.eng, side_i.cfg->conns), 0);
	assert_true(run_until(our_ike_up, 5000));
	assert_int_equal(ikev2_ike_rekey(side_i.eng, st_ike_next(0)->index), 0);
	if (!run_until(rekeyed_ike_up, 5000))
		dump_charon_log();
	ike = st_ike_next(0);
	assert_true(rekeyed_ike_up());
	assert_true(ike->initiator);
	assert_int_equal(ike->algs.dh, 19);
	assert_int_equal(st_ike_hist_next(0)->reason, ST_TERM_NORMAL);
	/* charon knows the new SA: it answers a liveness check on it */
	assert_int_equal(ikev2_liveness(side_i.eng, ike->index), 0);
	run_until(our_ike_gone, 1500);
	assert_true(rekeyed_ike_up());
	assert_int_equal(side_i.sent_exch[IKEV2_EXCH_INFORMATIONAL - 32], 2);
	assert_int_equal(count_ike_fails(ST_IKEF_PEER_LOST), 0);
}

static void
test_fragments_with_charon(void **state)
{
	const struct st_ike *ike;
	pid_t p;

	(void)state;
	/* eight subnets a side make IKE_AUTH longer than the 400 bytes both
	 * sides allow: RFC 7383 fragments, each way */
	extra_l = ",10.1.0.0/16,10.2.0.0/16,10.3.0.0/16,10.4.0.0/16,10.5.0.0/16,"
	    "10.6.0.0/16,10.7.0.0/16";
	extra_r = ",10.11.0.0/16,10.12.0.0/16,10.13.0.0/16,10.14.0.0/16,10.15.0.0/16,"
	    "10.16.0.0/16,10.17.0.0/16";
	bring_up("aes128-sha1-modp1536", "aes128-sha1");
	p = swanctl_bg("--initiate --ike c --child net --timeout 10");
	if (!run_until(our_ike_up, 5000))
		dump_charon_log();
	ike = st_ike_next(0);
	assert_non_null(ike);
	assert_int_equal(ike->state, ST_IKE_ESTABLISHED);
	assert_int_equal(side_i.nchildren, 1);
	assert_int_equal(side_i.children[0].d.nts_local, 8);
	assert_int_equal(side_i.children[0].d.nts_remote, 8);
	/* our answer went in pieces */
	assert_true(side_i.sent_resp[IKEV2_EXCH_IKE_AUTH - 32] >= 2);
	loop_once(100);
	waitpid(p, NULL, 0);
	assert_int_equal(sh("grep -q 'received fragment' %s/charon.log", tdir), 0);
	assert_int_equal(sh("grep -q 'splitting IKE message' %s/charon.log", tdir), 0);
}

static int
two_children(void)
{
	return side_i.nchildren >= 2;
}

static void
test_charon_adds_child(void **state)
{
	const struct t_child *c;
	pid_t p;

	(void)state;
	bring_up2("aes128-sha1-modp1536", "aes128-sha1-modp1536",
	    "aes128-sha1,aes256-sha256-modp2048", "cisco");
	p = swanctl_bg("--initiate --ike c --child net --timeout 10");
	assert_true(run_until(our_ike_up, 5000));
	loop_once(100);
	waitpid(p, NULL, 0);
	/* a second child on the same IKE SA: CREATE_CHILD_SA with PFS */
	p = swanctl_bg("--initiate --ike c --child net2 --timeout 10");
	if (!run_until(two_children, 5000))
		dump_charon_log();
	loop_once(100);
	waitpid(p, NULL, 0);
	assert_int_equal(side_i.nchildren, 2);
	c = &side_i.children[1];
	assert_int_equal(c->d.encr_keylen, 256);
	assert_int_equal(c->d.integ, 12);
	assert_int_equal(c->d.nts_local, 1);
	assert_int_equal(c->ts_l[0].start.u.raw[3], 0);
	assert_int_equal(c->ts_l[0].end.u.raw[3], 127);
	assert_int_equal(c->ts_r[0].start.u.raw[3], 128);
	/* charon's kernel may have refused it and deleted it since: the
	 * state model has it live or in the history, with PFS either way */
	{
		const struct st_child *row = st_child_find(c->d.child_index);
		const struct st_child_hist *h;

		for (h = st_child_hist_next(0); row == NULL && h;
		    h = st_child_hist_next(h->index))
			if (h->child.index == c->d.child_index)
				row = &h->child;
		assert_non_null(row);
		assert_int_equal(row->algs.dh, 14);
	}
	assert_int_equal(st_ike_next(0)->c.in_p2_exchg, 1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_we_initiate, setup, teardown),
		cmocka_unit_test_setup_teardown(test_they_initiate, setup, teardown),
		cmocka_unit_test_setup_teardown(test_we_initiate_wrong_psk, setup, teardown),
		cmocka_unit_test_setup_teardown(test_they_initiate_wrong_psk, setup, teardown),
		cmocka_unit_test_setup_teardown(test_invalid_ke_from_charon, setup, teardown),
		cmocka_unit_test_setup_teardown(test_no_proposal_with_charon, setup, teardown),
		cmocka_unit_test_setup_teardown(test_charon_rekeys_ike, setup, teardown),
		cmocka_unit_test_setup_teardown(test_we_rekey_ike, setup, teardown),
		cmocka_unit_test_setup_teardown(test_fragments_with_charon, setup, teardown),
		cmocka_unit_test_setup_teardown(test_charon_adds_child, setup, teardown),
	};

	if (geteuid() != 0 || access(CHARON, X_OK) < 0 || access(SWANCTL, X_OK) < 0 ||
	    system("ip netns list >/dev/null 2>&1") != 0) {
		fprintf(stderr, "needs root, " CHARON " and " SWANCTL ": skipped\n");
		return 77;
	}
	signal(SIGPIPE, SIG_IGN);
	if ((home_ns = open("/proc/self/ns/net", O_RDONLY)) < 0)
		return 77;
	log_init("test_ikev2_engine_interop", 1, 0);
	log_setlevel(LOG_INFO);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
