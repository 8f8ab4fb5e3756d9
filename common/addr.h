/* IPv4/IPv6 addresses and subnets, shared by config, kernel, keying and views. */
#ifndef IKEFLOW_ADDR_H
#define IKEFLOW_ADDR_H

#include <stdint.h>
#include <netinet/in.h>
#include <sys/socket.h>

struct ifl_addr {
	uint8_t		family;		/* AF_INET, AF_INET6, or 0 = unset / %any */
	union {
		struct in_addr	v4;
		struct in6_addr	v6;
		uint8_t		raw[16];
	} u;
};

struct ifl_subnet {
	struct ifl_addr	addr;
	uint8_t		plen;
};

#define ADDR_STRLEN	46
#define SUBNET_STRLEN	50

int	addr_parse(const char *s, struct ifl_addr *a);		/* 0 / -1 */
const char *addr_str(const struct ifl_addr *a, char *dst, size_t len);
int	subnet_parse(const char *s, struct ifl_subnet *n);	/* "a/len" or a host */
const char *subnet_str(const struct ifl_subnet *n, char *dst, size_t len);
int	addr_cmp(const struct ifl_addr *a, const struct ifl_addr *b);
int	addr_is_any(const struct ifl_addr *a);
/* 1 when a is an address of this host (it can be bound), else 0. */
int	addr_is_local(const struct ifl_addr *a);
size_t	addr_len(const struct ifl_addr *a);	/* 4, 16, or 0 */
int	addr_in_subnet(const struct ifl_addr *a, const struct ifl_subnet *n);
/* Netmask of a prefix length, in the subnet's family. */
void	subnet_mask(const struct ifl_subnet *n, struct ifl_addr *mask);
/* The first and last address of a subnet (traffic-selector ranges). */
void	subnet_range(const struct ifl_subnet *n, struct ifl_addr *lo, struct ifl_addr *hi);
int	addr_to_sockaddr(const struct ifl_addr *a, uint16_t port,
	    struct sockaddr_storage *ss, socklen_t *sl);
int	addr_from_sockaddr(const struct sockaddr *sa, struct ifl_addr *a, uint16_t *port);

#endif
