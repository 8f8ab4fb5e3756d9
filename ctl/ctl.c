#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "common/log.h"
#include "common/loop.h"
#include "ctl/ctl.h"
#include "ctl/ctl_client.h"

#define CTL_MAX_WORDS	64
#define CTL_MAX_CLIENTS	32
#define CTL_TIMEOUT_MS	10000

struct ctl_cmd {
	char		*prefix;
	char		*wordbuf;	/* split copy of prefix: words[] point into it */
	char		*words[CTL_MAX_WORDS];
	int		 nwords;
	char		*usage;
	char		*help;
	ctl_cmd_fn	 fn;
	void		*arg;
};

static struct ctl_cmd *cmds;
static size_t ncmds;
static int builtins_done;

/* ---- buf_printf ---- */

/* The text is kept NUL-terminated just past b->len (not counted in len), so
 * a handler's output can be read as a C string. */
int
buf_printf(struct buf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (b->failed)
		return -1;
	if (buf_reserve(b, 128) < 0)
		return -1;
	va_start(ap, fmt);
	n = vsnprintf((char *)b->data + b->len, b->cap - b->len, fmt, ap);
	va_end(ap);
	if (n < 0) {
		b->failed = 1;
		return -1;
	}
	if ((size_t)n >= b->cap - b->len) {
		if (buf_reserve(b, (size_t)n + 1) < 0)
			return -1;
		va_start(ap, fmt);
		vsnprintf((char *)b->data + b->len, b->cap - b->len, fmt, ap);
		va_end(ap);
	}
	b->len += (size_t)n;
	return 0;
}

/* ---- command table ---- */

static int
ctl_split(char *s, char **words, int max)
{
	int n = 0;
	char *p = s;

	for (;;) {
		while (*p == ' ' || *p == '\t')
			p++;
		if (*p == '\0')
			return n;
		if (n == max)
			return -1;
		words[n++] = p;
		while (*p && *p != ' ' && *p != '\t')
			p++;
		if (*p)
			*p++ = '\0';
	}
}

static void
ctl_cmd_free(struct ctl_cmd *c)
{
	free(c->prefix);
	free(c->wordbuf);
	free(c->usage);
	free(c->help);
}

static void ctl_builtins(void);

int
ctl_register(const char *prefix, const char *usage, const char *help,
    ctl_cmd_fn fn, void *arg)
{
	struct ctl_cmd c = { 0 }, *n;

	if (!builtins_done)
		ctl_builtins();
	if (prefix == NULL || fn == NULL)
		return -1;
	c.prefix = strdup(prefix);
	c.wordbuf = strdup(prefix);
	c.usage = strdup(usage ? usage : prefix);
	c.help = strdup(help ? help : "");
	c.fn = fn;
	c.arg = arg;
	if (!c.prefix || !c.wordbuf || !c.usage || !c.help)
		goto fail;
	c.nwords = ctl_split(c.wordbuf, c.words, CTL_MAX_WORDS);
	if (c.nwords <= 0) {
		log_err("%s: bad command prefix \"%s\"", __func__, prefix);
		goto fail;
	}
	for (size_t i = 0; i < ncmds; i++) {
		int same = cmds[i].nwords == c.nwords;

		for (int w = 0; same && w < c.nwords; w++)
			same = strcasecmp(cmds[i].words[w], c.words[w]) == 0;
		if (same) {
			log_err("%s: command \"%s\" registered twice", __func__, prefix);
			goto fail;
		}
	}
	if ((n = realloc(cmds, (ncmds + 1) * sizeof(*cmds))) == NULL)
		goto fail;
	cmds = n;
	cmds[ncmds++] = c;
	return 0;
fail:
	ctl_cmd_free(&c);
	return -1;
}

void
ctl_unregister_all(void)
{
	for (size_t i = 0; i < ncmds; i++)
		ctl_cmd_free(&cmds[i]);
	free(cmds);
	cmds = NULL;
	ncmds = 0;
	builtins_done = 0;
}

/* A request word matches a command word when equal or an abbreviation of it
 * (Cisco style: "sh cry ipsec sa"). Returns 2 exact, 1 abbreviation, 0 no. */
