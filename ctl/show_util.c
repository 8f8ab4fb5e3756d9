#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/log.h"

#include "ctl/show_util.h"

const char *
show_hms(uint64_t sec, char *dst, size_t len)
{
	snprintf(dst, len, "%02llu:%02llu:%02llu", (unsigned long long)(sec / 3600),
	    (unsigned long long)(sec / 60 % 60), (unsigned long long)(sec % 60));
	return dst;
}

const char *
show_delta(uint64_t sec, char *dst, size_t len)
{
	const char *unit = "second";
	uint64_t v = sec;

	if (sec > 2 * 86400) {
		v = sec / 86400;
		unit = "day";
	} else if (sec > 2 * 3600) {
		v = sec / 3600;
		unit = "hour";
	} else if (sec > 2 * 60) {
		v = sec / 60;
		unit = "minute";
	}
	snprintf(dst, len, "%llu %s%s", (unsigned long long)v, unit, v == 1 ? "" : "s");
	return dst;
}

const char *
show_subnet_mask(const struct ifl_subnet *n, char *dst, size_t len)
{
	char a[ADDR_STRLEN], m[ADDR_STRLEN];
	struct ifl_addr mask;

	if (n->addr.family != AF_INET)
		return subnet_str(n, dst, len);
	subnet_mask(n, &mask);
	snprintf(dst, len, "%s/%s", addr_str(&n->addr, a, sizeof(a)),
	    addr_str(&mask, m, sizeof(m)));
	return dst;
}

uint64_t
show_active_sec(uint64_t start_mono)
{
	uint64_t now = st_now_ms();

	if (start_mono == 0 || now < start_mono)
		return 0;
	return (now - start_mono) / 1000;
}

uint64_t
show_remaining_sec(uint32_t lifetime, uint64_t start_mono)
{
	uint64_t used = show_active_sec(start_mono);

	return used >= lifetime ? 0 : lifetime - used;
}

uint64_t
show_remaining_kb(const struct st_child *ch, const struct st_sa *sa)
{
	uint64_t used = sa ? sa->c.octets / 1024 : 0;

	return used >= ch->life_kb ? 0 : ch->life_kb - used;
}

const struct st_ike *
show_child_ike(const struct st_child *ch)
{
	return st_ike_find(ch->ike_index);
}

static int
kids_cmp_ike(const void *a, const void *b)
{
	const struct st_child *x = *(const struct st_child *const *)a;
	const struct st_child *y = *(const struct st_child *const *)b;

	if (x->ike_index != y->ike_index)
		return x->ike_index < y->ike_index ? -1 : 1;
	return x->index < y->index ? -1 : x->index > y->index;
}

static int
kids_cmp_conn(const void *a, const void *b)
{
	const struct st_child *x = *(const struct st_child *const *)a;
	const struct st_child *y = *(const struct st_child *const *)b;
	int c = strcmp(x->conn, y->conn);

	if (c != 0)
		return c;
	return x->index < y->index ? -1 : x->index > y->index;
}

int
show_kids_init(struct show_kids *k, int by_conn)
{
	const struct st_child *ch;
	size_t n = 0;

	memset(k, 0, sizeof(*k));
	k->by_conn = by_conn;
	for (ch = st_child_next(0); ch; ch = st_child_next(ch->index))
		n++;
	if (n == 0)
		return 0;
	if ((k->v = calloc(n, sizeof(*k->v))) == NULL) {
		log_err("%s: out of memory", __func__);
		return -1;
	}
	for (ch = st_child_next(0); ch && k->n < n; ch = st_child_next(ch->index))
		k->v[k->n++] = ch;
	qsort(k->v, k->n, sizeof(*k->v), by_conn ? kids_cmp_conn : kids_cmp_ike);
	return 0;
}

/* First position whose key is >= the wanted one. */
static size_t
kids_lower(const struct show_kids *k, uint32_t ike_index, const char *conn)
{
	size_t lo = 0, hi = k->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int less = conn ? strcmp(k->v[mid]->conn, conn) < 0 :
		    k->v[mid]->ike_index < ike_index;

		if (less)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

size_t
show_kids_of_ike(const struct show_kids *k, uint32_t ike_index,
    const struct st_child *const **first)
{
	size_t i = kids_lower(k, ike_index, NULL), j = i;

	while (j < k->n && k->v[j]->ike_index == ike_index)
		j++;
	*first = k->v ? k->v + i : NULL;
	return j - i;
}

const struct st_child *
show_kids_of_conn(const struct show_kids *k, const char *conn)
{
	size_t i = kids_lower(k, 0, conn);

	return i < k->n && strcmp(k->v[i]->conn, conn) == 0 ? k->v[i] : NULL;
}

void
show_kids_free(struct show_kids *k)
{
	free(k->v);
	memset(k, 0, sizeof(*k));
}
