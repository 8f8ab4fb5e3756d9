/* xfrm-probe: drives kernel/xfrm.c by hand in the test bed (and captures
 * kernel messages as unit-test fixtures). Not installed.
 *
 *   xfrm-probe install-pair LOCAL REMOTE LNET RNET SPI_OUT SPI_IN [opts]
 *	SAs both ways (keys derived from the SPI: test keys only) and the
 *	out/in/fwd policies. opts: --reqid N --encr ID --keylen BITS --integ ID
 *	--soft-sec N --hard-sec N --soft-bytes N --hard-bytes N --esn
 *	--replay N --encap SPORT DPORT --no-policy --transport --update-in
 *   xfrm-probe trap LOCAL REMOTE LNET RNET REQID   out policy without SA
 *   xfrm-probe alloc-spi PEER LOCAL REQID   a larval inbound SA; prints its SPI
 *	(install-pair --update-in then fills it with UPDSA)
 *   xfrm-probe del-sa SRC DST SPI
 *   xfrm-probe dump                  one line per SA
 *   xfrm-probe policies              one line per policy
 *   xfrm-probe totals SPI_IN SPI_OUT  a state child with these SAs, one refresh
 *   xfrm-probe policy-use REQID      latest use of its policies after a refresh
 *   xfrm-probe events N SECONDS      prints the first N events through the module
 *   xfrm-probe capture DIR N SECONDS [TYPE]  raw events to DIR/NN-TYPE.bin
 *   xfrm-probe capture-dump FILE     the raw SA dump (all messages) to FILE
 *   xfrm-probe shell                 commands on stdin (see shell_cmd) with events
 *   xfrm-probe bench N REPS BASE     N children with SPIs BASE+i (out) and
 *	BASE+0x100000+i (in); REPS timed full dump-and-folds; prints ms
 *   xfrm-probe flush-test ...        install-pair args; then xfrm_flush_installed */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <libmnl/libmnl.h>
#include <linux/xfrm.h>

#include "common/log.h"
#include "common/loop.h"
#include "kernel/xfrm.h"
#include "kernel/xfrm_algs.h"
#include "kernel/xfrm_msg.h"
#include "state/state.h"

static int events_left = -1;

static void die(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));

static void
die(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "xfrm-probe: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\n");
	exit(2);
}

static uint32_t
num(const char *s)
{
	char *end;
	unsigned long long v = strtoull(s, &end, 0);

	if (*s == '\0' || *end != '\0' || v > UINT32_MAX)
		die("bad number '%s'", s);
	return (uint32_t)v;
}

static void
addr(const char *s, struct ifl_addr *a)
{
	if (addr_parse(s, a) < 0)
		die("bad address '%s'", s);
}

static void
subnet(const char *s, struct ifl_subnet *n)
{
	if (subnet_parse(s, n) < 0)
		die("bad subnet '%s'", s);
}

/* Test keys: both gateways derive the same bytes from the SPI. */
static void
test_key(uint32_t spi, uint8_t salt, uint8_t *k, size_t len)
{
	for (size_t i = 0; i < len; i++)
		k[i] = (uint8_t)((spi >> (8 * (i % 4))) ^ (i * 7) ^ salt);
}

struct pair {
	struct ifl_addr local, remote;
	struct ifl_subnet lnet, rnet;
	uint32_t spi_out, spi_in;
	struct xfrm_sa_cfg tmpl;
	int no_policy;
	int update_in;		/* fill an allocated (larval) inbound SA: UPDSA */
};