static int
ctl_word_match(const char *in, const char *word)
{
	size_t n = strlen(in);

	if (strcasecmp(in, word) == 0)
		return 2;
	if (n > 0 && n < strlen(word) && strncasecmp(in, word, n) == 0)
		return 1;
	return 0;
}

/* Number of leading command words the request matches; *exact counts the
 * words matched in full. */
static int
ctl_match_len(const struct ctl_cmd *c, char **words, int nwords, int *exact)
{
	int i, m;

	*exact = 0;
	for (i = 0; i < c->nwords && i < nwords; i++) {
		if ((m = ctl_word_match(words[i], c->words[i])) == 0)
			break;
		*exact += m == 2;
	}
	return i;
}

static void
ctl_join(struct buf *out, char **words, int n)
{
	for (int i = 0; i < n; i++)
		buf_printf(out, "%s%s", i ? " " : "", words[i]);
}

static int
ctl_cmp(const void *a, const void *b)
{
	const struct ctl_cmd *const *x = a, *const *y = b;

	return strcasecmp((*x)->usage, (*y)->usage);
}

/* Commands sorted for display; the caller frees the array. */
static const struct ctl_cmd **
ctl_sorted(void)
{
	const struct ctl_cmd **v;

	if ((v = calloc(ncmds + 1, sizeof(*v))) == NULL)
		return NULL;
	for (size_t i = 0; i < ncmds; i++)
		v[i] = &cmds[i];
	qsort(v, ncmds, sizeof(*v), ctl_cmp);
	return v;
}

static size_t
ctl_edit_distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b), d[33];

	if (la > 32 || lb > 32)
		return SIZE_MAX;
	for (size_t j = 0; j <= lb; j++)
		d[j] = j;
	for (size_t i = 1; i <= la; i++) {
		size_t diag = d[0];

		d[0] = i;
		for (size_t j = 1; j <= lb; j++) {
			size_t up = d[j], best;

			best = diag + (tolower((unsigned char)a[i - 1]) !=
			    tolower((unsigned char)b[j - 1]));
			if (up + 1 < best)
				best = up + 1;
			if (d[j - 1] + 1 < best)
				best = d[j - 1] + 1;
			d[j] = best;
			diag = up;
		}
	}
	return d[lb];
}

static void
ctl_unknown(char **words, int nwords, struct buf *out)
{
	const struct ctl_cmd **v;
	int best = 0, exact, listed = 0;

	buf_printf(out, "%% Unknown command: ");
	ctl_join(out, words, nwords);
	buf_printf(out, "\n");
	if ((v = ctl_sorted()) == NULL)
		return;
	for (size_t i = 0; v[i]; i++) {
		int m = ctl_match_len(v[i], words, nwords, &exact);

		if (m > best)
			best = m;
	}
	for (size_t i = 0; v[i]; i++) {
		int close;

		if (best > 0)
			close = ctl_match_len(v[i], words, nwords, &exact) == best;
		else
			close = ctl_edit_distance(words[0], v[i]->words[0]) <= 2;
		if (!close)
			continue;
		if (!listed++)
			buf_printf(out, "Did you mean:\n");
		buf_printf(out, "  %s\n", v[i]->usage);
	}
	free(v);
	buf_printf(out, "Type \"help\" for the list of commands.\n");
}

/* the parts a handler left (ctl_answer_more), while it runs */
static struct ctl_more *more_slot;

int
ctl_answer_more(ctl_more_fn fn, void (*done)(void *), void *arg)
{
	if (more_slot == NULL || more_slot->fn != NULL)
		return -1;
	more_slot->fn = fn;
	more_slot->done = done;
	more_slot->arg = arg;
	return 0;
}

void
ctl_more_free(struct ctl_more *more)
{
	if (more->fn && more->done)
		more->done(more->arg);
	memset(more, 0, sizeof(*more));
}

int
ctl_more_run(struct ctl_more *more, struct buf *out)
{
	if (more->fn == NULL)
		return 0;
	if (more->fn(out, more->arg) && !out->failed)
		return 1;
	ctl_more_free(more);
	return 0;
}

