/* What kernel/route.c reads from rtnetlink: a route lookup's answer and
 * address messages. No sockets here, so the fuzzer takes these as it
 * takes the XFRM parsers. */
#ifndef IKEFLOW_ROUTE_MSG_H
#define IKEFLOW_ROUTE_MSG_H

#include <stdint.h>
#include <linux/if_addr.h>
#include <linux/netlink.h>

#include "common/addr.h"

/* RTM_NEWROUTE (ip route get's answer): its output interface (0: none)
 * and gateway (family 0: none). 0, or -1 for any other message. */
int	route_msg_path(const struct nlmsghdr *nlh, uint32_t *oif, struct ifl_addr *gw);
/* RTM_NEWADDR/RTM_DELADDR: the address (IFA_LOCAL, else IFA_ADDRESS)
 * into out; the message's ifaddrmsg, or NULL when it has no IPv4 or IPv6
 * address. */
const struct ifaddrmsg *route_msg_ifa(const struct nlmsghdr *nlh, struct ifl_addr *out);

#endif
