/* Text helpers the renderers share: escaping for HTML, durations, sizes,
 * selector lists and the derived facts of a tunnel (peer ID, uptime, time to
 * the next rekey). */
#include "config.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/loop.h"
#include "web/web_int.h"

int
bputs(struct buf *b, const char *s)
{
	return buf_put(b, s, strlen(s));
}

int
bput_u64(struct buf *b, uint64_t v)
{
	char tmp[24], *p = tmp + sizeof(tmp);

	do
		*--p = (char)('0' + v % 10);
	while ((v /= 10) != 0);
	return buf_put(b, p, (size_t)(tmp + sizeof(tmp) - p));
}

int
bprintf(struct buf *b, const char *fmt, ...)
{
	char tmp[512];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(tmp, sizeof(tmp), fmt, ap);
	va_end(ap);
	if (n < 0)
		return -1;
	if ((size_t)n < sizeof(tmp))
		return buf_put(b, tmp, (size_t)n);
	/* longer than the stack buffer: format again into the buffer itself */
	if (buf_reserve(b, (size_t)n + 1) < 0)
		return -1;
	va_start(ap, fmt);
	vsnprintf((char *)b->data + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
	return 0;
}

int
web_escape(struct buf *b, const char *s, const char *(*rep)(char c))
{
	const char *run = s, *r;
	int rc = 0;

	for (; *s; s++) {
		if ((r = rep(*s)) == NULL)
			continue;
		rc |= buf_put(b, run, (size_t)(s - run));
		rc |= bputs(b, r);
		run = s + 1;
	}
	rc |= buf_put(b, run, (size_t)(s - run));
	return rc ? -1 : 0;
}

static const char *
html_rep(char c)
{
	switch (c) {
	case '&': return "&amp;";
	case '<': return "&lt;";
	case '>': return "&gt;";
	case '"': return "&quot;";
	case '\'': return "&#39;";
	default: return NULL;
	}
}

int
html_esc(struct buf *b, const char *s)
{
	return web_escape(b, s, html_rep);
}

/* Writes v's digits, at least width of them, before end; returns where
 * they begin. */
static char *
digits_before(char *end, uint64_t v, int width)
{
	char *p = end;

	do
		*--p = (char)('0' + v % 10);
	while ((v /= 10) != 0);
	while (end - p < width)
		*--p = '0';
	return p;
}

/* [p, end) into dst as a string, cut to len. */
static const char *
copy_out(char *dst, size_t len, const char *p, const char *end)
{
	size_t n = (size_t)(end - p);

	if (len == 0)
		return dst;
	if (n >= len)
		n = len - 1;
	memcpy(dst, p, n);
	dst[n] = '\0';
	return dst;
}

/* "[Nd ]hh:mm:ss" without printf: the dashboard writes two a row. */
const char *
fmt_dur(uint64_t secs, char *dst, size_t len)
{
	uint64_t d = secs / 86400, h = secs / 3600 % 24, m = secs / 60 % 60, s = secs % 60;
	char tmp[40], *end = tmp + sizeof(tmp), *p;

	p = digits_before(end, s, 2);
	*--p = ':';
	p = digits_before(p, m, 2);
	*--p = ':';
	p = digits_before(p, h, 2);
	if (d) {
		*--p = ' ';
		*--p = 'd';
		p = digits_before(p, d, 1);
	}
	return copy_out(dst, len, p, end);
}

const char *
fmt_bytes(uint64_t n, char *dst, size_t len)
{
	static const char *const unit[] = { "B", "kB", "MB", "GB", "TB", "PB" };
	double v = (double)n;
	int u = 0;

	while (v >= 1000 && u < 5) {
		v /= 1000;
		u++;
	}
	if (u == 0) {	/* the common case in a table: no printf */
		char tmp[24], *end = tmp + sizeof(tmp) - 2;

		memcpy(end, " B", 2);
		return copy_out(dst, len, digits_before(end, n, 1), end + 2);
	} else
		snprintf(dst, len, "%.1f %s", v, unit[u]);
	return dst;
}

const char *
child_peer_id(const struct st_child *ch)
{
	const struct st_ike *ike = st_ike_find(ch->ike_index);

	return ike ? ike->remote_id : "";
}

const char *
ts_list(const struct st_ts *ts, int n, char *dst, size_t len)
{
	size_t off = 0;

	dst[0] = '\0';
	for (int i = 0; i < n && off < len; i++) {
		char net[64];

		subnet_str(&ts[i].net, net, sizeof(net));
		if (ts[i].proto || ts[i].port)
			off += (size_t)snprintf(dst + off, len - off, "%s%s[%u/%u]",
			    i ? ", " : "", net, ts[i].proto, ts[i].port);
		else
			off += (size_t)snprintf(dst + off, len - off, "%s%s", i ? ", " : "", net);
	}
	return dst;
}

uint64_t
child_uptime(const struct st_child *ch)
{
	return child_uptime_at(ch, st_now_ms());
}

uint64_t
child_uptime_at(const struct st_child *ch, uint64_t now)
{
	return ch->start_mono && now > ch->start_mono ? (now - ch->start_mono) / 1000 : 0;
}

uint64_t
child_rekey_in(const struct st_child *ch)
{
	return child_rekey_in_at(ch, st_now_ms());
}

uint64_t
child_rekey_in_at(const struct st_child *ch, uint64_t now)
{
	uint64_t age;

	if (ch->rekey_sec == 0 || ch->sa_mono == 0)
		return 0;
	age = now > ch->sa_mono ? (now - ch->sa_mono) / 1000 : 0;
	return age < ch->rekey_sec ? ch->rekey_sec - age : 0;
}

int
time_spent(uint64_t until_us)
{
	return until_us != 0 && loop_now_us() >= until_us;
}

int
stream_spent(const struct stream *s, int n)
{
	return n >= STREAM_MIN_ROWS && n % 8 == 0 && time_spent(s->until_us);
}
