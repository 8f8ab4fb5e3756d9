/* kernel/route.c against the host's real kernel, in a fresh network
 * namespace (routes and rules need no ESP): the rule at start and its
 * removal, a tunnel's route with the next hop and interface towards the
 * peer and the source inside the local subnet, routes shared by children,
 * a peer that moves, a route or rule that was there before (left alone),
 * an unreachable peer (logged, naming the connection and the subnet),
 * subnets of the other family than the peer's, a routed connection's trap
 * holding its routes apart from its children, an IPv6 source still in
 * duplicate address detection (the route waits for the address event that
 * makes it usable, or goes without a source when detection fails).
 * What the kernel holds is read back with ip(8), as an operator would. */
#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <poll.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/log.h"
#include "common/loop.h"
#include "kernel/route.h"

static char loglines[16384];
static char dadns[32];		/* a named namespace to remove at teardown */

static void
sink(int prio, const char *line, void *arg)
{
	(void)prio;
	(void)arg;
	strncat(loglines, line, sizeof(loglines) - strlen(loglines) - 2);
	strcat(loglines, "\n");
}

/* The output of a shell command (ip), as one string. */
static const char *
run(const char *cmd)
{
	static char out[8192];
	char quiet[512];
	FILE *f;
	size_t n = 0;

	/* an empty table is "does not exist" on stderr */
	snprintf(quiet, sizeof(quiet), "%s 2>/dev/null", cmd);
	f = popen(quiet, "r");
	out[0] = '\0';
	if (f == NULL)
		return out;
	n = fread(out, 1, sizeof(out) - 1, f);
	out[n] = '\0';
	pclose(f);
	return out;
}

static int
sh(const char *cmd)
{
	return system(cmd);
}

static int
setup(void **state)
{
	(void)state;
	if (unshare(CLONE_NEWNET) < 0)
		return -1;
	loglines[0] = '\0';
	log_init("test", 0, 0);
	log_setlevel(LOG_DEBUG);
	log_set_sink(sink, NULL);
	/* gw2 of the test bed: the outside link to the peer 192.0.2.1, the
	 * protected subnet 203.0.113.0/24, and a farther network behind a
	 * router for the peer's moves */
	if (sh("ip link set lo up && "
	    "ip link add v2 type veth peer name v1 && "
	    "ip link set v1 up && ip link set v2 up && "
	    "ip addr add 192.0.2.2/24 dev v2 && "
	    "ip addr add 203.0.113.1/24 dev lo && "
	    "ip route add 10.9.0.0/16 via 192.0.2.254") != 0)
		return -1;
	return 0;
}

static int
teardown(void **state)
{
	char cmd[64];

	(void)state;
	route_shutdown();
	log_set_sink(NULL, NULL);
	if (dadns[0]) {
		snprintf(cmd, sizeof(cmd), "ip netns del %s 2>/dev/null", dadns);
		sh(cmd);
		dadns[0] = '\0';
	}
	return 0;
}

static struct ifl_subnet
net(const char *s)
{
	struct ifl_subnet n;

	assert_int_equal(subnet_parse(s, &n), 0);
	return n;
}

static struct ifl_addr
addr(const char *s)
{
	struct ifl_addr a;

	assert_int_equal(addr_parse(s, &a), 0);
	return a;
}

static void
t_rule_and_route(void **state)
{
	struct ifl_subnet remote = net("198.51.100.0/24"), local = net("203.0.113.0/24");
	struct ifl_addr peer = addr("192.0.2.1");

	(void)state;
	assert_int_equal(route_init(220, 220), 0);
	assert_non_null(strstr(run("ip rule"), "220:\tfrom all lookup 220"));
	assert_int_equal(route_child_add("ciscoios", 0xc1000001, &remote, &peer,
	    &local, 1), 0);
	/* the peer is on the link: no next hop, the link's interface */
	assert_string_equal(run("ip route show table 220"),
	    "198.51.100.0/24 dev v2 proto static src 203.0.113.1 \n");
	assert_int_equal(route_count(), 1);
	assert_non_null(strstr(loglines, "IKE:ciscoios: route installed: "
	    "198.51.100.0/24 dev v2 src 203.0.113.1 table 220"));
	/* a rekey's successor shares it; the route goes with the last child */
	assert_int_equal(route_child_add("ciscoios", 0xc1000002, &remote, &peer,
	    &local, 1), 0);
	assert_int_equal(route_count(), 1);
	route_child_del(0xc1000001);
	assert_non_null(strstr(run("ip route show table 220"), "198.51.100.0/24"));
	route_child_del(0xc1000002);
	assert_string_equal(run("ip route show table 220"), "");
	assert_int_equal(route_count(), 0);
	route_shutdown();
	assert_null(strstr(run("ip rule"), "lookup 220"));
}

