#include "config.h"

#include <errno.h>
#include <string.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include "common/log.h"
#include "kernel/xfrm_priv.h"

#ifndef IP_XFRM_POLICY
#define IP_XFRM_POLICY		17
#endif
#ifndef IPV6_XFRM_POLICY
#define IPV6_XFRM_POLICY	35
#endif

static void
log_pol_err(const char *op, const struct xfrm_pol_cfg *p, int err)
{
	char s[SUBNET_STRLEN], d[SUBNET_STRLEN], tail[300];

	log_err("xfrm: %s policy %s === %s proto %u %s reqid %u: %s%s", op,
	    subnet_str(&p->src, s, sizeof(s)), subnet_str(&p->dst, d, sizeof(d)),
	    p->proto, xfrm_pol_dir_name(p->dir), p->reqid, strerror(-err),
	    xfrm_nl_errtail(tail, sizeof(tail)));
}

static int
pol_install(uint16_t type, const struct xfrm_pol_cfg *p)
{
	const char *op = type == XFRM_MSG_NEWPOLICY ? "add" : "update";
	struct nlmsghdr *nlh;
	int ret;

	nlh = xfrm_msg_policy(xfrm_reqbuf, sizeof(xfrm_reqbuf), type, p);
	if (nlh == NULL) {
		ret = -errno;
		xfrm_ctx.errmsg[0] = '\0';
		log_pol_err(op, p, ret);
		return ret;
	}
	ret = xfrm_nl_request(nlh, NULL, NULL);
	if (ret < 0) {
		log_pol_err(op, p, ret);
		return ret;
	}
	if (xfrm_reg_pol_add(p) < 0)
		log_warnx("xfrm: policy not remembered for cleanup: out of memory");
	return 0;
}

int
xfrm_policy_add(const struct xfrm_pol_cfg *p)
{
	return pol_install(XFRM_MSG_NEWPOLICY, p);
}

int
xfrm_policy_update(const struct xfrm_pol_cfg *p)
{
	return pol_install(XFRM_MSG_UPDPOLICY, p);
}

int
xfrm_policy_del(const struct xfrm_pol_cfg *p)
{
	struct nlmsghdr *nlh;
	int ret;

	nlh = xfrm_msg_policy_del(xfrm_reqbuf, sizeof(xfrm_reqbuf), p);
	if (nlh == NULL) {
		ret = -errno;
		xfrm_ctx.errmsg[0] = '\0';
		log_pol_err("delete", p, ret);
		return ret;
	}
	ret = xfrm_nl_request(nlh, NULL, NULL);
	xfrm_reg_pol_del(p);
	if (ret == -ENOENT || ret == -ESRCH)
		return -ENOENT;
	if (ret < 0)
		log_pol_err("delete", p, ret);
	return ret;
}

int
xfrm_socket_bypass(int fd, int family)
{
	struct xfrm_userpolicy_info pol;
	int level = family == AF_INET6 ? IPPROTO_IPV6 : IPPROTO_IP;
	int opt = family == AF_INET6 ? IPV6_XFRM_POLICY : IP_XFRM_POLICY;

	memset(&pol, 0, sizeof(pol));
	pol.action = XFRM_POLICY_ALLOW;
	pol.sel.family = family;
	pol.lft.soft_byte_limit = XFRM_INF;
	pol.lft.hard_byte_limit = XFRM_INF;
	pol.lft.soft_packet_limit = XFRM_INF;
	pol.lft.hard_packet_limit = XFRM_INF;
	pol.dir = XFRM_POLICY_OUT;
	if (setsockopt(fd, level, opt, &pol, sizeof(pol)) < 0)
		goto fail;
	pol.dir = XFRM_POLICY_IN;
	if (setsockopt(fd, level, opt, &pol, sizeof(pol)) < 0)
		goto fail;
	return 0;
fail:
	log_err("xfrm: IPsec bypass on IKE socket %d: %s", fd, strerror(errno));
	return -errno;
}

struct pol_dump {
	xfrm_pol_fn	 fn;
	void		*arg;
	int		 stopped;
};

static int
pol_dump_cb(const struct nlmsghdr *nlh, void *arg)
{
	struct pol_dump *pd = arg;
	struct xfrm_pol_info pi;

	if (pd->stopped || xfrm_msg_parse_policy(nlh, &pi) < 0)
		return MNL_CB_OK;
	if (pd->fn(&pi, pd->arg) != 0)
		pd->stopped = 1;	/* still read the dump to its end */
	return MNL_CB_OK;
}

int
xfrm_policy_dump(xfrm_pol_fn fn, void *arg)
{
	struct pol_dump pd = { fn, arg, 0 };
	struct nlmsghdr *nlh;
	int ret;

	nlh = xfrm_msg_dump(xfrm_reqbuf, sizeof(xfrm_reqbuf), XFRM_MSG_GETPOLICY);
	if (nlh == NULL)
		return -errno;
	ret = xfrm_nl_request(nlh, pol_dump_cb, &pd);
	if (ret < 0)
		log_err("xfrm: policy dump: %s", strerror(-ret));
	return ret;
}
