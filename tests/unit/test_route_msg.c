/* rtnetlink parsing (kernel/route_msg.c) against answers from a real
 * kernel: a route lookup's output interface and gateway, an address dump. */
#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <linux/rtnetlink.h>

#include <libmnl/libmnl.h>

#include "kernel/nl.h"
#include "kernel/route_msg.h"
#include "data_testutil.h"

#define DATA	TEST_SRCDIR "/unit/data/route/"

static uint8_t *
load(const char *name, size_t *len)
{
	return data_load(DATA, name, len);
}

static void
path_is(const char *file, const char *want_gw)
{
	size_t len;
	uint8_t *buf = load(file, &len);
	struct nlmsghdr *nlh = (void *)buf;
	struct ifl_addr gw, a;
	char s[ADDR_STRLEN];
	uint32_t oif;

	assert_true(nl_datagram_ok(buf, len));
	assert_int_equal(route_msg_path(nlh, &oif, &gw), 0);
	assert_true(oif != 0);
	assert_string_equal(addr_str(&gw, s, sizeof(s)), want_gw);
	/* no address message */
	assert_null(route_msg_ifa(nlh, &a));
	assert_int_equal(a.family, 0);
	/* cut before its rtmsg: no route */
	nlh->nlmsg_len = MNL_NLMSG_HDRLEN + 4;
	assert_int_equal(route_msg_path(nlh, &oif, &gw), -1);
	assert_int_equal(oif, 0);
	free(buf);
}

static void
t_path(void **state)
{
	(void)state;
	path_is("route-get-v4.bin", "192.0.2.1");
	path_is("route-get-v6.bin", "2001:db8::1");
}

static void
t_addr_dump(void **state)
{
	size_t len;
	uint8_t *buf = load("addr-dump-0.bin", &len);
	int left = (int)len, v4 = 0, v6 = 0, lo = 0;
	char s[ADDR_STRLEN];

	(void)state;
	assert_true(nl_datagram_ok(buf, len));
	for (struct nlmsghdr *nlh = (void *)buf; mnl_nlmsg_ok(nlh, left);
	    nlh = mnl_nlmsg_next(nlh, &left)) {
		const struct ifaddrmsg *ifa;
		struct ifaddrmsg *w;
		struct ifl_addr a;
		uint32_t oif;

		assert_int_equal(nlh->nlmsg_type, RTM_NEWADDR);
		assert_non_null(ifa = route_msg_ifa(nlh, &a));
		assert_int_equal(a.family, ifa->ifa_family);
		addr_str(&a, s, sizeof(s));
		v4 += strcmp(s, "192.0.2.2") == 0;
		v6 += strcmp(s, "2001:db8::2") == 0;
		lo += strcmp(s, "127.0.0.1") == 0 || strcmp(s, "::1") == 0;
		assert_int_equal(route_msg_path(nlh, &oif, &a), -1);
		/* a family neither IPv4 nor IPv6: no address, nothing read */
		w = mnl_nlmsg_get_payload(nlh);
		w->ifa_family = AF_PACKET;
		assert_null(route_msg_ifa(nlh, &a));
		assert_int_equal(a.family, 0);
	}
	assert_int_equal(v4, 1);
	assert_int_equal(v6, 1);
	assert_int_equal(lo, 2);
	free(buf);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(t_path),
		cmocka_unit_test(t_addr_dump),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
