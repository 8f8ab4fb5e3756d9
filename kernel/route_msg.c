#include "config.h"

#include <string.h>
#include <sys/socket.h>
#include <linux/rtnetlink.h>

#include <libmnl/libmnl.h>

#include "kernel/route_msg.h"

/* An address attribute of an IPv4 or IPv6 message; any other family, or
 * an attribute too short for its family, leaves out as it was. */
static void
attr_addr(const struct nlattr *a, uint8_t family, struct ifl_addr *out)
{
	size_t len;

	if (family == AF_INET)
		len = 4;
	else if (family == AF_INET6)
		len = 16;
	else
		return;
	if (mnl_attr_get_payload_len(a) < len)
		return;
	memset(out, 0, sizeof(*out));
	out->family = family;
	memcpy(out->u.raw, mnl_attr_get_payload(a), len);
}

int
route_msg_path(const struct nlmsghdr *nlh, uint32_t *oif, struct ifl_addr *gw)
{
	const struct rtmsg *rtm;
	const struct nlattr *a;

	*oif = 0;
	memset(gw, 0, sizeof(*gw));
	if (nlh->nlmsg_type != RTM_NEWROUTE ||
	    mnl_nlmsg_get_payload_len(nlh) < sizeof(*rtm))
		return -1;
	rtm = mnl_nlmsg_get_payload(nlh);
	mnl_attr_for_each(a, nlh, sizeof(*rtm)) {
		switch (mnl_attr_get_type(a)) {
		case RTA_OIF:
			if (mnl_attr_get_payload_len(a) >= 4)
				*oif = mnl_attr_get_u32(a);
			break;
		case RTA_GATEWAY:
			attr_addr(a, rtm->rtm_family, gw);
			break;
		}
	}
	return 0;
}

const struct ifaddrmsg *
route_msg_ifa(const struct nlmsghdr *nlh, struct ifl_addr *out)
{
	const struct ifaddrmsg *ifa;
	const struct nlattr *a;
	struct ifl_addr local;

	memset(out, 0, sizeof(*out));
	if ((nlh->nlmsg_type != RTM_NEWADDR && nlh->nlmsg_type != RTM_DELADDR) ||
	    mnl_nlmsg_get_payload_len(nlh) < sizeof(*ifa))
		return NULL;
	ifa = mnl_nlmsg_get_payload(nlh);
	memset(&local, 0, sizeof(local));
	mnl_attr_for_each(a, nlh, sizeof(*ifa)) {
		if (mnl_attr_get_type(a) == IFA_ADDRESS)
			attr_addr(a, ifa->ifa_family, out);
		else if (mnl_attr_get_type(a) == IFA_LOCAL)
			attr_addr(a, ifa->ifa_family, &local);
	}
	/* on point-to-point links IFA_ADDRESS is the far end */
	if (local.family)
		*out = local;
	return out->family ? ifa : NULL;
}