static int
install_sa(const struct pair *p, int out, uint32_t spi)
{
	struct xfrm_sa_cfg sa = p->tmpl;
	const struct xfrm_alg *e = xfrm_alg_encr(sa.encr, sa.encr_keylen);
	const struct xfrm_alg *i = sa.integ ? xfrm_alg_integ(sa.integ) : NULL;
	uint8_t ek[64], ik[64];
	int ret;

	if (e == NULL || (!e->aead && i == NULL))
		die("%s", "unknown transform");
	sa.src = out ? p->local : p->remote;
	sa.dst = out ? p->remote : p->local;
	sa.spi = spi;
	sa.dir = out ? ST_SA_OUT : ST_SA_IN;
	sa.encr_key_len = xfrm_alg_keymat(e);
	test_key(spi, 0x11, ek, sa.encr_key_len);
	sa.encr_key = ek;
	if (i != NULL) {
		sa.integ_key_len = xfrm_alg_keymat(i);
		test_key(spi, 0x22, ik, sa.integ_key_len);
		sa.integ_key = ik;
	}
	if (sa.encap && !out) {
		uint16_t t = sa.encap_sport;

		sa.encap_sport = sa.encap_dport;
		sa.encap_dport = t;
	}
	ret = !out && p->update_in ? xfrm_sa_update(&sa) : xfrm_sa_add(&sa);
	memset(ek, 0, sizeof(ek));
	memset(ik, 0, sizeof(ik));
	return ret;
}

static int
install_policies(const struct pair *p, int with_in)
{
	struct xfrm_pol_cfg pc;
	int ret;

	memset(&pc, 0, sizeof(pc));
	pc.reqid = p->tmpl.reqid;
	pc.transport = p->tmpl.transport;
	pc.src = p->lnet;
	pc.dst = p->rnet;
	pc.dir = IFL_XFRM_OUT;
	pc.tmpl_src = p->local;
	pc.tmpl_dst = p->remote;
	if ((ret = xfrm_policy_add(&pc)) < 0 || !with_in)
		return ret;
	pc.src = p->rnet;
	pc.dst = p->lnet;
	pc.tmpl_src = p->remote;
	pc.tmpl_dst = p->local;
	pc.dir = IFL_XFRM_IN;
	if ((ret = xfrm_policy_add(&pc)) < 0)
		return ret;
	pc.dir = IFL_XFRM_FWD;
	return xfrm_policy_add(&pc);
}

/* argv: LOCAL REMOTE LNET RNET SPI_OUT SPI_IN [opts] */
static void
parse_pair(int argc, char **argv, struct pair *p)
{
	memset(p, 0, sizeof(*p));
	if (argc < 6)
		die("%s", "install-pair LOCAL REMOTE LNET RNET SPI_OUT SPI_IN [opts]");
	addr(argv[0], &p->local);
	addr(argv[1], &p->remote);
	subnet(argv[2], &p->lnet);
	subnet(argv[3], &p->rnet);
	p->spi_out = num(argv[4]);
	p->spi_in = num(argv[5]);
	p->tmpl.encr = 12;
	p->tmpl.encr_keylen = 0;	/* the transform's default */
	p->tmpl.integ = 2;
	p->tmpl.reqid = 1;
	for (int i = 6; i < argc; i++) {
		const char *o = argv[i];
		const char *v = i + 1 < argc ? argv[i + 1] : NULL;

		if (strcmp(o, "--no-policy") == 0) {
			p->no_policy = 1;
			continue;
		}
		if (strcmp(o, "--transport") == 0) {
			p->tmpl.transport = 1;
			continue;
		}
		if (strcmp(o, "--esn") == 0) {
			p->tmpl.esn = 1;
			continue;
		}
		if (strcmp(o, "--update-in") == 0) {
			p->update_in = 1;
			continue;
		}
		if (v == NULL)
			die("option %s needs a value", o);
		i++;
		if (strcmp(o, "--reqid") == 0)
			p->tmpl.reqid = num(v);
		else if (strcmp(o, "--encr") == 0)
			p->tmpl.encr = num(v);
		else if (strcmp(o, "--keylen") == 0)
			p->tmpl.encr_keylen = num(v);
		else if (strcmp(o, "--integ") == 0)
			p->tmpl.integ = num(v);
		else if (strcmp(o, "--soft-sec") == 0)
			p->tmpl.soft_sec = num(v);
		else if (strcmp(o, "--hard-sec") == 0)
			p->tmpl.hard_sec = num(v);
		else if (strcmp(o, "--soft-bytes") == 0)
			p->tmpl.soft_bytes = num(v);
		else if (strcmp(o, "--hard-bytes") == 0)
			p->tmpl.hard_bytes = num(v);
		else if (strcmp(o, "--replay") == 0)
			p->tmpl.replay_window = num(v);
		else if (strcmp(o, "--encap") == 0 && i + 1 < argc) {
			p->tmpl.encap = 1;
			p->tmpl.encap_sport = num(v);
			p->tmpl.encap_dport = num(argv[++i]);
		} else
			die("unknown option %s", o);
	}
}