/* auto=route: the trap holds the route before any child and after the
 * last one; a trap's reqid equal to a child's SPI is still another user. */
static void
t_trap_route(void **state)
{
	struct ifl_subnet remote = net("198.51.100.0/24"), local = net("203.0.113.0/24");
	struct ifl_addr peer = addr("192.0.2.1");

	(void)state;
	assert_int_equal(route_init(220, 220), 0);
	assert_int_equal(route_trap_add("ciscoios", 7, &remote, &peer, &local, 1), 0);
	assert_string_equal(run("ip route show table 220"),
	    "198.51.100.0/24 dev v2 proto static src 203.0.113.1 \n");
	/* the ACQUIRE's child comes and goes: the trap's route stays */
	assert_int_equal(route_child_add("ciscoios", 7, &remote, &peer, &local, 1), 0);
	assert_int_equal(route_count(), 1);
	route_child_del(7);
	assert_non_null(strstr(run("ip route show table 220"), "198.51.100.0/24"));
	/* trapped again (a child's delete puts the trap back): still one user */
	assert_int_equal(route_trap_add("ciscoios", 7, &remote, &peer, &local, 1), 0);
	assert_int_equal(route_child_add("ciscoios", 0xc1000001, &remote, &peer,
	    &local, 1), 0);
	/* untrapped while a child lives: the child keeps it */
	route_trap_del(7);
	assert_non_null(strstr(run("ip route show table 220"), "198.51.100.0/24"));
	route_child_del(0xc1000001);
	assert_string_equal(run("ip route show table 220"), "");
	assert_int_equal(route_count(), 0);
}

static int
walk_cb(const struct route_info *r, void *arg)
{
	const struct route_info **out = arg;

	*out = r;
	return 1;
}

static void
t_next_hop_and_move(void **state)
{
	struct ifl_subnet remote = net("198.51.100.0/24");
	struct ifl_subnet locals[2] = { net("172.16.0.0/12"), net("203.0.113.0/25") };
	struct ifl_addr peer = addr("10.9.1.1"), moved = addr("192.0.2.1");
	const struct route_info *ri = NULL;
	char a[ADDR_STRLEN];

	(void)state;
	assert_int_equal(route_init(1000, 1000), 0);
	assert_int_equal(route_child_add("far", 7, &remote, &peer, locals, 2), 0);
	/* the peer behind a router: its next hop; the source from the second
	 * local subnet */
	assert_string_equal(run("ip route show table 1000"),
	    "198.51.100.0/24 via 192.0.2.254 dev v2 proto static src 203.0.113.1 \n");
	route_walk(walk_cb, &ri);
	assert_non_null(ri);
	assert_string_equal(ri->conn, "far");
	assert_string_equal(ri->ifname, "v2");
	assert_string_equal(addr_str(&ri->gw, a, sizeof(a)), "192.0.2.254");
	assert_string_equal(addr_str(&ri->src, a, sizeof(a)), "203.0.113.1");
	assert_int_equal(ri->users, 1);
	/* the peer came back from another address (NAT): the route follows */
	assert_int_equal(route_child_move(7, &moved), 0);
	assert_string_equal(run("ip route show table 1000"),
	    "198.51.100.0/24 dev v2 proto static src 203.0.113.1 \n");
	/* no local address inside the local subnet: no source */
	remote = net("198.18.0.0/16");
	locals[0] = net("172.16.0.0/12");
	assert_int_equal(route_child_add("far", 8, &remote, &moved, locals, 1), 0);
	assert_non_null(strstr(run("ip route show table 1000"),
	    "198.18.0.0/16 dev v2 proto static \n"));
	/* shutdown removes what it added */
	route_shutdown();
	assert_string_equal(run("ip route show table 1000"), "");
	assert_null(strstr(run("ip rule"), "lookup 1000"));
}

