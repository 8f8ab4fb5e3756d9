/* IKE's UDP sockets on the host kernel, in a network namespace of their
 * own (ports 500 and 4500 on loopback): the local address and ports of
 * what arrives, the non-ESP marker taken off on 4500 and put on when
 * sending from it, keepalives and ESP never reaching the engine, replies
 * leaving from the address they are sent from. */
#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <net/if.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "common/log.h"
#include "common/loop.h"
#include "daemon/ike_daemon.h"

static struct {
	int		n;
	struct ifl_addr	src, dst;
	uint16_t	sport, dport;
	uint8_t		pkt[256];
	size_t		len;
	unsigned	cost_us;	/* each datagram's work, as a DH in the loop */
} rx;

static void
on_rx(const struct ifl_addr *src, uint16_t sport, const struct ifl_addr *dst,
    uint16_t dport, const uint8_t *pkt, size_t len, void *arg)
{
	assert_ptr_equal(arg, &rx);
	rx.n++;
	rx.src = *src;
	rx.dst = *dst;
	rx.sport = sport;
	rx.dport = dport;
	rx.len = len < sizeof(rx.pkt) ? len : sizeof(rx.pkt);
	memcpy(rx.pkt, pkt, rx.len);
	if (rx.cost_us)
		usleep(rx.cost_us);
}

static int
lo_up(void)
{
	struct ifreq ifr;
	int fd = socket(AF_INET, SOCK_DGRAM, 0), r = -1;

	if (fd < 0)
		return -1;
	memset(&ifr, 0, sizeof(ifr));
	strcpy(ifr.ifr_name, "lo");
	if (ioctl(fd, SIOCGIFFLAGS, &ifr) == 0) {
		ifr.ifr_flags |= IFF_UP;
		r = ioctl(fd, SIOCSIFFLAGS, &ifr);
	}
	close(fd);
	return r;
}

static int
setup(void **state)
{
	(void)state;
	memset(&rx, 0, sizeof(rx));
	if (unshare(CLONE_NEWNET) < 0 || lo_up() < 0 || loop_init() < 0)
		return -1;
	return ike_socket_open(500, 4500, 1, on_rx, &rx);
}

static int
teardown(void **state)
{
	(void)state;
	ike_socket_close();
	loop_free();
	return 0;
}

static struct ifl_addr
A(const char *s)
{
	struct ifl_addr a;

	assert_int_equal(addr_parse(s, &a), 0);
	return a;
}