static int
cmd_install_pair(int argc, char **argv)
{
	struct pair p;

	parse_pair(argc, argv, &p);
	if (install_sa(&p, 1, p.spi_out) < 0 || install_sa(&p, 0, p.spi_in) < 0)
		return 1;
	if (!p.no_policy && install_policies(&p, 1) < 0)
		return 1;
	return 0;
}

static int
cmd_trap(int argc, char **argv)
{
	struct pair p;

	if (argc != 5)
		die("%s", "trap LOCAL REMOTE LNET RNET REQID");
	memset(&p, 0, sizeof(p));
	addr(argv[0], &p.local);
	addr(argv[1], &p.remote);
	subnet(argv[2], &p.lnet);
	subnet(argv[3], &p.rnet);
	p.tmpl.reqid = num(argv[4]);
	return install_policies(&p, 0) < 0;
}

static int
print_sa(const struct xfrm_sa_info *sa, void *arg)
{
	char d[ADDR_STRLEN], s[ADDR_STRLEN];

	(void)arg;
	printf("sa spi=%08x src=%s dst=%s proto=%u reqid=%u bytes=%" PRIu64
	    " packets=%" PRIu64 " replay=%u replay_window=%u integrity_failed=%u%s\n",
	    sa->spi, addr_str(&sa->src, s, sizeof(s)), addr_str(&sa->dst, d, sizeof(d)),
	    sa->proto, sa->reqid, sa->bytes, sa->packets, sa->replay, sa->replay_window,
	    sa->integrity_failed, sa->larval ? " larval" : "");
	return 0;
}

static int
print_pol(const struct xfrm_pol_info *p, void *arg)
{
	char s[SUBNET_STRLEN], d[SUBNET_STRLEN], ts[ADDR_STRLEN], td[ADDR_STRLEN];

	(void)arg;
	printf("policy %s %s === %s prio=%u reqid=%u tmpl=%s->%s use=%" PRIu64 "\n",
	    xfrm_pol_dir_name(p->dir), subnet_str(&p->src, s, sizeof(s)),
	    subnet_str(&p->dst, d, sizeof(d)), p->priority, p->reqid,
	    addr_str(&p->tmpl_src, ts, sizeof(ts)), addr_str(&p->tmpl_dst, td, sizeof(td)),
	    p->use_time);
	return 0;
}

static struct st_child *
make_child(uint32_t spi_in, uint32_t spi_out)
{
	struct st_child *ch = st_child_new(0, "probe");

	if (ch == NULL || st_child_add_sa(ch, ST_SA_IN, spi_in, IPPROTO_ESP) < 0 ||
	    st_child_add_sa(ch, ST_SA_OUT, spi_out, IPPROTO_ESP) < 0)
		die("%s", "state child");
	return ch;
}

static void
print_totals(const struct st_child *ch)
{
	struct st_child_counters t;

	st_child_totals(ch, &t);
	printf("totals child=%u in_packets=%" PRIu64 " in_octets=%" PRIu64
	    " out_packets=%" PRIu64 " out_octets=%" PRIu64 " in_replay=%" PRIu64
	    " in_auth_fails=%" PRIu64 " retired_in_packets=%" PRIu64
	    " retired_out_packets=%" PRIu64 "\n", ch->index,
	    t.in.packets, t.in.octets, t.out.packets, t.out.octets, t.in.replay_drops,
	    t.in.auth_fails, ch->retired.in.packets, ch->retired.out.packets);
}

/* ---- events ---- */

static void
ev_acquire(const struct xfrm_acquire *a, void *arg)
{
	char s[SUBNET_STRLEN], d[SUBNET_STRLEN], ts[ADDR_STRLEN], td[ADDR_STRLEN];
	char ps[ADDR_STRLEN], pd[ADDR_STRLEN];

	(void)arg;
	printf("event ACQUIRE sel=%s===%s pkt=%s->%s proto=%u tmpl=%s->%s reqid=%u\n",
	    subnet_str(&a->src, s, sizeof(s)), subnet_str(&a->dst, d, sizeof(d)),
	    addr_str(&a->pkt_src, ps, sizeof(ps)), addr_str(&a->pkt_dst, pd, sizeof(pd)),
	    a->proto,
	    addr_str(&a->tmpl_src, ts, sizeof(ts)), addr_str(&a->tmpl_dst, td, sizeof(td)),
	    a->reqid);
	if (events_left > 0)
		events_left--;
}