static void
t_not_ours_left_alone(void **state)
{
	struct ifl_subnet remote = net("198.51.100.0/24"), local = net("203.0.113.0/24");
	struct ifl_addr peer = addr("192.0.2.1");

	(void)state;
	assert_int_equal(sh("ip rule add pref 220 table 220 && "
	    "ip route add 198.51.100.0/24 via 192.0.2.77 table 220"), 0);
	assert_int_equal(route_init(220, 220), 0);
	assert_non_null(strstr(loglines, "rule priority 220 lookup table 220 "
	    "already there"));
	assert_int_equal(route_child_add("ciscoios", 1, &remote, &peer, &local, 1), 0);
	assert_int_equal(route_count(), 0);
	assert_non_null(strstr(loglines, "IKE:ciscoios: a route to 198.51.100.0/24 "
	    "in table 220 is already there, not ours"));
	route_child_del(1);
	route_shutdown();
	/* both stay */
	assert_non_null(strstr(run("ip route show table 220"), "via 192.0.2.77"));
	assert_non_null(strstr(run("ip rule"), "220:\tfrom all lookup 220"));
}

static void
t_unreachable_peer(void **state)
{
	struct ifl_subnet remote = net("198.51.100.0/24"), local = net("203.0.113.0/24");
	struct ifl_addr peer = addr("100.64.0.1");

	(void)state;
	assert_int_equal(route_init(220, 220), 0);
	assert_true(route_child_add("lost", 1, &remote, &peer, &local, 1) < 0);
	assert_non_null(strstr(loglines, "IKE:lost: no route to 198.51.100.0/24 "
	    "installed: the peer 100.64.0.1 is not reachable"));
	assert_int_equal(route_count(), 0);
	assert_string_equal(run("ip route show table 220"), "");
}

static void
t_ipv6(void **state)
{
	struct ifl_subnet remote = net("2001:db8:2::/48"), local = net("2001:db8:1::/48");
	struct ifl_addr peer = addr("2001:db8:ff::1");

	(void)state;
	if (sh("ip -6 addr add 2001:db8:ff::2/64 dev v2 nodad && "
	    "ip -6 addr add 2001:db8:1::1/64 dev lo nodad") != 0)
		skip();
	assert_int_equal(route_init(220, 220), 0);
	assert_non_null(strstr(run("ip -6 rule"), "220:\tfrom all lookup 220"));
	assert_int_equal(route_child_add("v6", 1, &remote, &peer, &local, 1), 0);
	assert_non_null(strstr(run("ip -6 route show table 220"),
	    "2001:db8:2::/48 dev v2 proto static src 2001:db8:1::1 "));
	route_child_del(1);
	assert_string_equal(run("ip -6 route show table 220"), "");
	route_shutdown();
	assert_null(strstr(run("ip -6 rule"), "lookup 220"));
}

/* Each family's subnets through a peer of the other family, both peers
 * behind a router: the route carries the interface towards the peer but
 * never the peer's next hop, which is of the wrong family. */
static void
t_cross_family(void **state)
{
	struct ifl_subnet r4 = net("198.51.100.0/24"), l4 = net("203.0.113.0/24");
	struct ifl_subnet r6 = net("2001:db8:2::/48"), l6 = net("2001:db8:1::/48");
	struct ifl_addr peer6 = addr("2001:db8:ee::1"), peer4 = addr("10.9.1.1");

	(void)state;
	if (sh("ip -6 addr add 2001:db8:ff::2/64 dev v2 nodad && "
	    "ip -6 addr add 2001:db8:1::1/64 dev lo nodad && "
	    "ip -6 route add 2001:db8:ee::/48 via 2001:db8:ff::fe") != 0)
		skip();
	assert_int_equal(route_init(220, 220), 0);
	/* IPv4 in IPv6 */
	assert_int_equal(route_child_add("v4in6", 1, &r4, &peer6, &l4, 1), 0);
	assert_string_equal(run("ip route show table 220"),
	    "198.51.100.0/24 dev v2 proto static src 203.0.113.1 \n");
	/* IPv6 in IPv4 */
	assert_int_equal(route_child_add("v6in4", 2, &r6, &peer4, &l6, 1), 0);
	assert_non_null(strstr(run("ip -6 route show table 220"),
	    "2001:db8:2::/48 dev v2 proto static src 2001:db8:1::1 "));
	assert_null(strstr(run("ip -6 route show table 220"), " via "));
	route_child_del(1);
	route_child_del(2);
	assert_string_equal(run("ip route show table 220"), "");
	assert_string_equal(run("ip -6 route show table 220"), "");
}

