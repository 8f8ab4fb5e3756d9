#include "config.h"

#include <stdio.h>

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
