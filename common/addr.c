#include "config.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/addr.h"

int
addr_parse(const char *s, struct ifl_addr *a)
{
	memset(a, 0, sizeof(*a));
	if (inet_pton(AF_INET, s, &a->u.v4) == 1) {
		a->family = AF_INET;
		return 0;
	}
	if (inet_pton(AF_INET6, s, &a->u.v6) == 1) {
		a->family = AF_INET6;
		return 0;
	}
	return -1;
}

const char *
addr_str(const struct ifl_addr *a, char *dst, size_t len)
{
	if (a->family == 0) {
		snprintf(dst, len, "%%any");
		return dst;
	}
	if (inet_ntop(a->family, &a->u, dst, (socklen_t)len) == NULL)
		snprintf(dst, len, "?");
	return dst;
}

size_t
addr_len(const struct ifl_addr *a)
{
	return a->family == AF_INET ? 4 : a->family == AF_INET6 ? 16 : 0;
}

int
subnet_parse(const char *s, struct ifl_subnet *n)
{
	char tmp[64], *slash, *end;
	long plen;
	size_t max;

	if (strlen(s) >= sizeof(tmp))
		return -1;
	strcpy(tmp, s);
	slash = strchr(tmp, '/');
	if (slash)
		*slash = '\0';
	if (addr_parse(tmp, &n->addr) < 0)
		return -1;
	max = addr_len(&n->addr) * 8;
	if (slash) {
		plen = strtol(slash + 1, &end, 10);
		if (*end != '\0' || end == slash + 1 || plen < 0 || (size_t)plen > max)
			return -1;
		n->plen = (uint8_t)plen;
	} else
		n->plen = (uint8_t)max;
	/* strongSwan accepts host bits in a subnet and clears them: so do we */
	for (size_t i = 0; i < addr_len(&n->addr); i++) {
		int bits = (int)n->plen - (int)i * 8;

		if (bits <= 0)
			n->addr.u.raw[i] = 0;
		else if (bits < 8)
			n->addr.u.raw[i] &= (uint8_t)(0xff << (8 - bits));
	}
	return 0;
}

const char *
subnet_str(const struct ifl_subnet *n, char *dst, size_t len)
{
	char a[ADDR_STRLEN];

	snprintf(dst, len, "%s/%u", addr_str(&n->addr, a, sizeof(a)), n->plen);
	return dst;
}

int
addr_cmp(const struct ifl_addr *a, const struct ifl_addr *b)
{
	if (a->family != b->family)
		return a->family < b->family ? -1 : 1;
	return memcmp(&a->u, &b->u, addr_len(a));
}

int
addr_is_any(const struct ifl_addr *a)
{
	static const uint8_t zero[16];

	return a->family == 0 || memcmp(a->u.raw, zero, addr_len(a)) == 0;
}

void
subnet_mask(const struct ifl_subnet *n, struct ifl_addr *mask)
{
	memset(mask, 0, sizeof(*mask));
	mask->family = n->addr.family;
	for (size_t i = 0; i < addr_len(&n->addr); i++) {
		int bits = (int)n->plen - (int)i * 8;

		mask->u.raw[i] = bits >= 8 ? 0xff : bits <= 0 ? 0 :
		    (uint8_t)(0xff << (8 - bits));
	}
}

void
subnet_range(const struct ifl_subnet *n, struct ifl_addr *lo, struct ifl_addr *hi)
{
	struct ifl_addr m;

	subnet_mask(n, &m);
	*lo = n->addr;
	*hi = n->addr;
	for (size_t i = 0; i < addr_len(&n->addr); i++) {
		lo->u.raw[i] &= m.u.raw[i];
		hi->u.raw[i] = (uint8_t)(lo->u.raw[i] | (uint8_t)~m.u.raw[i]);
	}
}

int
addr_in_subnet(const struct ifl_addr *a, const struct ifl_subnet *n)
{
	struct ifl_addr m;

	if (a->family != n->addr.family)
		return 0;
	subnet_mask(n, &m);
	for (size_t i = 0; i < addr_len(a); i++)
		if ((a->u.raw[i] & m.u.raw[i]) != (n->addr.u.raw[i] & m.u.raw[i]))
			return 0;
	return 1;
}

int
addr_to_sockaddr(const struct ifl_addr *a, uint16_t port,
    struct sockaddr_storage *ss, socklen_t *sl)
{
	memset(ss, 0, sizeof(*ss));
	if (a->family == AF_INET) {
		struct sockaddr_in *s4 = (struct sockaddr_in *)ss;

		s4->sin_family = AF_INET;
		s4->sin_port = htons(port);
		s4->sin_addr = a->u.v4;
		*sl = sizeof(*s4);
		return 0;
	}
	if (a->family == AF_INET6) {
		struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)ss;

		s6->sin6_family = AF_INET6;
		s6->sin6_port = htons(port);
		s6->sin6_addr = a->u.v6;
		*sl = sizeof(*s6);
		return 0;
	}
	return -1;
}

int
addr_from_sockaddr(const struct sockaddr *sa, struct ifl_addr *a, uint16_t *port)
{
	memset(a, 0, sizeof(*a));
	if (sa->sa_family == AF_INET) {
		const struct sockaddr_in *s4 = (const struct sockaddr_in *)sa;

		a->family = AF_INET;
		a->u.v4 = s4->sin_addr;
		if (port)
			*port = ntohs(s4->sin_port);
		return 0;
	}
	if (sa->sa_family == AF_INET6) {
		const struct sockaddr_in6 *s6 = (const struct sockaddr_in6 *)sa;

		a->family = AF_INET6;
		a->u.v6 = s6->sin6_addr;
		if (port)
			*port = ntohs(s6->sin6_port);
		return 0;
	}
	return -1;
}

int
addr_is_local(const struct ifl_addr *a)
{
	struct sockaddr_storage ss;
	socklen_t sl;
	int fd, r;

	if (a->family == 0 || addr_to_sockaddr(a, 0, &ss, &sl) < 0)
		return 0;
	if ((fd = socket(a->family, SOCK_DGRAM | SOCK_CLOEXEC, 0)) < 0)
		return 0;
	/* only an address of this host can be bound */
	r = bind(fd, (struct sockaddr *)&ss, sl) == 0;
	close(fd);
	return r;
}
