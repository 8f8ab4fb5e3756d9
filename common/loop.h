/* The daemon's single event loop: epoll for descriptors, a timer heap, signalfd
 * for signals, and "prepare" hooks run before every wait (Net-SNMP needs to
 * re-query its descriptor set and next alarm each iteration). */
#ifndef IKEFLOW_LOOP_H
#define IKEFLOW_LOOP_H

#include <stdint.h>
#include <sys/epoll.h>

typedef void (*loop_fd_fn)(int fd, uint32_t events, void *arg);
typedef void (*loop_timer_fn)(void *arg);
typedef void (*loop_signal_fn)(int signo, void *arg);
/* Returns the longest the loop may sleep in ms, or -1 for no limit. */
typedef int (*loop_prepare_fn)(void *arg);

struct loop_timer;

int	loop_init(void);
void	loop_free(void);
int	loop_run(void);		/* until loop_stop(); 0 or -1 */
void	loop_stop(void);
/* One iteration, waiting at most max_ms (-1: until something happens). For tests. */
int	loop_once(int max_ms);

/* Handlers are named for the long turns (loop_stats): names are strings
 * that live as long as the program (literals). An unnamed descriptor is
 * "fd N"; an unnamed timer is known by the handler that made it. */
int	loop_fd_add(int fd, uint32_t events, loop_fd_fn fn, void *arg);
void	loop_fd_name(int fd, const char *name);
int	loop_fd_mod(int fd, uint32_t events);
void	loop_fd_del(int fd);

int	loop_signal(int signo, loop_signal_fn fn, void *arg);
int	loop_prepare_add(loop_prepare_fn fn, void *arg);
void	loop_prepare_name(loop_prepare_fn fn, const char *name);

struct loop_timer *loop_timer_new(loop_timer_fn fn, void *arg);
void	loop_timer_name(struct loop_timer *t, const char *name);
void	loop_timer_set(struct loop_timer *t, uint64_t ms);	/* fire once, ms from now */
void	loop_timer_stop(struct loop_timer *t);
int	loop_timer_pending(const struct loop_timer *t);
void	loop_timer_free(struct loop_timer *t);

/* A long turn and the handler that took the most of it: what stalled
 * the loop (what: "XFRM events", "timer XFRM refresh", "HTTP (before the
 * wait)", "timer set in IKE socket", "fd 9"). */
#define LOOP_LONG_TURNS	5
#define LOOP_WHAT_LEN	48
#define LOOP_NOTE_LEN	96
struct loop_turn {
	uint64_t	us;		/* the turn; 0: none */
	uint64_t	what_us;	/* of which the handler below */
	uint64_t	at_ms;		/* when it ended (loop_now_ms) */
	char		what[LOOP_WHAT_LEN];
	/* the CPU the loop's thread used in the turn: a turn much longer
	 * than its CPU waited for one (a loaded machine), not on work */
	uint64_t	cpu_us;
	char		note[LOOP_NOTE_LEN];	/* the handler's own account, or "" */
};

/* The work done per turn (after each wait), for latency reports. */
struct loop_stats {
	uint64_t	turns;		/* turns of the loop */
	uint64_t	busy_us;	/* total time spent working */
	uint64_t	last_us, max_us;	/* the last turn's, the longest */
	uint64_t	over_100ms;	/* turns that took 100 ms or more */
	uint64_t	peak_us;	/* the longest since loop_peak_reset() */
	struct loop_turn max;		/* the longest (max_us) */
	struct loop_turn longest[LOOP_LONG_TURNS];	/* since the reset, longest first */
};
void	loop_get_stats(struct loop_stats *st);

/* Where the loop's time went since the start, handler by handler (what
 * Cisco's "show processes cpu" gives per process): the wall time of each
 * call, so on a loaded machine it counts the waits for a CPU too. Kept
 * for the first LOOP_TOTALS handlers seen; the rest add up in one row
 * named "others". */
#define LOOP_TOTALS	32
struct loop_total {
	char		what[LOOP_WHAT_LEN];
	uint64_t	us;		/* wall time of its calls */
	uint64_t	calls;
};
/* Fills at most max rows, the most time first; returns how many. */
size_t	loop_get_totals(struct loop_total *out, size_t max);
/* The running handler's account of its work ("/ 3.1 ms, 4 parts 8.0 ms"):
 * kept with a long turn that handler took the most of. */
void	loop_note(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Starts a new window for peak_us: the longest stall over a span of
 * interest (a benchmark's requests, an operator's "since I last looked"). */
void	loop_peak_reset(void);

uint64_t loop_now_ms(void);	/* CLOCK_MONOTONIC in ms */
uint64_t loop_now_us(void);	/* the same in microseconds: work budgets */

#endif
