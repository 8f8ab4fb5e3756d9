/* The event loop's long turns (common/loop.c) and their view in show
 * processes cpu (daemon/tech.c): each turn is charged to the handler that
 * took the most of it, named as the operator reads it (a descriptor's
 * name, "timer NAME", "timer set in NAME" for an unnamed timer made by a
 * named handler, "NAME (before the wait)" for a prepare hook); the
 * longest since the last look, kept longest first, and the longest since
 * the start. Handlers really run on the loop and really take the time
 * (busy, measured by the loop's clock); the checks compare turns whose
 * lengths differ tenfold and hold on a busy machine. */
#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "common/buf.h"
#include "common/loop.h"
#include "daemon/daemon_int.h"

static void
busy(uint64_t us)
{
	uint64_t end = loop_now_us() + us;

	while (loop_now_us() < end)
		;
}

static int pipefd[2];
static struct loop_timer *slow, *made;

static void
made_fire(void *arg)
{
	(void)arg;
	busy(40000);
}

static void
on_fd(int fd, uint32_t events, void *arg)
{
	char c;

	(void)events;
	(void)arg;
	assert_int_equal(read(fd, &c, 1), 1);
	busy(20000);
	/* an IKE SA's timers are made so, by the packet's handler */
	if (made == NULL) {
		made = loop_timer_new(made_fire, NULL);
		assert_non_null(made);
	}
}

static void
slow_fire(void *arg)
{
	(void)arg;
	busy(400000);
}

static int prep_busy;

static int
prep(void *arg)
{
	(void)arg;
	if (prep_busy == 1)
		busy(80000);
	else if (prep_busy == 2) {
		/* waiting is no CPU: a turn that long on a loaded machine */
		usleep(150000);
		loop_note("slept %d ms", 150);
	}
	prep_busy = 0;
	return -1;
}

/* The turn that handler took the most of. A handler that runs every
 * turn (the hook) may also top a cheap turn that a loaded machine made
 * long by a wait: that turn can rank before its busy one (it did under
 * valgrind beside a second copy of the suite). */
static const struct loop_turn *
find(const struct loop_stats *ls, const char *what)
{
	const struct loop_turn *t = NULL;

	for (size_t i = 0; i < LOOP_LONG_TURNS; i++)
		if (strcmp(ls->longest[i].what, what) == 0 &&
		    (t == NULL || ls->longest[i].what_us > t->what_us))
			t = &ls->longest[i];
	return t;
}

static const struct loop_total *
find_total(const struct loop_total *t, size_t n, const char *what)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(t[i].what, what) == 0)
			return &t[i];
	return NULL;
}

/* The totals of t_turns_named's turns: every call counted (the hook runs
 * before each of the six waits), the most time first. */
static void
check_totals(void)
{
	struct loop_total t[LOOP_TOTALS];
	const struct loop_total *x;
	size_t n = loop_get_totals(t, LOOP_TOTALS);

	assert_int_equal(n, 4);
	assert_string_equal(t[0].what, "timer slow");
	assert_int_equal(t[0].calls, 1);
	assert_true(t[0].us >= 400000);
	for (size_t i = 1; i < n; i++)
		assert_true(t[i].us <= t[i - 1].us);
	assert_non_null(x = find_total(t, n, "test hook (before the wait)"));
	assert_int_equal(x->calls, 6);
	assert_true(x->us >= 80000);
	assert_non_null(x = find_total(t, n, "timer set in test pipe"));
	assert_int_equal(x->calls, 1);
	assert_true(x->us >= 40000);
	assert_non_null(x = find_total(t, n, "test pipe"));
	assert_int_equal(x->calls, 1);
	assert_true(x->us >= 20000);
	/* fewer rows asked: the most time first still */
	assert_int_equal(loop_get_totals(t, 1), 1);
	assert_string_equal(t[0].what, "timer slow");
}

static void
nop_fire(void *arg)
{
	(void)arg;
}

/* Past LOOP_TOTALS handlers, the rest add up in one row, and no call is
 * lost. */
