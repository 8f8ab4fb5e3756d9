#include "config.h"

#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <time.h>
#include <unistd.h>

#include "common/log.h"
#include "common/loop.h"

struct loop_fd {
	int		 fd;
	loop_fd_fn	 fn;
	void		*arg;
	const char	*name;		/* for the long turns; NULL: "fd N" */
	struct loop_fd	*next;
};

struct loop_timer {
	loop_timer_fn	 fn;
	void		*arg;
	uint64_t	 when;
	size_t		 slot;	/* position in the heap, or SIZE_MAX */
	const char	*name;
	int		 made_in;	/* name is the handler that made it */
};

struct loop_sig {
	int		 signo;
	loop_signal_fn	 fn;
	void		*arg;
};

struct loop_prep {
	loop_prepare_fn	 fn;
	void		*arg;
	const char	*name;
};

static int epfd = -1;
static int sigfd = -1;
static sigset_t sigmask;
static struct loop_fd *fds;
static struct loop_timer **heap;
static size_t heap_len, heap_cap;
static struct loop_sig sigs[16];
static size_t nsigs;
static struct loop_prep preps[8];
static size_t npreps;
static int stopping;

/* Which handler is running (its name: what a timer made now is known by),
 * and which took the most of the current turn. */
enum { H_FD, H_TIMER, H_PREP };
struct handler {
	int		 kind;
	const char	*name;
	int		 fd, made_in;
	uint64_t	 us;
	char		 note[LOOP_NOTE_LEN];
};
static const char *run_name;
static char run_note[LOOP_NOTE_LEN];	/* what the running handler said */
static struct handler turn_top = { .kind = -1 };

static uint64_t handler_ran(int kind, const char *name, int fd, int made_in,
    uint64_t since);

/* The totals per handler (loop_get_totals). A handler is known by its
 * kind and name (a literal: compared by address) or, unnamed, its
 * descriptor; the last slot takes everything past the first
 * LOOP_TOTALS - 1. */
struct total {
	struct handler	 h;
	uint64_t	 us, calls;
};
static struct total totals[LOOP_TOTALS];
static size_t ntotals;

uint64_t
loop_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static void
loop_sig_read(int fd, uint32_t ev, void *arg)
{
	struct signalfd_siginfo si;

	while (read(fd, &si, sizeof(si)) == (ssize_t)sizeof(si)) {
		for (size_t i = 0; i < nsigs; i++)
			if ((int)si.ssi_signo == sigs[i].signo)
				sigs[i].fn(sigs[i].signo, sigs[i].arg);
	}
}

int
loop_init(void)
{
	if (epfd >= 0)
		return 0;
	epfd = epoll_create1(EPOLL_CLOEXEC);
	if (epfd < 0) {
		log_err("%s: epoll_create1: %s", __func__, strerror(errno));
		return -1;
	}
	sigemptyset(&sigmask);
	stopping = 0;
	ntotals = 0;
	return 0;
}

void
loop_free(void)
{
	struct loop_fd *f;

	while ((f = fds)) {
		fds = f->next;
		free(f);
	}
	free(heap);
	heap = NULL;
	heap_len = heap_cap = 0;
	if (sigfd >= 0)
		close(sigfd);
	sigfd = -1;
	nsigs = npreps = 0;
	if (epfd >= 0)
		close(epfd);
	epfd = -1;
}

void
loop_stop(void)
{
	stopping = 1;
}

int
loop_fd_add(int fd, uint32_t events, loop_fd_fn fn, void *arg)
{
	struct epoll_event ev = { .events = events };
	struct loop_fd *f;

	if ((f = calloc(1, sizeof(*f))) == NULL)
		return -1;
	f->fd = fd;
	f->fn = fn;
	f->arg = arg;
	ev.data.ptr = f;
	if (epoll_ctl(epfd, EPOLL_CTL_ADD, fd, &ev) < 0) {
		log_err("%s: epoll_ctl(%d): %s", __func__, fd, strerror(errno));
		free(f);
		return -1;
	}
	f->next = fds;
	fds = f;
	return 0;
}

static struct loop_fd *
loop_fd_find(int fd, struct loop_fd ***prevp)
{
	struct loop_fd **pp;

	for (pp = &fds; *pp; pp = &(*pp)->next)
		if ((*pp)->fd == fd) {
			if (prevp)
				*prevp = pp;
			return *pp;
		}
	return NULL;
}

