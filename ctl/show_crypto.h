/* Cisco-style `show crypto ...` views and strongSwan's `statusall`, rendered
 * from the state model only. show_crypto_register() puts them on the control
 * socket; the render functions are public for the web page and tests. */
#ifndef IKEFLOW_CTL_SHOW_CRYPTO_H
#define IKEFLOW_CTL_SHOW_CRYPTO_H

#include "common/addr.h"
#include "common/buf.h"
#include "config/config.h"

void	show_crypto_register(void);

/* peer: only the SAs and connections whose remote endpoint is this
 * address (NULL: all). */
void	show_crypto_session(struct buf *out, int detail, const struct ifl_addr *peer);
void	show_crypto_ikev2_sa(struct buf *out, int detailed, const struct ifl_addr *peer);
void	show_crypto_isakmp_sa(struct buf *out, int detail, const struct ifl_addr *peer);
void	show_crypto_ipsec_sa(struct buf *out, const struct ifl_addr *peer, int detail);
/* At most max children (0: all) after index `after`; returns the index to
 * go on after, 0 once done. shown counts the children shown so far. */
uint32_t show_crypto_ipsec_sa_part(struct buf *out, const struct ifl_addr *peer,
	    int detail, uint32_t after, unsigned max, unsigned *shown);
void	show_statusall(struct buf *out);

/* show_tech.c: the counts, summaries and per-peer forms that show
 * tech-support ipsec gathers (registered by show_crypto_register). */
void	show_crypto_isakmp_sa_count(struct buf *out);
void	show_crypto_ipsec_sa_count(struct buf *out);
void	show_crypto_session_summary(struct buf *out);
void	show_crypto_isakmp_peers(struct buf *out, const struct ifl_addr *peer);
void	show_tech_register(void);

/* show_config.c: the configuration in force as IOS's ISAKMP policies,
 * transform sets and crypto map (with IOS's defaults), from cfg (the
 * crypto map adds the current peer from the state model). Registered
 * with the configuration's getter. */
void	show_crypto_isakmp_default_policy(struct buf *out, const struct ifl_config *cfg);
void	show_crypto_isakmp_policy(struct buf *out, const struct ifl_config *cfg);
void	show_crypto_ipsec_default_transform_set(struct buf *out,
	    const struct ifl_config *cfg);
void	show_crypto_ipsec_transform_set(struct buf *out, const struct ifl_config *cfg);
void	show_crypto_map(struct buf *out, const struct ifl_config *cfg);
int	show_config_register(const struct ifl_config *(*cfg)(void));

#endif