static void
ev_expire(const struct xfrm_sa_info *sa, int hard, void *arg)
{
	(void)arg;
	printf("event EXPIRE %s spi=%08x bytes=%" PRIu64 " packets=%" PRIu64 " t=%lld\n",
	    hard ? "hard" : "soft", sa->spi, sa->bytes, sa->packets,
	    (long long)time(NULL));
	if (events_left > 0)
		events_left--;
}

static void
ev_deleted(const struct xfrm_sa_info *sa, void *arg)
{
	(void)arg;
	printf("event DELSA spi=%08x bytes=%" PRIu64 " packets=%" PRIu64 "\n", sa->spi,
	    sa->bytes, sa->packets);
	if (events_left > 0)
		events_left--;
}

static void
ev_policy(const struct xfrm_pol_info *p, int deleted, void *arg)
{
	char s[SUBNET_STRLEN], d[SUBNET_STRLEN];

	(void)arg;
	printf("event POLICY %s %s %s===%s\n", deleted ? "deleted" : "installed",
	    xfrm_pol_dir_name(p->dir), subnet_str(&p->src, s, sizeof(s)),
	    subnet_str(&p->dst, d, sizeof(d)));
	if (events_left > 0)
		events_left--;
}

static const struct xfrm_handlers handlers = {
	ev_acquire, ev_expire, ev_deleted, ev_policy, NULL
};

static int
cmd_events(int argc, char **argv)
{
	uint64_t end;

	if (argc != 2)
		die("%s", "events N SECONDS");
	events_left = (int)num(argv[0]);
	end = loop_now_ms() + 1000ull * num(argv[1]);
	printf("ready\n");
	while (events_left > 0 && loop_now_ms() < end)
		loop_once((int)(end - loop_now_ms()));
	return events_left > 0;
}

/* Raw capture on a socket of our own: fixtures are the kernel's exact bytes. */
static int
cmd_capture(int argc, char **argv)
{
	static int groups[] = { XFRMNLGRP_ACQUIRE, XFRMNLGRP_EXPIRE, XFRMNLGRP_SA,
	    XFRMNLGRP_POLICY };
	static uint8_t buf[IFL_XFRM_BUFSZ];
	struct mnl_socket *nl;
	int n, want, got = 0;
	uint64_t end;

	if (argc != 3 && argc != 4)
		die("%s", "capture DIR N SECONDS [TYPE]");
	want = (int)num(argv[1]);
	end = loop_now_ms() + 1000ull * num(argv[2]);
	nl = mnl_socket_open(NETLINK_XFRM);
	if (nl == NULL || mnl_socket_bind(nl, 0, MNL_SOCKET_AUTOPID) < 0)
		die("%s", "netlink socket");
	for (size_t i = 0; i < sizeof(groups) / sizeof(groups[0]); i++)
		mnl_socket_setsockopt(nl, NETLINK_ADD_MEMBERSHIP, &groups[i], sizeof(int));
	fcntl(mnl_socket_get_fd(nl), F_SETFL, O_NONBLOCK);
	printf("ready\n");
	while (got < want && loop_now_ms() < end) {
		n = (int)mnl_socket_recvfrom(nl, buf, sizeof(buf));
		if (n < 0) {
			usleep(20000);
			continue;
		}
		for (const struct nlmsghdr *nlh = (void *)buf; mnl_nlmsg_ok(nlh, n) &&
		    got < want; nlh = mnl_nlmsg_next(nlh, &n)) {
			char path[512];
			FILE *f;

			if (argc == 4 && strcmp(argv[3], xfrm_msg_type_name(nlh->nlmsg_type)))
				continue;

			snprintf(path, sizeof(path), "%s/%02d-%s.bin", argv[0], got,
			    xfrm_msg_type_name(nlh->nlmsg_type));
			if ((f = fopen(path, "wb")) == NULL)
				die("cannot write %s", path);
			fwrite(nlh, 1, nlh->nlmsg_len, f);
			fclose(f);
			printf("captured %s (%u bytes)\n", path, nlh->nlmsg_len);
			got++;
		}
	}
	mnl_socket_close(nl);
	return got < want;
}