int
loop_fd_mod(int fd, uint32_t events)
{
	struct epoll_event ev = { .events = events };
	struct loop_fd *f = loop_fd_find(fd, NULL);

	if (f == NULL)
		return -1;
	ev.data.ptr = f;
	return epoll_ctl(epfd, EPOLL_CTL_MOD, fd, &ev);
}

void
loop_fd_name(int fd, const char *name)
{
	struct loop_fd *f = loop_fd_find(fd, NULL);

	if (f)
		f->name = name;
}

/* Descriptors removed while a batch of events is being dispatched must not be
 * touched again in that batch: they are parked here and freed after it. */
static struct loop_fd *graveyard;

void
loop_fd_del(int fd)
{
	struct loop_fd **pp, *f;

	if ((f = loop_fd_find(fd, &pp)) == NULL)
		return;
	epoll_ctl(epfd, EPOLL_CTL_DEL, fd, NULL);
	*pp = f->next;
	f->fn = NULL;
	f->next = graveyard;
	graveyard = f;
}

int
loop_signal(int signo, loop_signal_fn fn, void *arg)
{
	if (nsigs >= sizeof(sigs) / sizeof(sigs[0]))
		return -1;
	sigs[nsigs++] = (struct loop_sig){ signo, fn, arg };
	sigaddset(&sigmask, signo);
	if (sigprocmask(SIG_BLOCK, &sigmask, NULL) < 0)
		return -1;
	if (sigfd >= 0)
		return signalfd(sigfd, &sigmask, SFD_NONBLOCK | SFD_CLOEXEC) < 0 ? -1 : 0;
	sigfd = signalfd(-1, &sigmask, SFD_NONBLOCK | SFD_CLOEXEC);
	if (sigfd < 0)
		return -1;
	if (loop_fd_add(sigfd, EPOLLIN, loop_sig_read, NULL) < 0)
		return -1;
	loop_fd_name(sigfd, "signals");
	return 0;
}

int
loop_prepare_add(loop_prepare_fn fn, void *arg)
{
	if (npreps >= sizeof(preps) / sizeof(preps[0]))
		return -1;
	preps[npreps++] = (struct loop_prep){ fn, arg, NULL };
	return 0;
}

void
loop_prepare_name(loop_prepare_fn fn, const char *name)
{
	for (size_t i = 0; i < npreps; i++)
		if (preps[i].fn == fn)
			preps[i].name = name;
}

/* Binary min-heap on expiry time. */
static void
heap_swap(size_t a, size_t b)
{
	struct loop_timer *t = heap[a];

	heap[a] = heap[b];
	heap[b] = t;
	heap[a]->slot = a;
	heap[b]->slot = b;
}

static void
heap_up(size_t i)
{
	while (i > 0 && heap[(i - 1) / 2]->when > heap[i]->when) {
		heap_swap(i, (i - 1) / 2);
		i = (i - 1) / 2;
	}
}

static void
heap_down(size_t i)
{
	for (;;) {
		size_t l = 2 * i + 1, r = l + 1, m = i;

		if (l < heap_len && heap[l]->when < heap[m]->when)
			m = l;
		if (r < heap_len && heap[r]->when < heap[m]->when)
			m = r;
		if (m == i)
			return;
		heap_swap(i, m);
		i = m;
	}
}

static void
heap_remove(struct loop_timer *t)
{
	size_t i = t->slot;

	if (i == SIZE_MAX)
		return;
	t->slot = SIZE_MAX;
	heap_len--;
	if (i == heap_len)
		return;
	heap[i] = heap[heap_len];
	heap[i]->slot = i;
	heap_up(i);
	heap_down(heap[i]->slot);
}

struct loop_timer *
loop_timer_new(loop_timer_fn fn, void *arg)
{
	struct loop_timer *t = calloc(1, sizeof(*t));

	if (t == NULL)
		return NULL;
	t->fn = fn;
	t->arg = arg;
	t->slot = SIZE_MAX;
	/* unnamed, it is known by the handler that made it (an IKE SA's
	 * timers: the IKE socket's packet or the control request) */
	if ((t->name = run_name) != NULL)
		t->made_in = 1;
	return t;
}

void
loop_timer_name(struct loop_timer *t, const char *name)
{
	if (t) {
		t->name = name;
		t->made_in = 0;
	}
}