int
ctl_dispatch(const char *line, struct buf *out)
{
	struct ctl_more more;
	int rc = ctl_dispatch_more(line, out, &more);

	while (ctl_more_run(&more, out))
		;
	if (out->failed) {
		buf_reset(out);
		buf_printf(out, "%% Out of memory while answering\n");
		rc = -1;
	}
	return rc;
}

int
ctl_dispatch_more(const char *line, struct buf *out, struct ctl_more *more)
{
	struct ctl_more *outer = more_slot;
	char *copy, *words[CTL_MAX_WORDS];
	const struct ctl_cmd *hit = NULL;
	int nwords, best = 0, best_exact = -1, ambiguous = 0, rc = -1;
	size_t len;

	memset(more, 0, sizeof(*more));
	if (!builtins_done)
		ctl_builtins();
	len = strnlen(line, CTL_LINE_MAX + 1);
	if (len > CTL_LINE_MAX) {
		buf_printf(out, "%% Request too long (limit %d bytes)\n", CTL_LINE_MAX);
		return -1;
	}
	if ((copy = strndup(line, len)) == NULL) {
		buf_printf(out, "%% Out of memory\n");
		return -1;
	}
	copy[strcspn(copy, "\r\n")] = '\0';
	nwords = ctl_split(copy, words, CTL_MAX_WORDS);
	if (nwords < 0) {
		buf_printf(out, "%% Too many words (limit %d)\n", CTL_MAX_WORDS);
		goto out;
	}
	if (nwords == 0) {
		buf_printf(out, "%% Empty command. Type \"help\" for the list of commands.\n");
		goto out;
	}
	for (size_t i = 0; i < ncmds; i++) {
		int exact, m = ctl_match_len(&cmds[i], words, nwords, &exact);

		if (m != cmds[i].nwords)
			continue;
		if (m > best || (m == best && exact > best_exact)) {
			hit = &cmds[i];
			best = m;
			best_exact = exact;
			ambiguous = 0;
		} else if (m == best && exact == best_exact)
			ambiguous = 1;
	}
	if (hit == NULL) {
		ctl_unknown(words, nwords, out);
		goto out;
	}
	if (ambiguous) {
		buf_printf(out, "%% Ambiguous command: ");
		ctl_join(out, words, nwords);
		buf_printf(out, "\nMatching commands:\n");
		for (size_t i = 0; i < ncmds; i++) {
			int exact, m = ctl_match_len(&cmds[i], words, nwords, &exact);

			if (m == best && m == cmds[i].nwords && exact == best_exact)
				buf_printf(out, "  %s\n", cmds[i].usage);
		}
		goto out;
	}
	/* a handler may dispatch others (show tech-support): each level has
	 * its own slot */
	more_slot = more;
	rc = hit->fn(nwords - best, words + best, out, hit->arg) == 0 ? 0 : -1;
	more_slot = outer;
out:
	free(copy);
	if (out->failed) {
		/* a partial answer would mislead: say what happened instead */
		ctl_more_free(more);
		buf_reset(out);
		buf_printf(out, "%% Out of memory while answering\n");
		rc = -1;
	}
	return rc;
}

/* ---- built-in: help ---- */

static int
ctl_help(int argc, char **argv, struct buf *out, void *arg)
{
	const struct ctl_cmd **v;
	int exact, shown = 0;

	if ((v = ctl_sorted()) == NULL)
		return -1;
	for (size_t i = 0; v[i]; i++) {
		int m = ctl_match_len(v[i], argv, argc, &exact);

		/* "help show crypto" lists every command under that prefix,
		 * "help show crypto ipsec sa peer" the command that takes it */
		if (m < argc && m < v[i]->nwords)
			continue;
		buf_printf(out, "%s\n", v[i]->usage);
		if (v[i]->help[0])
			buf_printf(out, "    %s\n", v[i]->help);
		shown++;
	}
	free(v);
	if (shown == 0) {
		buf_printf(out, "%% No command matches \"");
		ctl_join(out, argv, argc);
		buf_printf(out, "\". Type \"help\" for the list of commands.\n");
		return -1;
	}
	return 0;
}

static void
ctl_builtins(void)
{
	builtins_done = 1;
	ctl_register("help", "help [WORDS...]",
	    "List the commands (those starting with WORDS, if given).",
	    ctl_help, NULL);
}