static void
t_totals_others(void **state)
{
	static char names[LOOP_TOTALS + 8][8];
	struct loop_timer *tm[LOOP_TOTALS + 8];
	struct loop_total t[LOOP_TOTALS];
	const struct loop_total *x;
	uint64_t calls = 0;
	size_t n;

	(void)state;
	assert_int_equal(loop_init(), 0);
	for (size_t i = 0; i < LOOP_TOTALS + 8; i++) {
		snprintf(names[i], sizeof(names[i]), "t%zu", i);
		assert_non_null(tm[i] = loop_timer_new(nop_fire, NULL));
		loop_timer_name(tm[i], names[i]);
		loop_timer_set(tm[i], 0);
	}
	assert_int_equal(loop_once(0), 0);
	n = loop_get_totals(t, LOOP_TOTALS);
	assert_int_equal(n, LOOP_TOTALS);
	assert_non_null(x = find_total(t, n, "others"));
	assert_int_equal(x->calls, 9);
	/* the others: 31 timers of their own, each called once */
	for (size_t i = 0; i < n; i++) {
		calls += t[i].calls;
		if (strncmp(t[i].what, "timer t", 7) == 0)
			assert_int_equal(t[i].calls, 1);
		else
			assert_string_equal(t[i].what, "others");
	}
	assert_int_equal(calls, LOOP_TOTALS + 8);
	for (size_t i = 0; i < LOOP_TOTALS + 8; i++)
		loop_timer_free(tm[i]);
	loop_free();
	/* a new loop starts from nothing */
	assert_int_equal(loop_init(), 0);
	assert_int_equal(loop_get_totals(t, LOOP_TOTALS), 0);
	loop_free();
}

/* The totals' view, from known rows. */
static void
t_totals_view(void **state)
{
	struct loop_total t[2] = {
		{ "XFRM events", 3200500, 1000 },
		{ "timer XFRM refresh", 990000, 0 },
	};
	struct buf *out = buf_new(256);

	(void)state;
	tech_loop_totals(out, t, 2, 64000);
	assert_int_equal(buf_put_u8(out, 0), 0);
	assert_string_equal((char *)out->data,
	    "  Handlers since the start, the most time first (wall time: waits "
	    "for a CPU count too):\n"
	    "   Runtime(ms)     Invoked      uSecs   Share  Handler\n"
	    "          3200        1000       3200   5.00%  XFRM events\n"
	    "           990           0          0   1.55%  timer XFRM refresh\n");
	buf_reset(out);
	tech_loop_totals(out, t, 0, 64000);
	assert_int_equal(out->len, 0);
	buf_free(out);
}

static void
t_turns_named(void **state)
{
	struct loop_stats ls;
	const struct loop_turn *t;

	(void)state;
	assert_int_equal(loop_init(), 0);
	assert_int_equal(pipe(pipefd), 0);
	assert_int_equal(loop_fd_add(pipefd[0], EPOLLIN, on_fd, NULL), 0);
	loop_fd_name(pipefd[0], "test pipe");
	assert_int_equal(loop_prepare_add(prep, NULL), 0);
	loop_prepare_name(prep, "test hook");
	assert_non_null(slow = loop_timer_new(slow_fire, NULL));
	loop_timer_name(slow, "slow");

	/* a first turn to start counting from (turns run wait to wait) */
	loop_once(0);
	loop_peak_reset();
	/* turn 1: the descriptor, which makes an unnamed timer */
	assert_int_equal(write(pipefd[1], "x", 1), 1);
	assert_int_equal(loop_once(5000), 0);
	/* turn 2: the unnamed timer; turn 3: the named one */
	loop_timer_set(made, 0);
	assert_int_equal(loop_once(5000), 0);
	loop_timer_set(slow, 0);
	assert_int_equal(loop_once(5000), 0);
	/* turn 4 has nothing ready; it ends with the prepare hooks, run at the
	 * start of the next call, and that call accounts it */
	assert_int_equal(loop_once(0), 0);
	prep_busy = 1;
	assert_int_equal(loop_once(0), 0);

	loop_get_stats(&ls);
	/* the longest first: the named timer's */
	assert_string_equal(ls.longest[0].what, "timer slow");
	assert_true(ls.longest[0].what_us >= 400000);
	assert_true(ls.longest[0].us >= ls.longest[0].what_us);
	assert_int_equal(ls.peak_us, ls.longest[0].us);
	for (size_t i = 1; i < LOOP_LONG_TURNS; i++)
		assert_true(ls.longest[i].us <= ls.longest[i - 1].us);
	assert_non_null(t = find(&ls, "test pipe"));
	assert_true(t->what_us >= 20000);
	assert_non_null(t = find(&ls, "timer set in test pipe"));
	assert_true(t->what_us >= 40000);
	assert_non_null(t = find(&ls, "test hook (before the wait)"));
	assert_true(t->what_us >= 80000);
	assert_true(ls.max.us >= ls.longest[0].us);
	check_totals();

	/* a new look starts a new window; the longest since start stays */
	loop_peak_reset();
	loop_get_stats(&ls);
	assert_int_equal(ls.longest[0].us, 0);
	assert_int_equal(ls.peak_us, 0);
	assert_true(ls.max.us >= 400000);

	loop_timer_free(slow);
	loop_timer_free(made);
	loop_fd_del(pipefd[0]);
	close(pipefd[0]);
	close(pipefd[1]);
	loop_free();
}

