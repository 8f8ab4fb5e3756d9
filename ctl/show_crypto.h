/* Cisco-style `show crypto ...` views and strongSwan's `statusall`, rendered
 * from the state model only. show_crypto_register() puts them on the control
 * socket; the render functions are public for the web page and tests. */
#ifndef IKEFLOW_CTL_SHOW_CRYPTO_H
#define IKEFLOW_CTL_SHOW_CRYPTO_H

#include "common/addr.h"
#include "common/buf.h"

void	show_crypto_register(void);

void	show_crypto_session(struct buf *out, int detail);
void	show_crypto_ikev2_sa(struct buf *out, int detailed);
void	show_crypto_isakmp_sa(struct buf *out, int detail);
/* peer: only children whose remote endpoint is this address (NULL: all). */
void	show_crypto_ipsec_sa(struct buf *out, const struct ifl_addr *peer);
void	show_statusall(struct buf *out);

#endif
