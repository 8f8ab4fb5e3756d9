/* Logging to stderr (foreground) and/or syslog, with levels.
 * Cisco-style tags ("%CRYPTO-6-IKMP_POLICY_DEFAULT: ...") go through log_tag(). */
#ifndef IKEFLOW_LOG_H
#define IKEFLOW_LOG_H

#include <stdint.h>
#include <syslog.h>

void	log_init(const char *ident, int to_stderr, int to_syslog);
void	log_setlevel(int level);	/* LOG_ERR .. LOG_DEBUG */
int	log_getlevel(void);
int	log_level_parse(const char *s);	/* "debug" / "info" / ... or -1 */

void	log_msg(int prio, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));
/* tag is e.g. "CRYPTO-6-IKMP_POLICY_DEFAULT"; the priority is taken from its digit. */
void	log_tag(const char *tag, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));

#define log_err(...)	log_msg(LOG_ERR, __VA_ARGS__)
#define log_warnx(...)	log_msg(LOG_WARNING, __VA_ARGS__)
#define log_notice(...)	log_msg(LOG_NOTICE, __VA_ARGS__)
#define log_info(...)	log_msg(LOG_INFO, __VA_ARGS__)
#define log_debug(...)	log_msg(LOG_DEBUG, __VA_ARGS__)

/* Lines captured by tests: when set, every formatted line is also handed here. */
typedef void (*log_sink_fn)(int prio, const char *line, void *arg);
void	log_set_sink(log_sink_fn fn, void *arg);
/* The daemon's own follower (ikeflowctl up/down streaming an exchange):
 * sees every line up to LOG_INFO whatever the log level. Main thread only. */
void	log_set_tap(log_sink_fn fn, void *arg);

/* The last LOG_RING_LINES lines logged (at the level in force), oldest
 * first, as "Mon dd hh:mm:ss.mmm level: text". */
#define LOG_RING_LINES	1000
typedef void (*log_ring_fn)(const char *line, void *arg);
void	log_ring_walk(log_ring_fn fn, void *arg);
uint64_t log_ring_dropped(void);	/* lines pushed out so far */
void	log_ring_free(void);

#endif
