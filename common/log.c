#include "config.h"

#include <stdarg.h>
#include <stdio.h>
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
log_emit(int prio, const char *line)
{
	static const char *names[] = { "emerg", "alert", "crit", "error",
	    "warning", "notice", "info", "debug" };

	if (log_tap != NULL && prio <= LOG_INFO)
		log_tap(prio, line, log_tap_arg);
	if (prio > log_level)
		return;
	if (log_sink)
		log_sink(prio, line, log_sink_arg);
	if (log_stderr) {
		struct timespec ts;
		struct tm tm;
		char tbuf[32];

		clock_gettime(CLOCK_REALTIME, &ts);
		localtime_r(&ts.tv_sec, &tm);
		strftime(tbuf, sizeof(tbuf), "%b %d %H:%M:%S", &tm);
		fprintf(stderr, "%s.%03ld %s: %s\n", tbuf, ts.tv_nsec / 1000000,
		    names[prio & 7], line);
	}
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
