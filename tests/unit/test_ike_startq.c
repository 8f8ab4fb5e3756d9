/* The pace of auto=start (daemon/ike_startq.c): with initiate_max set, no
 * more of our IKE SAs negotiate at once, a place frees when one is up or
 * gone, a connection that cannot start takes no place, and the queue keeps
 * the configuration's order. The start function stands for the IKE module:
 * it opens the IKE SA in the state model as the engine would. */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "common/loop.h"
#include "daemon/ike_startq.h"
#include "state/state.h"

static char started[16][ST_NAME_MAX];
static size_t nstarted;

static int
start(const char *name)
{
	if (strcmp(name, "gone") == 0)
		return -1;	/* left the configuration meanwhile */
	assert_true(nstarted < 16);
	snprintf(started[nstarted++], ST_NAME_MAX, "%s", name);
	assert_non_null(st_ike_new(name, 2, 1));
	return 0;
}

static uint32_t
connecting(void)
{
	uint32_t n = 0;

	for (const struct st_ike *ike = st_ike_next(0); ike; ike = st_ike_next(ike->index))
		n += ike->state == ST_IKE_CONNECTING;
	return n;
}

static struct st_ike *
ike_of(const char *conn)
{
	for (struct st_ike *ike = (struct st_ike *)st_ike_next(0); ike;
	    ike = (struct st_ike *)st_ike_next(ike->index))
		if (strcmp(ike->conn, conn) == 0)
			return st_ike_get(ike->index);
	return NULL;
}

/* turns of the loop until the queue has had its look (it looks every
 * 100 ms while connections wait) */
static void
turns(int ms)
{
	for (int i = 0; i < ms / 10 + 1; i++)
		loop_once(10);
}

static int
setup(void **state)
{
	(void)state;
	nstarted = 0;
	assert_int_equal(loop_init(), 0);
	assert_int_equal(st_init(), 0);
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	ike_startq_clear();
	st_free();
	loop_free();
	return 0;
}

static void
test_no_limit_starts_at_once(void **state)
{
	(void)state;
	ike_startq_setup(0, start);
	assert_int_equal(ike_startq_add("a"), 0);
	assert_int_equal(ike_startq_waiting(), 0);
}

static void
test_paced(void **state)
{
	const char *names[] = { "a", "b", "gone", "c", "d", "e" };

	(void)state;
	ike_startq_setup(2, start);
	assert_int_equal(ike_startq_max(), 2);
	for (size_t i = 0; i < 6; i++)
		assert_int_equal(ike_startq_add(names[i]), 1);
	assert_int_equal(nstarted, 0);		/* at the loop's next turn */
	assert_int_equal(ike_startq_waiting(), 6);
	turns(20);
	assert_int_equal(nstarted, 2);
	assert_string_equal(started[0], "a");
	assert_string_equal(started[1], "b");
	turns(250);				/* nothing freed: nothing more */
	assert_int_equal(nstarted, 2);
	assert_int_equal(connecting(), 2);

	st_ike_established(ike_of("a"));	/* a place: "gone" takes none */
	turns(250);
	assert_int_equal(nstarted, 3);
	assert_string_equal(started[2], "c");
	assert_int_equal(connecting(), 2);

	st_ike_end(ike_of("b")->index, ST_TERM_LOCAL_FAIL);	/* failed */
	turns(250);
	assert_int_equal(nstarted, 4);
	assert_string_equal(started[3], "d");
	assert_int_equal(ike_startq_waiting(), 1);

	/* the limit raised on a reload: the last goes at once */
	ike_startq_setup(10, start);
	turns(20);
	assert_int_equal(nstarted, 5);
	assert_string_equal(started[4], "e");
	assert_int_equal(ike_startq_waiting(), 0);
}

/* the initiator's own SAs only: the peer's negotiations take no place */
static void
test_responder_sas_take_no_place(void **state)
{
	(void)state;
	for (int i = 0; i < 5; i++)
		assert_non_null(st_ike_new("peer", 2, 0));
	ike_startq_setup(1, start);
	assert_int_equal(ike_startq_add("a"), 1);
	turns(20);
	assert_int_equal(nstarted, 1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_no_limit_starts_at_once, setup, teardown),
		cmocka_unit_test_setup_teardown(test_paced, setup, teardown),
		cmocka_unit_test_setup_teardown(test_responder_sas_take_no_place, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