/* Each turn's CPU, and a handler's own account kept with its turn: a
 * turn that waited (here, slept: as for a CPU on a loaded machine) shows
 * far less CPU than its length; one that worked shows its work. */
static void
t_turn_cpu(void **state)
{
	struct loop_stats ls;

	(void)state;
	assert_int_equal(loop_init(), 0);
	assert_int_equal(loop_prepare_add(prep, NULL), 0);
	loop_prepare_name(prep, "test hook");
	loop_once(0);
	loop_peak_reset();
	prep_busy = 2;
	assert_int_equal(loop_once(0), 0);
	assert_int_equal(loop_once(0), 0);	/* accounts the turn that slept */
	loop_get_stats(&ls);
	assert_string_equal(ls.longest[0].what, "test hook (before the wait)");
	assert_true(ls.longest[0].us >= 150000);
	assert_true(ls.longest[0].cpu_us < ls.longest[0].us / 2);
	assert_string_equal(ls.longest[0].note, "slept 150 ms");

	/* a note goes with its handler's turn only, and once */
	loop_peak_reset();
	prep_busy = 1;
	assert_int_equal(loop_once(0), 0);
	assert_int_equal(loop_once(0), 0);
	loop_get_stats(&ls);
	assert_string_equal(ls.longest[0].note, "");
	assert_true(ls.longest[0].cpu_us > 0);
	assert_true(ls.longest[0].cpu_us <= ls.longest[0].us + 10000);
	loop_free();
}

/* The view, from a known set of turns. */
static void
t_view(void **state)
{
	struct loop_stats ls;
	struct buf *out = buf_new(256);

	(void)state;
	memset(&ls, 0, sizeof(ls));
	ls.peak_us = 647210;
	ls.longest[0] = (struct loop_turn){ 647210, 640003, 100000, "timer XFRM refresh",
	    612000, "" };
	ls.longest[1] = (struct loop_turn){ 93511, 92800, 112000, "HTTP (before the wait)",
	    9100, "1 request 2.1 ms (/), 3 parts 6.0 ms, MHD 0.9 ms" };
	ls.longest[2] = (struct loop_turn){ 41007, 40950, 119500, "timer set in IKE socket",
	    40100, "" };
	ls.max = (struct loop_turn){ 2978001, 2977000, 40000, "XFRM events", 2900000, "" };
	tech_loop_turns(out, &ls, 120000);
	assert_int_equal(buf_put_u8(out, 0), 0);
	assert_string_equal((char *)out->data,
	    "  Longest turn since the last look: 647210 us\n"
	    "  Longest turns since the last look, by the handler that took the most of each:\n"
	    "     Turn us     CPU us Handler us   Ago s  Handler\n"
	    "      647210     612000     640003      20  timer XFRM refresh\n"
	    "       93511       9100      92800       8  HTTP (before the wait): "
	    "1 request 2.1 ms (/), 3 parts 6.0 ms, MHD 0.9 ms\n"
	    "       41007      40100      40950       0  timer set in IKE socket\n"
	    "  Longest turn since the start:\n"
	    "     2978001    2900000    2977000      80  XFRM events\n");
	/* nothing since the last look: the one line operators and scripts read */
	memset(&ls.longest, 0, sizeof(ls.longest));
	ls.peak_us = 0;
	buf_reset(out);
	tech_loop_turns(out, &ls, 120000);
	assert_int_equal(buf_put_u8(out, 0), 0);
	assert_string_equal((char *)out->data, "  Longest turn since the last look: 0 us\n");
	buf_free(out);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(t_turns_named),
		cmocka_unit_test(t_turn_cpu),
		cmocka_unit_test(t_view),
		cmocka_unit_test(t_totals_others),
		cmocka_unit_test(t_totals_view),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