/* ---- the socket ---- */

struct ctl_client {
	int			 fd;
	char			 in[CTL_LINE_MAX + 1];
	size_t			 inlen;
	struct buf		*out;
	size_t			 wpos;
	struct ctl_more		 more;		/* parts of the answer still to make */
	int			 answering;	/* the answer has started */
	int			 draining;	/* answer sent, reading to EOF */
	struct loop_timer	*timer;
	struct ctl_client	*next;
	/* a deferred answer (ctl_defer): WAIT sent, the result to come */
	int			 streamed;	/* WAIT sent */
	int			 waiting;	/* ... and no result yet */
	uint32_t		 wait_ms;
	ctl_gone_fn		 gone;
	void			*gone_arg;
};

static int listen_fd = -1;
static char *listen_path;
static struct ctl_client *clients;
static int nclients;
static struct ctl_client *answering;	/* the client ctl_dispatch runs for */
static struct buf *answering_body;	/* and the handler's output */

static void
ctl_client_free(struct ctl_client *c)
{
	struct ctl_client **pp;

	if (c->waiting && c->gone != NULL) {
		/* whoever waits for this client's result stops now */
		c->waiting = 0;
		c->gone(c->gone_arg);
	}

	for (pp = &clients; *pp; pp = &(*pp)->next)
		if (*pp == c) {
			*pp = c->next;
			break;
		}
	nclients--;
	ctl_more_free(&c->more);
	loop_fd_del(c->fd);
	close(c->fd);
	loop_timer_free(c->timer);
	buf_free(c->out);
	free(c);
}

static void	ctl_client_sent(struct ctl_client *c);

static void
ctl_client_timeout(void *arg)
{
	struct ctl_client *c = arg;

	if (c->waiting) {
		ctl_gone_fn gone = c->gone;

		c->waiting = 0;
		if (gone != NULL)
			gone(c->gone_arg);
		log_info("control: no result within %u s for a waiting client",
		    c->wait_ms / 1000);
		buf_printf(c->out, "%s\n%% No result within %u s (see the log)\n",
		    CTL_STATUS_ERR, c->wait_ms / 1000);
		loop_timer_set(c->timer, CTL_TIMEOUT_MS);
		ctl_client_sent(c);
		return;
	}
	log_debug("control: client timed out after %d ms", CTL_TIMEOUT_MS);
	ctl_client_free(c);
}

/* Writes what the socket takes; returns 1 when done, 0 to wait, -1 on error. */
static int
ctl_client_flush(struct ctl_client *c)
{
	while (c->wpos < c->out->len) {
		ssize_t n = send(c->fd, c->out->data + c->wpos,
		    c->out->len - c->wpos, MSG_NOSIGNAL | MSG_DONTWAIT);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				return 0;
			log_debug("control: send: %s", strerror(errno));
			return -1;
		}
		c->wpos += (size_t)n;
		/* a waiting client's timer is its wait, not the idle limit */
		if (!c->waiting)
			loop_timer_set(c->timer, CTL_TIMEOUT_MS);
	}
	return 1;
}

/* Once the answer is out, end our side and read until the client closes:
 * closing with unread input (an overlong request) would reset the
 * connection and the client could lose the answer. */
static void
ctl_client_sent(struct ctl_client *c)
{
	c->answering = 1;
	switch (ctl_client_flush(c)) {
	case 0:
		loop_fd_mod(c->fd, EPOLLOUT);
		return;
	case 1:
		if (c->more.fn) {
			/* the next part, on a later turn of the loop: what
			 * else is waiting runs first */
			buf_reset(c->out);
			c->wpos = 0;
			ctl_more_run(&c->more, c->out);
			if (c->out->failed) {
				ctl_client_free(c);
				return;
			}
			loop_fd_mod(c->fd, EPOLLOUT);
			return;
		}
		shutdown(c->fd, SHUT_WR);
		c->draining = 1;
		loop_fd_mod(c->fd, EPOLLIN);
		return;
	default:
		ctl_client_free(c);
	}
}

