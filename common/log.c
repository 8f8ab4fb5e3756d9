#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "common/log.h"

static int log_stderr = 1;
static int log_syslog;
static int log_level = LOG_INFO;
static log_sink_fn log_sink;
static void *log_sink_arg;
static log_sink_fn log_tap;
static void *log_tap_arg;

/* The last lines logged, for the diagnostic bundle: the log may go to a
 * journal the person helping cannot read. Bounded by count; each line is
 * already bounded by log_msg's buffer. */
static char *ring[LOG_RING_LINES];
static size_t ring_next, ring_count;
static uint64_t ring_dropped;

void
log_init(const char *ident, int to_stderr, int to_syslog)
{
	log_stderr = to_stderr;
	if (log_syslog && !to_syslog)
		closelog();
	log_syslog = to_syslog;
	if (to_syslog)
		openlog(ident, LOG_PID | LOG_NDELAY, LOG_DAEMON);
}

void
log_setlevel(int level)
{
	log_level = level;
}

int
log_getlevel(void)
{
	return log_level;
}

int
log_level_parse(const char *s)
{
	static const struct { const char *n; int l; } names[] = {
		{ "err", LOG_ERR }, { "error", LOG_ERR }, { "warning", LOG_WARNING },
		{ "warn", LOG_WARNING }, { "notice", LOG_NOTICE }, { "info", LOG_INFO },
		{ "debug", LOG_DEBUG },
	};
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (strcasecmp(s, names[i].n) == 0)
			return names[i].l;
	return -1;
}

void
log_set_sink(log_sink_fn fn, void *arg)
{
	log_sink = fn;
	log_sink_arg = arg;
}

void
log_set_tap(log_sink_fn fn, void *arg)
{
	log_tap = fn;
	log_tap_arg = arg;
}

/* Whether a line of prio is formatted at all: the log's level, or info
 * while a tap follows the daemon (an operator waiting for `up` sees the
 * exchange even when the log itself keeps to notices). */
static int
log_wanted(int prio)
{
	return prio <= log_level || (log_tap != NULL && prio <= LOG_INFO);
}

static void
log_ring_put(const char *stamp, const char *level, const char *line)
{
	char *s;

	if (asprintf(&s, "%s %s: %s", stamp, level, line) < 0)
		return;
	if (ring_count == LOG_RING_LINES) {
		free(ring[ring_next]);
		ring_dropped++;
	} else
		ring_count++;
	ring[ring_next] = s;
	ring_next = (ring_next + 1) % LOG_RING_LINES;
}

void
log_ring_walk(log_ring_fn fn, void *arg)
{
	size_t first = (ring_next + LOG_RING_LINES - ring_count) % LOG_RING_LINES;

	for (size_t i = 0; i < ring_count; i++)
		fn(ring[(first + i) % LOG_RING_LINES], arg);
}

uint64_t
log_ring_dropped(void)
{
	return ring_dropped;
}

void
log_ring_free(void)
{
	for (size_t i = 0; i < LOG_RING_LINES; i++) {
		free(ring[i]);
		ring[i] = NULL;
	}
	ring_next = ring_count = 0;
	ring_dropped = 0;
}

static void
log_emit(int prio, const char *line)
{
	static const char *names[] = { "emerg", "alert", "crit", "error",
	    "warning", "notice", "info", "debug" };
	struct timespec ts;
	struct tm tm;
	char tbuf[32], stamp[48];

	if (log_tap != NULL && prio <= LOG_INFO)
		log_tap(prio, line, log_tap_arg);
	if (prio > log_level)
		return;
	if (log_sink)
		log_sink(prio, line, log_sink_arg);
	clock_gettime(CLOCK_REALTIME, &ts);
	localtime_r(&ts.tv_sec, &tm);
	strftime(tbuf, sizeof(tbuf), "%b %d %H:%M:%S", &tm);
	snprintf(stamp, sizeof(stamp), "%s.%03ld", tbuf, ts.tv_nsec / 1000000);
	log_ring_put(stamp, names[prio & 7], line);
	if (log_stderr)
		fprintf(stderr, "%s %s: %s\n", stamp, names[prio & 7], line);
	if (log_syslog)
		syslog(prio, "%s", line);
}

void
log_msg(int prio, const char *fmt, ...)
{
	char line[2048];
	va_list ap;

	if (!log_wanted(prio))
		return;
	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	log_emit(prio, line);
}

void
log_tag(const char *tag, const char *fmt, ...)
{
	char line[2048];
	const char *d;
	int prio = LOG_NOTICE;
	size_t n;
	va_list ap;

	/* FACILITY-SEVERITY-MNEMONIC: the severity digit maps onto syslog's. */
	d = strchr(tag, '-');
	if (d && d[1] >= '0' && d[1] <= '7')
		prio = d[1] - '0';
	if (!log_wanted(prio))
		return;
	n = (size_t)snprintf(line, sizeof(line), "%%%s: ", tag);
	if (n >= sizeof(line))
		n = sizeof(line) - 1;
	va_start(ap, fmt);
	vsnprintf(line + n, sizeof(line) - n, fmt, ap);
	va_end(ap);
	log_emit(prio, line);
}