static int
cmd_capture_dump(int argc, char **argv)
{
	static uint8_t buf[IFL_XFRM_BUFSZ];
	struct mnl_socket *nl;
	struct nlmsghdr *nlh;
	FILE *f;
	int n, done = 0, count = 0;

	if (argc != 1)
		die("%s", "capture-dump FILE");
	nl = mnl_socket_open(NETLINK_XFRM);
	if (nl == NULL || mnl_socket_bind(nl, 0, MNL_SOCKET_AUTOPID) < 0)
		die("%s", "netlink socket");
	nlh = xfrm_msg_dump(buf, sizeof(buf), XFRM_MSG_GETSA);
	nlh->nlmsg_seq = 1;
	if (mnl_socket_sendto(nl, nlh, nlh->nlmsg_len) < 0)
		die("%s", "send");
	if ((f = fopen(argv[0], "wb")) == NULL)
		die("cannot write %s", argv[0]);
	while (!done && (n = (int)mnl_socket_recvfrom(nl, buf, sizeof(buf))) > 0) {
		for (nlh = (void *)buf; mnl_nlmsg_ok(nlh, n); nlh = mnl_nlmsg_next(nlh, &n)) {
			fwrite(nlh, 1, nlh->nlmsg_len, f);
			count++;
			if (nlh->nlmsg_type == NLMSG_DONE || nlh->nlmsg_type == NLMSG_ERROR)
				done = 1;
		}
	}
	fclose(f);
	mnl_socket_close(nl);
	printf("captured %d messages to %s\n", count, argv[0]);
	return !done;
}

/* ---- shell: the long-running probe of the rekey and deletion scenarios ---- */

static struct st_child *shell_child;
static struct pair shell_pair;
static char linebuf[4096];
static size_t linelen;

static int
split(char *line, char **argv, int max)
{
	int argc = 0;

	for (char *t = strtok(line, " \t\r\n"); t && argc < max; t = strtok(NULL, " \t\r\n"))
		argv[argc++] = t;
	return argc;
}

/* child SPI_IN SPI_OUT | pair <install-pair args> | rekey SPI_OUT SPI_IN |
 * retire SPI_IN SPI_OUT | totals | refresh | del SRC DST SPI | dump | quit */
static void
shell_cmd(char *line)
{
	char *argv[32];
	int argc = split(line, argv, 32), ret = 0;

	if (argc == 0)
		return;
	if (strcmp(argv[0], "child") == 0 && argc == 3) {
		shell_child = make_child(num(argv[1]), num(argv[2]));
	} else if (strcmp(argv[0], "pair") == 0) {
		parse_pair(argc - 1, argv + 1, &shell_pair);
		ret = install_sa(&shell_pair, 1, shell_pair.spi_out);
		if (ret == 0)
			ret = install_sa(&shell_pair, 0, shell_pair.spi_in);
		if (ret == 0 && !shell_pair.no_policy)
			ret = install_policies(&shell_pair, 1);
		if (ret == 0)
			shell_child = make_child(shell_pair.spi_in, shell_pair.spi_out);
	} else if (strcmp(argv[0], "rekey") == 0 && argc == 3 && shell_child) {
		/* New SAs first, inbound before outbound, as a responder would. */
		uint32_t out = num(argv[1]), in = num(argv[2]);

		ret = install_sa(&shell_pair, 0, in);
		if (ret == 0)
			ret = st_child_add_sa(shell_child, ST_SA_IN, in, IPPROTO_ESP);
		if (ret == 0)
			ret = install_sa(&shell_pair, 1, out);
		if (ret == 0)
			ret = st_child_add_sa(shell_child, ST_SA_OUT, out, IPPROTO_ESP);
	} else if (strcmp(argv[0], "totals") == 0 && shell_child) {
		xfrm_refresh_now();
		print_totals(shell_child);
	} else if (strcmp(argv[0], "refresh") == 0) {
		ret = xfrm_refresh_now();
	} else if (strcmp(argv[0], "del") == 0 && argc == 4) {
		struct ifl_addr s, d;

		addr(argv[1], &s);
		addr(argv[2], &d);
		ret = xfrm_sa_del(&s, &d, IPPROTO_ESP, num(argv[3]));
	} else if (strcmp(argv[0], "dump") == 0) {
		ret = xfrm_sa_dump(print_sa, NULL);
	} else if (strcmp(argv[0], "quit") == 0) {
		loop_stop();
	} else {
		printf("error unknown command %s\n", argv[0]);
		return;
	}
	printf("done %s %d\n", argv[0], ret);
}

