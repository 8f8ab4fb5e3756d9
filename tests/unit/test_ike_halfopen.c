/* keying/ike_halfopen.c: half-open SAs counted per source, an IPv4
 * address or an IPv6 /64, with entries gone when their count is. */
#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>

#include "keying/ike_halfopen.h"

static struct ifl_addr
addr(const char *s)
{
	struct ifl_addr a;

	assert_int_equal(addr_parse(s, &a), 0);
	return a;
}

static void
t_ipv6_slash64(void **state)
{
	struct ike_halfopen h;
	struct ifl_addr a;
	char s[64];
	int i;

	(void)state;
	assert_int_equal(ike_ho_init(&h), 0);
	/* 300 addresses of one /64 are one source */
	for (i = 1; i <= 300; i++) {
		snprintf(s, sizeof(s), "2001:db8:1:2:%x::%x", i, i);
		a = addr(s);
		ike_ho_add(&h, &a, 1);
	}
	assert_int_equal(h.all, 300);
	assert_int_equal(h.sources, 1);
	a = addr("2001:db8:1:2:ffff:ffff:ffff:ffff");
	assert_int_equal(ike_ho_of(&h, &a), 300);
	/* the next /64 is another */
	a = addr("2001:db8:1:3::1");
	assert_int_equal(ike_ho_of(&h, &a), 0);
	for (i = 1; i <= 300; i++) {
		snprintf(s, sizeof(s), "2001:db8:1:2:%x::%x", i, i);
		a = addr(s);
		ike_ho_add(&h, &a, -1);
	}
	assert_int_equal(h.all, 0);
	assert_int_equal(h.sources, 0);
	ike_ho_free(&h);
}

static void
t_ipv4_each(void **state)
{
	struct ike_halfopen h;
	struct ifl_addr a, b;
	char s[64];
	int i;

	(void)state;
	assert_int_equal(ike_ho_init(&h), 0);
	/* every IPv4 address is a source of its own */
	for (i = 0; i < 10000; i++) {
		snprintf(s, sizeof(s), "198.%d.%d.%d", 18 + (i >> 16), (i >> 8) & 0xff, i & 0xff);
		a = addr(s);
		ike_ho_add(&h, &a, 1);
	}
	assert_int_equal(h.all, 10000);
	assert_int_equal(h.sources, 10000);
	a = addr("198.18.1.1");
	b = addr("198.18.1.2");
	ike_ho_add(&h, &a, 1);
	assert_int_equal(ike_ho_of(&h, &a), 2);
	assert_int_equal(ike_ho_of(&h, &b), 1);
	/* an IPv4 address and the IPv6 /64 with the same first bytes differ */
	b = addr("c612:101::1");
	assert_int_equal(ike_ho_of(&h, &b), 0);
	/* a decrement of an unknown source leaves the others alone */
	b = addr("203.0.113.9");
	ike_ho_add(&h, &b, -1);
	assert_int_equal(ike_ho_of(&h, &a), 2);
	ike_ho_free(&h);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(t_ipv6_slash64),
		cmocka_unit_test(t_ipv4_each),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