void
loop_timer_set(struct loop_timer *t, uint64_t ms)
{
	heap_remove(t);
	if (heap_len == heap_cap) {
		size_t ncap = heap_cap ? heap_cap * 2 : 64;
		struct loop_timer **n = realloc(heap, ncap * sizeof(*n));

		if (n == NULL) {
			log_err("%s: out of memory", __func__);
			return;
		}
		heap = n;
		heap_cap = ncap;
	}
	t->when = loop_now_ms() + ms;
	t->slot = heap_len;
	heap[heap_len++] = t;
	heap_up(t->slot);
}

void
loop_timer_stop(struct loop_timer *t)
{
	if (t)
		heap_remove(t);
}

int
loop_timer_pending(const struct loop_timer *t)
{
	return t && t->slot != SIZE_MAX;
}

void
loop_timer_free(struct loop_timer *t)
{
	if (t == NULL)
		return;
	heap_remove(t);
	free(t);
}

/* t0: loop_now_us() of now, which each handler's end moves on. */
static void
loop_run_timers(uint64_t t0)
{
	uint64_t now = t0 / 1000;

	while (heap_len > 0 && heap[0]->when <= now) {
		struct loop_timer *t = heap[0];
		const char *name = t->name;
		int made_in = t->made_in;

		heap_remove(t);
		run_name = name;
		/* t may be freed by its own callback: its name is kept */
		t->fn(t->arg);
		t0 = handler_ran(H_TIMER, name, -1, made_in, t0);
	}
}

/* How long each turn's work kept the loop from its next wait: what a
 * packet or a control request that arrived meanwhile had to wait. A turn
 * runs from the end of one wait to the start of the next, so the prepare
 * hooks' work (the web server runs MHD there) counts too. */
static struct loop_stats stats;
static uint64_t turn_start;	/* when the last wait ended; 0 before the first */
/* The thread's CPU time at the end of the last turn, and what the turn
 * took: one reading a turn (not a vDSO call: a system call each), so the
 * wait's own bit of CPU counts with the turn after it. */
static uint64_t turn_cpu, last_cpu;

uint64_t
loop_now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

static uint64_t
cpu_now_us(void)
{
	struct timespec ts;

	if (clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts) < 0)
		return 0;
	return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

void
loop_note(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(run_note, sizeof(run_note), fmt, ap);
	va_end(ap);
}

static void handler_text(const struct handler *h, char *dst, size_t len);

static void
total_add(int kind, const char *name, int fd, int made_in, uint64_t us)
{
	struct total *t = NULL;

	for (size_t i = 0; i < ntotals; i++)
		if (totals[i].h.kind == kind && totals[i].h.name == name &&
		    totals[i].h.made_in == made_in &&
		    (name != NULL || totals[i].h.fd == fd)) {
			t = &totals[i];
			break;
		}
	if (t == NULL) {
		if (ntotals < LOOP_TOTALS) {
			t = &totals[ntotals++];
			*t = (struct total){ .h = { kind, name, fd, made_in, 0, "" } };
			if (ntotals == LOOP_TOTALS)
				t->h.kind = -1;		/* "others" */
		} else
			t = &totals[LOOP_TOTALS - 1];
	}
	t->us += us;
	t->calls++;
}

size_t
loop_get_totals(struct loop_total *out, size_t max)
{
	size_t n = 0;

	for (size_t i = 0; i < ntotals; i++) {
		size_t j = n;

		if (max == 0)
			break;
		if (n == max) {		/* full: it takes the last one's place */
			if (out[max - 1].us >= totals[i].us)
				continue;
			j = max - 1;
		}
		/* insertion, the most time first */
		for (; j > 0 && out[j - 1].us < totals[i].us; j--)
			out[j] = out[j - 1];
		if (totals[i].h.kind < 0)
			snprintf(out[j].what, sizeof(out[j].what), "others");
		else
			handler_text(&totals[i].h, out[j].what, sizeof(out[j].what));
		out[j].us = totals[i].us;
		out[j].calls = totals[i].calls;
		if (n < max)
			n++;
	}
	return n;
}

/* Accounts a handler that started at since; returns the time now, which
 * the next handler of the turn starts from (one clock read a handler). */
static uint64_t
handler_ran(int kind, const char *name, int fd, int made_in, uint64_t since)
{
	uint64_t end = loop_now_us(), us = end - since;

	run_name = NULL;
	total_add(kind, name, fd, made_in, us);
	if (us >= turn_top.us || turn_top.kind < 0) {
		turn_top = (struct handler){ kind, name, fd, made_in, us, "" };
		memcpy(turn_top.note, run_note, sizeof(run_note));
	}
	run_note[0] = '\0';
	return end;
}