static void
shell_read(int fd, uint32_t ev, void *arg)
{
	ssize_t n;
	char *nl;

	(void)ev;
	(void)arg;
	n = read(fd, linebuf + linelen, sizeof(linebuf) - 1 - linelen);
	if (n <= 0) {
		loop_stop();
		return;
	}
	linelen += (size_t)n;
	linebuf[linelen] = '\0';
	while ((nl = strchr(linebuf, '\n')) != NULL) {
		*nl = '\0';
		shell_cmd(linebuf);
		memmove(linebuf, nl + 1, linelen - (size_t)(nl + 1 - linebuf) + 1);
		linelen -= (size_t)(nl + 1 - linebuf);
	}
	if (linelen == sizeof(linebuf) - 1)
		linelen = 0;
}

static int
cmd_shell(void)
{
	if (loop_fd_add(0, EPOLLIN, shell_read, NULL) < 0)
		return 1;
	printf("ready\n");
	loop_run();
	return 0;
}

static double
ms_since(const struct timespec *a)
{
	struct timespec b;

	clock_gettime(CLOCK_MONOTONIC, &b);
	return (b.tv_sec - a->tv_sec) * 1e3 + (b.tv_nsec - a->tv_nsec) / 1e6;
}

static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static int
cmd_bench(int argc, char **argv)
{
	uint32_t n, reps, base;
	double *t;
	uint64_t pk = 0;
	struct timespec ts;
	size_t sas, folded;

	if (argc != 3)
		die("%s", "bench N REPS BASE");
	n = num(argv[0]);
	reps = num(argv[1]);
	base = num(argv[2]);
	if (reps == 0 || (t = calloc(reps, sizeof(*t))) == NULL)
		die("%s", "bench REPS");
	for (uint32_t i = 0; i < n; i++)
		make_child(base + 0x100000 + i, base + i);
	for (uint32_t r = 0; r < reps; r++) {
		clock_gettime(CLOCK_MONOTONIC, &ts);
		if (xfrm_refresh_now() < 0)
			return 1;
		t[r] = ms_since(&ts);
	}
	for (const struct st_child *ch = st_child_next(0); ch; ch = st_child_next(ch->index)) {
		struct st_child_counters c;

		st_child_totals(ch, &c);
		pk += c.in.packets + c.out.packets;
	}
	qsort(t, reps, sizeof(*t), cmp_double);
	xfrm_refresh_stats(&sas, &folded);
	printf("bench children=%u reps=%u median_ms=%.2f min_ms=%.2f max_ms=%.2f "
	    "kernel_sas=%zu folded=%zu packets=%" PRIu64 "\n", n, reps, t[reps / 2], t[0],
	    t[reps - 1], sas, folded, pk);
	/* What st_counters_fresh() runs (no policy dump), against a GETSA for
	 * every SA: where a reader showing k of the N tunnels is better off
	 * with k GETSAs than with one dump. */
	for (uint32_t r = 0; r < reps; r++) {
		clock_gettime(CLOCK_MONOTONIC, &ts);
		if (xfrm_fold_now() < 0)
			return 1;
		t[r] = ms_since(&ts);
	}
	qsort(t, reps, sizeof(*t), cmp_double);
	{
		struct ifl_addr gw1, gw2;
		double g;

		addr_parse("192.0.2.1", &gw1);
		addr_parse("192.0.2.2", &gw2);
		clock_gettime(CLOCK_MONOTONIC, &ts);
		for (uint32_t i = 0; i < n; i++)
			if (xfrm_sa_query(&gw2, IPPROTO_ESP, base + i, NULL) < 0 ||
			    xfrm_sa_query(&gw1, IPPROTO_ESP, base + 0x100000 + i, NULL) < 0)
				return 1;
		g = ms_since(&ts);
		printf("fold median_ms=%.2f per_sa_us=%.2f getsa_all_ms=%.2f "
		    "getsa_per_sa_us=%.2f break_even_sas=%.0f\n", t[reps / 2],
		    t[reps / 2] * 1000.0 / (2.0 * n), g, g * 1000.0 / (2.0 * n),
		    t[reps / 2] / (g / (2.0 * n)));
	}
	free(t);
	return 0;
}