static void
ctl_client_drain(struct ctl_client *c)
{
	char scratch[4096];
	ssize_t n;

	for (;;) {
		n = recv(c->fd, scratch, sizeof(scratch), MSG_DONTWAIT);
		if (n > 0) {
			/* bounded by the client timeout, not by volume alone */
			c->wpos += (size_t)n;
			if (c->wpos > c->out->len + (1u << 20))
				break;
			continue;
		}
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return;
		if (n < 0 && errno == EINTR)
			continue;
		break;
	}
	ctl_client_free(c);
}

/* ---- deferred answers ---- */

/* Sends what is queued; a client that takes nothing for a while keeps its
 * lines queued (bounded by its wait), one that is gone is freed. */
static void
ctl_client_push(struct ctl_client *c)
{
	switch (ctl_client_flush(c)) {
	case 0:
		loop_fd_mod(c->fd, EPOLLIN | EPOLLOUT);
		return;
	case 1:
		loop_fd_mod(c->fd, EPOLLIN);
		return;
	default:
		ctl_client_free(c);
	}
}

/* While waiting, input only tells whether the client is still there. */
static void
ctl_client_wait_io(struct ctl_client *c, uint32_t events)
{
	char scratch[256];
	ssize_t n;

	if (c->out->failed) {
		ctl_client_free(c);
		return;
	}
	if (events & EPOLLOUT) {
		ctl_client_push(c);
		return;
	}
	n = recv(c->fd, scratch, sizeof(scratch), MSG_DONTWAIT);
	if (n > 0 || (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK ||
	    errno == EINTR)))
		return;
	log_debug("control: a waiting client went away");
	ctl_client_free(c);
}

/* Each line of text as a progress line of the stream. */
static void
ctl_stream_text(struct ctl_client *c, const char *text, size_t len)
{
	while (len > 0) {
		const char *nl = memchr(text, '\n', len);
		size_t n = nl ? (size_t)(nl - text) : len;

		buf_printf(c->out, "%s%.*s\n", CTL_STREAM_PREFIX, (int)n, text);
		text += n + (nl != NULL);
		len -= n + (nl != NULL);
	}
}

struct ctl_stream *
ctl_defer(uint32_t wait_ms, ctl_gone_fn gone, void *arg)
{
	struct ctl_client *c = answering;

	if (c == NULL || c->streamed)
		return NULL;
	c->streamed = c->waiting = 1;
	c->wait_ms = wait_ms;
	c->gone = gone;
	c->gone_arg = arg;
	buf_printf(c->out, "%s %u\n", CTL_STATUS_WAIT, wait_ms);
	/* what the handler wrote so far is the first progress */
	ctl_stream_text(c, (const char *)answering_body->data, answering_body->len);
	buf_reset(answering_body);
	loop_timer_set(c->timer, wait_ms);
	return (struct ctl_stream *)c;
}

void
ctl_stream_line(struct ctl_stream *s, const char *line)
{
	struct ctl_client *c = (struct ctl_client *)s;

	if (!c->waiting)
		return;
	ctl_stream_text(c, line, strlen(line));
	/* sent from the loop, not here: this runs inside whatever logged the
	 * line, and a client found gone must not be freed under it */
	if (c != answering)
		loop_fd_mod(c->fd, EPOLLIN | EPOLLOUT);
}

void
ctl_stream_end(struct ctl_stream *s, int ok, const char *body)
{
	struct ctl_client *c = (struct ctl_client *)s;
	size_t len = strlen(body);

	if (!c->waiting)
		return;
	c->waiting = 0;
	buf_printf(c->out, "%s\n%s%s", ok ? CTL_STATUS_OK : CTL_STATUS_ERR, body,
	    len > 0 && body[len - 1] != '\n' ? "\n" : "");
	loop_timer_set(c->timer, CTL_TIMEOUT_MS);
	/* ctl_client_answer sends it, or the loop (as for a line) */
	if (c != answering)
		loop_fd_mod(c->fd, EPOLLIN | EPOLLOUT);
}