/* A peer's socket on addr, any port; its port in *port. */
static int
peer_socket(const char *addr, uint16_t *port)
{
	struct sockaddr_storage ss;
	struct ifl_addr a = A(addr), b;
	socklen_t sl;
	int fd;

	assert_int_equal(addr_to_sockaddr(&a, 0, &ss, &sl), 0);
	fd = socket(a.family, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	assert_true(fd >= 0);
	assert_int_equal(bind(fd, (struct sockaddr *)&ss, sl), 0);
	sl = sizeof(ss);
	assert_int_equal(getsockname(fd, (struct sockaddr *)&ss, &sl), 0);
	assert_int_equal(addr_from_sockaddr((struct sockaddr *)&ss, &b, port), 0);
	return fd;
}

static void
peer_send(int fd, const char *to, uint16_t port, const void *p, size_t len)
{
	struct sockaddr_storage ss;
	struct ifl_addr a = A(to);
	socklen_t sl;

	assert_int_equal(addr_to_sockaddr(&a, port, &ss, &sl), 0);
	assert_int_equal(sendto(fd, p, len, 0, (struct sockaddr *)&ss, sl), (ssize_t)len);
}

/* Runs the loop until a datagram arrived or 300 ms passed. */
static void
pump(int want)
{
	int i;

	for (i = 0; i < 30 && rx.n < want; i++)
		loop_once(10);
}

static void
test_rx_ike(void **state)
{
	struct ifl_addr lo = A("127.0.0.1");
	uint16_t port;
	int fd = peer_socket("127.0.0.1", &port);

	(void)state;
	peer_send(fd, "127.0.0.1", 500, "IKE_SA_INIT", 11);
	pump(1);
	assert_int_equal(rx.n, 1);
	assert_int_equal(addr_cmp(&rx.src, &lo), 0);
	assert_int_equal(addr_cmp(&rx.dst, &lo), 0);
	assert_int_equal(rx.sport, port);
	assert_int_equal(rx.dport, 500);
	assert_int_equal(rx.len, 11);
	assert_memory_equal(rx.pkt, "IKE_SA_INIT", 11);
	/* port 500 passes the bytes as they are: no marker handling there */
	peer_send(fd, "127.0.0.2", 500, "\0\0\0\0abc", 7);
	pump(2);
	assert_int_equal(rx.n, 2);
	assert_int_equal(rx.len, 7);
	lo = A("127.0.0.2");
	assert_int_equal(addr_cmp(&rx.dst, &lo), 0);
	close(fd);
}

/* A burst whose every datagram costs 4 ms (a DH in the loop) is served a
 * few a turn, not all 8 in one: the loop gets back to its other sockets
 * within the socket's 10 ms budget plus one datagram's work, and the
 * rest waits in the socket for the next turns. */
static void
test_rx_budget(void **state)
{
	uint16_t port;
	int fd = peer_socket("127.0.0.1", &port);

	(void)state;
	rx.cost_us = 4000;
	for (int i = 0; i < 8; i++)
		peer_send(fd, "127.0.0.1", 500, "IKE_SA_INIT", 11);
	loop_once(1000);
	assert_in_range(rx.n, 1, 3);
	pump(8);
	assert_int_equal(rx.n, 8);
	close(fd);
}

static void
test_rx_natt(void **state)
{
	static const uint8_t esp[24] = { 0xc0, 0x01, 0x02, 0x03, 0, 0, 0, 1 };
	struct ike_socket_stats st;
	uint16_t port;
	int fd = peer_socket("127.0.0.1", &port);

	(void)state;
	peer_send(fd, "127.0.0.1", 4500, "\0\0\0\0IKE_AUTH", 12);
	pump(1);
	assert_int_equal(rx.n, 1);
	assert_int_equal(rx.dport, 4500);
	assert_int_equal(rx.sport, port);
	assert_int_equal(rx.len, 8);
	assert_memory_equal(rx.pkt, "IKE_AUTH", 8);
	/* a NAT-T keepalive and ESP in UDP are not IKE: the engine sees neither
	 * (the kernel takes them, or the socket drops them) */
	peer_send(fd, "127.0.0.1", 4500, "\xff", 1);
	peer_send(fd, "127.0.0.1", 4500, esp, sizeof(esp));
	peer_send(fd, "127.0.0.1", 4500, "\0\0", 2);
	pump(2);
	assert_int_equal(rx.n, 1);
	ike_socket_stats(&st);
	assert_int_equal(st.rx, 1);
	close(fd);
}

static void
test_tx(void **state)
{
	struct ifl_addr peer = A("127.0.0.1"), src = A("127.0.0.2"), from;
	struct sockaddr_storage ss;
	struct ike_socket_stats st;
	socklen_t sl = sizeof(ss);
	uint8_t buf[64];
	uint16_t port, fport;
	int fd = peer_socket("127.0.0.1", &port);

	(void)state;
	/* from 500, out of 127.0.0.2: the bytes as given */
	assert_int_equal(ike_socket_send(&src, 500, &peer, port, (const uint8_t *)"resp", 4), 0);
	assert_int_equal(recvfrom(fd, buf, sizeof(buf), 0, (struct sockaddr *)&ss, &sl), 4);
	assert_memory_equal(buf, "resp", 4);
	assert_int_equal(addr_from_sockaddr((struct sockaddr *)&ss, &from, &fport), 0);
	assert_int_equal(addr_cmp(&from, &src), 0);
	assert_int_equal(fport, 500);
	/* from 4500: the non-ESP marker first */
	sl = sizeof(ss);
	assert_int_equal(ike_socket_send(&peer, 4500, &peer, port, (const uint8_t *)"auth", 4), 0);
	assert_int_equal(recvfrom(fd, buf, sizeof(buf), 0, (struct sockaddr *)&ss, &sl), 8);
	assert_memory_equal(buf, "\0\0\0\0auth", 8);
	assert_int_equal(addr_from_sockaddr((struct sockaddr *)&ss, &from, &fport), 0);
	assert_int_equal(fport, 4500);
	/* a NAT-T keepalive: the one byte 0xFF from 4500, no marker */
	sl = sizeof(ss);
	assert_int_equal(ike_socket_keepalive(&peer, 4500, &peer, port), 0);
	assert_int_equal(recvfrom(fd, buf, sizeof(buf), 0, (struct sockaddr *)&ss, &sl), 1);
	assert_int_equal(buf[0], 0xff);
	assert_int_equal(addr_from_sockaddr((struct sockaddr *)&ss, &from, &fport), 0);
	assert_int_equal(fport, 4500);
	/* no socket on that port */
	assert_int_equal(ike_socket_send(&peer, 501, &peer, port, (const uint8_t *)"x", 1), -1);
	assert_int_equal(ike_socket_keepalive(&peer, 501, &peer, port), -1);
	ike_socket_stats(&st);
	assert_int_equal(st.tx, 3);
	assert_int_equal(st.send_errors, 2);
	close(fd);
}

static void
test_ipv6(void **state)
{
	struct ifl_addr lo6 = A("::1");
	uint8_t buf[64];
	uint16_t port;
	int fd;

	(void)state;
	if ((fd = socket(AF_INET6, SOCK_DGRAM, 0)) < 0)
		skip();
	close(fd);
	fd = peer_socket("::1", &port);
	peer_send(fd, "::1", 4500, "\0\0\0\0v6", 6);
	pump(1);
	assert_int_equal(rx.n, 1);
	assert_int_equal(addr_cmp(&rx.dst, &lo6), 0);
	assert_int_equal(rx.len, 2);
	assert_int_equal(ike_socket_send(&lo6, 500, &lo6, port, (const uint8_t *)"six", 3), 0);
	assert_int_equal(recv(fd, buf, sizeof(buf), 0), 3);
	close(fd);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_rx_ike, setup, teardown),
		cmocka_unit_test_setup_teardown(test_rx_budget, setup, teardown),
		cmocka_unit_test_setup_teardown(test_rx_natt, setup, teardown),
		cmocka_unit_test_setup_teardown(test_tx, setup, teardown),
		cmocka_unit_test_setup_teardown(test_ipv6, setup, teardown),
	};

	log_init("test", 0, 0);
	log_setlevel(LOG_ERR);
	if (unshare(CLONE_NEWNET) < 0) {
		fprintf(stderr, "unshare(CLONE_NEWNET): %s: skipped\n", strerror(errno));
		return 77;
	}
	return cmocka_run_group_tests(tests, NULL, NULL);
}