int
main(int argc, char **argv)
{
	struct xfrm_opts o;
	const char *cmd;
	int ret = 2, events;

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc < 2)
		die("%s", "usage: xfrm-probe COMMAND ARGS (see the source's head)");
	cmd = argv[1];
	log_init("xfrm-probe", 1, 0);
	log_setlevel(getenv("XFRM_PROBE_DEBUG") ? LOG_DEBUG : LOG_INFO);
	if (strcmp(cmd, "capture") == 0)
		return cmd_capture(argc - 2, argv + 2);
	if (strcmp(cmd, "capture-dump") == 0)
		return cmd_capture_dump(argc - 2, argv + 2);

	events = strcmp(cmd, "events") == 0 || strcmp(cmd, "shell") == 0;
	memset(&o, 0, sizeof(o));
	o.no_events = !events;
	o.no_timer = 1;
	if (loop_init() < 0 || st_init() < 0 || xfrm_init(&o) < 0)
		return 1;
	xfrm_set_handlers(&handlers);

	if (strcmp(cmd, "install-pair") == 0)
		ret = cmd_install_pair(argc - 2, argv + 2);
	else if (strcmp(cmd, "flush-test") == 0) {
		ret = cmd_install_pair(argc - 2, argv + 2);
		if (ret == 0)
			ret = xfrm_flush_installed() < 0;
	} else if (strcmp(cmd, "trap") == 0)
		ret = cmd_trap(argc - 2, argv + 2);
	else if (strcmp(cmd, "del-sa") == 0 && argc == 5) {
		struct ifl_addr s, d;

		addr(argv[2], &s);
		addr(argv[3], &d);
		ret = xfrm_sa_del(&s, &d, IPPROTO_ESP, num(argv[4])) < 0;
	} else if (strcmp(cmd, "dump") == 0)
		ret = xfrm_sa_dump(print_sa, NULL) < 0;
	else if (strcmp(cmd, "policies") == 0)
		ret = xfrm_policy_dump(print_pol, NULL) < 0;
	else if (strcmp(cmd, "totals") == 0 && argc == 4) {
		struct st_child *ch = make_child(num(argv[2]), num(argv[3]));

		ret = xfrm_refresh_now() < 0;
		print_totals(ch);
	} else if (strcmp(cmd, "alloc-spi") == 0 && argc == 5) {
		struct ifl_addr peer, us;
		uint32_t spi;

		addr(argv[2], &peer);
		addr(argv[3], &us);
		ret = xfrm_spi_alloc(&peer, &us, IPPROTO_ESP, num(argv[4]), &spi) < 0;
		if (ret == 0)
			printf("0x%08x\n", spi);
	} else if (strcmp(cmd, "policy-use") == 0 && argc == 3) {
		ret = xfrm_refresh_now() < 0;
		printf("policy-use reqid=%u use=%" PRIu64 " now=%lld\n", num(argv[2]),
		    xfrm_policy_use_time(num(argv[2])), (long long)time(NULL));
	} else if (strcmp(cmd, "events") == 0)
		ret = cmd_events(argc - 2, argv + 2);
	else if (strcmp(cmd, "shell") == 0)
		ret = cmd_shell();
	else if (strcmp(cmd, "bench") == 0)
		ret = cmd_bench(argc - 2, argv + 2);
	else
		die("unknown command %s", cmd);

	xfrm_shutdown();
	st_free();
	loop_free();
	return ret;
}