static void
ctl_client_answer(struct ctl_client *c, const char *line)
{
	struct buf *body;
	int rc;

	if ((body = buf_new(256)) == NULL) {
		ctl_client_free(c);
		return;
	}
	log_debug("control: request \"%s\"", line);
	answering = c;
	answering_body = body;
	rc = ctl_dispatch_more(line, body, &c->more);
	answering = NULL;
	answering_body = NULL;
	if (rc != 0)
		ctl_more_free(&c->more);	/* an error is the whole answer */
	if (c->streamed) {
		/* written after ctl_defer: more progress, or after the end the
		 * rest of the result */
		if (c->waiting)
			ctl_stream_text(c, (const char *)body->data, body->len);
		else
			buf_put(c->out, body->data, body->len);
		buf_free(body);
		if (c->out->failed)
			ctl_client_free(c);
		else if (c->waiting)
			ctl_client_push(c);
		else
			ctl_client_sent(c);
		return;
	}
	buf_printf(c->out, "%s\n", rc == 0 ? CTL_STATUS_OK : CTL_STATUS_ERR);
	buf_put(c->out, body->data, body->len);
	if (body->len > 0 && body->data[body->len - 1] != '\n')
		buf_put_u8(c->out, '\n');
	buf_free(body);
	if (c->out->failed) {
		ctl_client_free(c);
		return;
	}
	ctl_client_sent(c);
}

static void
ctl_client_io(int fd, uint32_t events, void *arg)
{
	struct ctl_client *c = arg;
	char *nl;
	ssize_t n;

	if (c->draining) {
		ctl_client_drain(c);
		return;
	}
	if (c->waiting) {
		ctl_client_wait_io(c, events);
		return;
	}
	/* an answer in parts, or a deferred one whose result has come */
	if (c->answering || c->out->len > 0) {
		if (c->out->failed)
			ctl_client_free(c);
		else
			ctl_client_sent(c);
		return;
	}
	n = recv(fd, c->in + c->inlen, CTL_LINE_MAX - c->inlen, MSG_DONTWAIT);
	if (n < 0) {
		if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)
			return;
		ctl_client_free(c);
		return;
	}
	loop_timer_set(c->timer, CTL_TIMEOUT_MS);
	c->inlen += (size_t)n;
	c->in[c->inlen] = '\0';
	if (memchr(c->in, '\0', c->inlen)) {
		buf_printf(c->out, "%s\n%% Request contains a NUL byte\n", CTL_STATUS_ERR);
		goto reply;
	}
	if ((nl = strchr(c->in, '\n')) != NULL) {
		*nl = '\0';
		ctl_client_answer(c, c->in);
		return;
	}
	if (n == 0) {
		/* the client half-closed without a newline: take what it sent */
		if (c->inlen == 0) {
			ctl_client_free(c);
			return;
		}
		ctl_client_answer(c, c->in);
		return;
	}
	if (c->inlen < CTL_LINE_MAX)
		return;
	buf_printf(c->out, "%s\n%% Request too long (limit %d bytes)\n",
	    CTL_STATUS_ERR, CTL_LINE_MAX);
reply:
	ctl_client_sent(c);
}

static void
ctl_accept(int fd, uint32_t events, void *arg)
{
	struct ctl_client *c;
	struct ucred cred;
	socklen_t sl = sizeof(cred);
	int cfd;

	while ((cfd = accept4(fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC)) >= 0) {
		/* the socket mode already restricts access; this also holds
		 * if someone loosened it by hand */
		if (getsockopt(cfd, SOL_SOCKET, SO_PEERCRED, &cred, &sl) < 0 ||
		    (cred.uid != 0 && cred.uid != geteuid())) {
			log_warnx("control: refused connection from uid %ld",
			    (long)cred.uid);
			close(cfd);
			continue;
		}
		if (nclients >= CTL_MAX_CLIENTS) {
			log_warnx("control: too many clients (%d), connection refused",
			    nclients);
			close(cfd);
			continue;
		}
		if ((c = calloc(1, sizeof(*c))) == NULL ||
		    (c->out = buf_new(256)) == NULL ||
		    (c->timer = loop_timer_new(ctl_client_timeout, c)) == NULL ||
		    loop_fd_add(cfd, EPOLLIN, ctl_client_io, c) < 0) {
			log_err("%s: cannot take a control client", __func__);
			if (c) {
				buf_free(c->out);
				loop_timer_free(c->timer);
			}
			free(c);
			close(cfd);
			continue;
		}
		loop_fd_name(cfd, "control client");
		loop_timer_name(c->timer, "control client");
		c->fd = cfd;
		c->next = clients;
		clients = c;
		nclients++;
		loop_timer_set(c->timer, CTL_TIMEOUT_MS);
	}
	if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)
		log_warnx("control: accept: %s", strerror(errno));
}