static void
handler_text(const struct handler *h, char *dst, size_t len)
{
	switch (h->kind) {
	case H_FD:
		if (h->name)
			snprintf(dst, len, "%s", h->name);
		else
			snprintf(dst, len, "fd %d", h->fd);
		break;
	case H_TIMER:
		snprintf(dst, len, "timer%s%s", h->name ? (h->made_in ?
		    " set in " : " ") : "", h->name ? h->name : "");
		break;
	case H_PREP:
		snprintf(dst, len, "%s (before the wait)", h->name ? h->name :
		    "hook");
		break;
	default:
		snprintf(dst, len, "loop");	/* no handler ran: epoll itself */
	}
}

static void
turn_set(struct loop_turn *t, uint64_t us)
{
	t->us = us;
	t->what_us = turn_top.kind >= 0 ? turn_top.us : 0;
	t->at_ms = loop_now_ms();
	t->cpu_us = turn_cpu;
	handler_text(&turn_top, t->what, sizeof(t->what));
	t->note[0] = '\0';
	if (turn_top.kind >= 0)
		memcpy(t->note, turn_top.note, sizeof(t->note));
}

/* The turn takes its place among the longest since the last look, which
 * are kept longest first. */
static void
peak_insert(uint64_t us)
{
	size_t i = LOOP_LONG_TURNS;

	if (us <= stats.longest[LOOP_LONG_TURNS - 1].us)
		return;
	while (i > 0 && stats.longest[i - 1].us < us)
		i--;
	memmove(&stats.longest[i + 1], &stats.longest[i],
	    (LOOP_LONG_TURNS - 1 - i) * sizeof(stats.longest[0]));
	turn_set(&stats.longest[i], us);
}

static void
loop_account(uint64_t us)
{
	stats.turns++;
	stats.busy_us += us;
	stats.last_us = us;
	if (us > stats.max_us) {
		stats.max_us = us;
		turn_set(&stats.max, us);
	}
	if (us > stats.peak_us)
		stats.peak_us = us;
	if (us >= 100000)
		stats.over_100ms++;
	peak_insert(us);
}

int
loop_once(int max_ms)
{
	struct epoll_event evs[64];
	int timeout = max_ms, n;
	uint64_t t0 = loop_now_us();

	for (size_t i = 0; i < npreps; i++) {
		int p;

		run_name = preps[i].name;
		p = preps[i].fn(preps[i].arg);
		t0 = handler_ran(H_PREP, preps[i].name, -1, 0, t0);

		if (p >= 0 && (timeout < 0 || p < timeout))
			timeout = p;
	}
	if (heap_len > 0) {
		uint64_t now = t0 / 1000;
		int t = heap[0]->when > now ? (int)(heap[0]->when - now) : 0;

		if (timeout < 0 || t < timeout)
			timeout = t;
	}
	if (turn_start) {
		uint64_t cpu = cpu_now_us();

		turn_cpu = cpu >= last_cpu ? cpu - last_cpu : 0;
		last_cpu = cpu;
		loop_account(t0 >= turn_start ? t0 - turn_start : 0);
		turn_start = 0;
	} else
		last_cpu = cpu_now_us();	/* the first turn's start */
	n = epoll_wait(epfd, evs, 64, timeout);
	if (n < 0) {
		if (errno == EINTR)
			return 0;
		log_err("%s: epoll_wait: %s", __func__, strerror(errno));
		return -1;
	}
	t0 = turn_start = loop_now_us();
	turn_top = (struct handler){ .kind = -1 };
	for (int i = 0; i < n; i++) {
		struct loop_fd *f = evs[i].data.ptr;

		if (f->fn == NULL)
			continue;
		run_name = f->name;
		f->fn(f->fd, evs[i].events, f->arg);
		t0 = handler_ran(H_FD, f->name, f->fd, 0, t0);
	}
	while (graveyard) {
		struct loop_fd *f = graveyard;

		graveyard = f->next;
		free(f);
	}
	loop_run_timers(t0);
	return 0;
}

void
loop_get_stats(struct loop_stats *st)
{
	*st = stats;
}

void
loop_peak_reset(void)
{
	stats.peak_us = 0;
	memset(stats.longest, 0, sizeof(stats.longest));
}

int
loop_run(void)
{
	while (!stopping)
		if (loop_once(-1) < 0)
			return -1;
	return 0;
}