/* Reads the address events as the daemon's loop does until cmd's output
 * has want; a busy machine gets time (no fixed sleep). */
static int
wait_output(const char *cmd, const char *want)
{
	uint64_t end = loop_now_ms() + 30000;
	struct pollfd p;

	p.fd = route_events_fd();
	p.events = POLLIN;
	while (loop_now_ms() < end) {
		if (strstr(run(cmd), want))
			return 1;
		if (poll(&p, 1, 100) > 0)
			route_events_read();
	}
	return strstr(run(cmd), want) != NULL;
}

/* A link whose far end is down has no carrier: an address added to it
 * stays tentative until the far end comes up, then detection runs (one
 * probe, 100 ms, no random delay). */
#define DAD_LINK(a, b) \
	"ip link add " a " type veth peer name " b " && " \
	"sysctl -qw net.ipv6.conf." a ".accept_dad=1 " \
	"net.ipv6.conf." a ".dad_transmits=1 " \
	"net.ipv6.conf." a ".router_solicitation_delay=0 " \
	"net.ipv6.neigh." a ".retrans_time_ms=100 && " \
	"ip link set " a " up"

static void
t_ipv6_tentative_source(void **state)
{
	struct ifl_subnet remote = net("2001:db8:2::/48"), local = net("2001:db8:1::/48");
	struct ifl_addr peer = addr("2001:db8:ff::1");
	const struct route_info *ri = NULL;

	(void)state;
	if (sh("ip -6 addr add 2001:db8:ff::2/64 dev v2 nodad && "
	    DAD_LINK("v3", "v4") " && ip -6 addr add 2001:db8:1::1/64 dev v3") != 0)
		skip();
	assert_non_null(strstr(run("ip -6 addr show dev v3"), "tentative"));
	assert_int_equal(route_init(220, 220), 0);
	assert_true(route_events_fd() >= 0);
	/* refused by the kernel now: the route waits, listed */
	assert_int_equal(route_child_add("v6", 1, &remote, &peer, &local, 1), 0);
	assert_string_equal(run("ip -6 route show table 220"), "");
	assert_non_null(strstr(loglines, "IKE:v6: route 2001:db8:2::/48 dev v2 "
	    "src 2001:db8:1::1 table 220 waits for its source 2001:db8:1::1, still "
	    "tentative (duplicate address detection)"));
	assert_int_equal(route_count(), 1);
	route_walk(walk_cb, &ri);
	assert_non_null(ri);
	assert_int_equal(ri->waiting, 1);
	/* a second child shares the waiting route */
	assert_int_equal(route_child_add("v6", 2, &remote, &peer, &local, 1), 0);
	assert_int_equal(route_count(), 1);
	route_child_del(2);
	/* the carrier comes, detection passes: the route goes in with it */
	assert_int_equal(sh("ip link set v4 up"), 0);
	assert_true(wait_output("ip -6 route show table 220",
	    "2001:db8:2::/48 dev v2 proto static src 2001:db8:1::1 "));
	assert_non_null(strstr(loglines, "IKE:v6: route installed: 2001:db8:2::/48 "
	    "dev v2 src 2001:db8:1::1 table 220 (its source 2001:db8:1::1 is usable "
	    "now)"));
	route_walk(walk_cb, &ri);
	assert_int_equal(ri->waiting, 0);
	route_child_del(1);
	assert_string_equal(run("ip -6 route show table 220"), "");

	/* a child gone while its route waits: nothing to remove */
	assert_int_equal(sh(DAD_LINK("v7", "v8") " && "
	    "ip -6 addr add 2001:db8:1::7/64 dev v7 && "
	    "ip -6 addr del 2001:db8:1::1/64 dev v3"), 0);
	assert_int_equal(route_child_add("v6", 3, &remote, &peer, &local, 1), 0);
	assert_int_equal(route_count(), 1);
	route_child_del(3);
	assert_int_equal(route_count(), 0);
	assert_non_null(strstr(loglines, "IKE:v6: route 2001:db8:2::/48 dev v2 src "
	    "2001:db8:1::7 table 220 no longer needed; never installed"));
	/* its source usable later: still nothing */
	assert_int_equal(sh("ip link set v8 up"), 0);
	assert_true(wait_output("ip -6 -o addr show dev v7 | grep -v tentative",
	    "2001:db8:1::7"));
	route_events_read();
	assert_string_equal(run("ip -6 route show table 220"), "");
}

