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

int	loop_fd_add(int fd, uint32_t events, loop_fd_fn fn, void *arg);
int	loop_fd_mod(int fd, uint32_t events);
void	loop_fd_del(int fd);

int	loop_signal(int signo, loop_signal_fn fn, void *arg);
int	loop_prepare_add(loop_prepare_fn fn, void *arg);

struct loop_timer *loop_timer_new(loop_timer_fn fn, void *arg);
void	loop_timer_set(struct loop_timer *t, uint64_t ms);	/* fire once, ms from now */
void	loop_timer_stop(struct loop_timer *t);
int	loop_timer_pending(const struct loop_timer *t);
void	loop_timer_free(struct loop_timer *t);

/* The work done per turn (after each wait), for latency reports. */
struct loop_stats {
	uint64_t	turns;		/* turns of the loop */
	uint64_t	busy_us;	/* total time spent working */
	uint64_t	last_us, max_us;	/* the last turn's, the longest */
	uint64_t	over_100ms;	/* turns that took 100 ms or more */
	uint64_t	peak_us;	/* the longest since loop_peak_reset() */
};
void	loop_get_stats(struct loop_stats *st);
/* Starts a new window for peak_us: the longest stall over a span of
 * interest (a benchmark's requests, an operator's "since I last looked"). */
void	loop_peak_reset(void);

uint64_t loop_now_ms(void);	/* CLOCK_MONOTONIC in ms */
uint64_t loop_now_us(void);	/* the same in microseconds: work budgets */

#endif
