/* XFRM netlink messages: building requests and parsing replies and events.
 * No sockets here, so unit tests drive it with bytes captured from a real
 * kernel. Builders return the message in buf (NULL and errno on failure);
 * parsers return 0 or -errno and never read past nlmsg_len. */
#ifndef IKEFLOW_XFRM_MSG_H
#define IKEFLOW_XFRM_MSG_H

#include <stddef.h>
#include <stdint.h>
#include <linux/netlink.h>
#include <linux/xfrm.h>

#include "kernel/xfrm.h"

/* Dump replies come in skbs of up to ~32 KiB; libmnl 1.0.4 has no constant for it. */
#define IFL_XFRM_BUFSZ	32768

struct nlmsghdr *xfrm_msg_sa(void *buf, size_t len, uint16_t type,
	    const struct xfrm_sa_cfg *sa);
struct nlmsghdr *xfrm_msg_allocspi(void *buf, size_t len, const struct ifl_addr *src,
	    const struct ifl_addr *dst, uint8_t proto, uint32_t reqid,
	    uint32_t min, uint32_t max);
/* DELSA / GETSA by (dst, spi, proto); src may be NULL. */
struct nlmsghdr *xfrm_msg_sa_id(void *buf, size_t len, uint16_t type,
	    const struct ifl_addr *src, const struct ifl_addr *dst, uint8_t proto,
	    uint32_t spi);
struct nlmsghdr *xfrm_msg_policy(void *buf, size_t len, uint16_t type,
	    const struct xfrm_pol_cfg *p);
struct nlmsghdr *xfrm_msg_policy_del(void *buf, size_t len, const struct xfrm_pol_cfg *p);
struct nlmsghdr *xfrm_msg_dump(void *buf, size_t len, uint16_t type);
/* MIGRATE for one policy (selector src->dst, dir): SAs of reqid between
 * osrc->odst go to nsrc->ndst, with the UDP encapsulation given when
 * encap (ports in host order, sport = the SA's source side). */
struct nlmsghdr *xfrm_msg_migrate(void *buf, size_t len, const struct ifl_subnet *src,
	    const struct ifl_subnet *dst, uint8_t proto, uint16_t sport, uint16_t dport,
	    enum xfrm_pol_dir dir, int transport, uint32_t reqid,
	    const struct ifl_addr *osrc, const struct ifl_addr *odst,
	    const struct ifl_addr *nsrc, const struct ifl_addr *ndst,
	    int encap, uint16_t encap_sport, uint16_t encap_dport);

/* NEWSA/UPDSA (dump, GETSA), DELSA and EXPIRE (hard set, else NULL ok). */
int	xfrm_msg_parse_sa(const struct nlmsghdr *nlh, struct xfrm_sa_info *sa, int *hard);
/* The counters only, straight from the body: the fast path of a full dump. */
int	xfrm_msg_sa_fast(const struct nlmsghdr *nlh, struct ifl_addr *dst, uint32_t *spi,
	    uint8_t *proto, struct st_dir_counters *c);
int	xfrm_msg_parse_policy(const struct nlmsghdr *nlh, struct xfrm_pol_info *pol);
int	xfrm_msg_parse_acquire(const struct nlmsghdr *nlh, struct xfrm_acquire *acq);
/* NLMSG_ERROR: *err = -errno (0 for an ack); the extack text into msg, or "". */
int	xfrm_msg_parse_error(const struct nlmsghdr *nlh, int *err, char *msg, size_t msglen);

const char *xfrm_msg_type_name(uint16_t type);
const char *xfrm_pol_dir_name(enum xfrm_pol_dir dir);
void	xfrm_addr_to_kernel(const struct ifl_addr *a, xfrm_address_t *x);
void	xfrm_addr_from_kernel(const xfrm_address_t *x, uint16_t family, struct ifl_addr *a);

#endif