/* The far end holds the same address: detection fails, and the route goes
 * in without a source rather than never. */
static void
t_ipv6_duplicate_source(void **state)
{
	struct ifl_subnet remote = net("2001:db8:2::/48"), local = net("2001:db8:1::/48");
	struct ifl_subnet remote2 = net("2001:db8:3::/48");
	struct ifl_addr peer = addr("2001:db8:ff::1");
	char cmd[512], *ns = dadns;

	(void)state;
	/* the far end in a namespace of its own, where the address is not
	 * this host's */
	snprintf(dadns, sizeof(dadns), "ifl-dad-%ld", (long)getpid());
	snprintf(cmd, sizeof(cmd), "ip -6 addr add 2001:db8:ff::2/64 dev v2 nodad && "
	    DAD_LINK("v3", "v4") " && ip netns add %s && ip link set v4 netns %s && "
	    "ip -n %s -6 addr add 2001:db8:1::1/64 dev v4 nodad && "
	    "ip -6 addr add 2001:db8:1::1/64 dev v3", ns, ns, ns);
	if (sh(cmd) != 0)
		skip();
	assert_int_equal(route_init(220, 220), 0);
	assert_int_equal(route_child_add("dup", 1, &remote, &peer, &local, 1), 0);
	assert_string_equal(run("ip -6 route show table 220"), "");
	snprintf(cmd, sizeof(cmd), "ip -n %s link set v4 up", ns);
	assert_int_equal(sh(cmd), 0);

	assert_true(wait_output("ip -6 route show table 220",
	    "2001:db8:2::/48 dev v2 proto static "));
	assert_null(strstr(run("ip -6 route show table 220"), " src "));
	assert_non_null(strstr(run("ip -6 addr show dev v3"), "dadfailed"));
	assert_non_null(strstr(loglines, "IKE:dup: the route to 2001:db8:2::/48 goes "
	    "without a source: 2001:db8:1::1 is a duplicate on its link"));
	/* a route asked for once detection has failed goes in at once */
	assert_int_equal(route_child_add("dup", 2, &remote2, &peer, &local, 1), 0);
	assert_non_null(strstr(run("ip -6 route show table 220"),
	    "2001:db8:3::/48 dev v2 proto static metric"));
	assert_non_null(strstr(loglines, "IKE:dup: the route to 2001:db8:3::/48 goes "
	    "without a source: 2001:db8:1::1 is a duplicate on its link"));
	assert_null(strstr(loglines, "route 2001:db8:3::/48 dev v2 src 2001:db8:1::1 "
	    "table 220 waits"));
	route_child_del(2);
	route_child_del(1);
	assert_string_equal(run("ip -6 route show table 220"), "");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(t_rule_and_route, setup, teardown),
		cmocka_unit_test_setup_teardown(t_next_hop_and_move, setup, teardown),
		cmocka_unit_test_setup_teardown(t_not_ours_left_alone, setup, teardown),
		cmocka_unit_test_setup_teardown(t_unreachable_peer, setup, teardown),
		cmocka_unit_test_setup_teardown(t_ipv6, setup, teardown),
		cmocka_unit_test_setup_teardown(t_cross_family, setup, teardown),
		cmocka_unit_test_setup_teardown(t_trap_route, setup, teardown),
		cmocka_unit_test_setup_teardown(t_ipv6_tentative_source, setup, teardown),
		cmocka_unit_test_setup_teardown(t_ipv6_duplicate_source, setup, teardown),
	};

	if (unshare(CLONE_NEWNET) < 0 || system("ip link add t0 type veth peer "
	    "name t1 2>/dev/null") != 0) {
		fprintf(stderr, "no network namespace or veth here (%s): skipped\n",
		    strerror(errno));
		return 77;
	}
	return cmocka_run_group_tests(tests, NULL, NULL);
}