/* An existing socket file is either a live daemon's (refuse) or left over
 * from one that died (remove it). Anything else at that path is not ours. */
static int
ctl_claim_path(const char *path, const struct sockaddr_un *sun)
{
	struct stat st;
	int fd, rc;

	if (lstat(path, &st) < 0)
		return errno == ENOENT ? 0 : -1;
	if (!S_ISSOCK(st.st_mode)) {
		log_err("control socket %s: exists and is not a socket", path);
		return -1;
	}
	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) < 0)
		return -1;
	rc = connect(fd, (const struct sockaddr *)sun, sizeof(*sun));
	close(fd);
	if (rc == 0) {
		log_err("control socket %s: another ikeflowd is answering there",
		    path);
		return -1;
	}
	if (errno != ECONNREFUSED) {
		log_err("control socket %s: %s", path, strerror(errno));
		return -1;
	}
	log_notice("control socket %s: removing stale socket", path);
	if (unlink(path) < 0 && errno != ENOENT) {
		log_err("control socket %s: unlink: %s", path, strerror(errno));
		return -1;
	}
	return 0;
}

int
ctl_listen(const char *path)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	char tmp[sizeof(sun.sun_path)];
	mode_t omask;
	int fd = -1, rc;

	if (listen_fd >= 0) {
		log_err("%s: already listening on %s", __func__, listen_path);
		return -1;
	}
	if (strlen(path) >= sizeof(sun.sun_path)) {
		log_err("control socket %s: path too long", path);
		return -1;
	}
	strcpy(sun.sun_path, path);
	if (!builtins_done)
		ctl_builtins();
	if (ctl_claim_path(path, &sun) < 0)
		return -1;
	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0)) < 0) {
		log_err("control socket %s: socket: %s", path, strerror(errno));
		return -1;
	}
	/* The socket is bound under a temporary name and renamed into place
	 * once it listens: a client that finds the path (a script, a unit's
	 * ExecStartPost, a test waiting for it) can connect at once instead
	 * of meeting ECONNREFUSED between bind and listen. No window either
	 * in which it exists with a looser mode. */
	if ((size_t)snprintf(tmp, sizeof(tmp), "%s.new", path) >= sizeof(tmp))
		strcpy(tmp, path);	/* no room: bind in place */
	strcpy(sun.sun_path, tmp);
	(void)unlink(tmp);		/* a leftover of a crash */
	omask = umask(0177);
	rc = bind(fd, (struct sockaddr *)&sun, sizeof(sun));
	umask(omask);
	if (rc < 0) {
		log_err("control socket %s: bind: %s", tmp, strerror(errno));
		goto fail;
	}
	if (chmod(tmp, 0600) < 0 || listen(fd, 16) < 0 ||
	    (strcmp(tmp, path) != 0 && rename(tmp, path) < 0)) {
		log_err("control socket %s: %s", path, strerror(errno));
		unlink(tmp);
		goto fail;
	}
	if ((listen_path = strdup(path)) == NULL ||
	    loop_fd_add(fd, EPOLLIN, ctl_accept, NULL) < 0)
		goto fail_unlink;
	listen_fd = fd;
	loop_fd_name(fd, "control");
	log_info("control socket listening on %s", path);
	return 0;
fail_unlink:
	unlink(path);
	free(listen_path);
	listen_path = NULL;
fail:
	close(fd);
	return -1;
}

void
ctl_close(void)
{
	while (clients)
		ctl_client_free(clients);
	if (listen_fd >= 0) {
		loop_fd_del(listen_fd);
		close(listen_fd);
		listen_fd = -1;
	}
	if (listen_path) {
		unlink(listen_path);
		free(listen_path);
		listen_path = NULL;
	}
}
