/* Formatting shared by the show views. */
#ifndef IKEFLOW_CTL_SHOW_UTIL_H
#define IKEFLOW_CTL_SHOW_UTIL_H

#include <stddef.h>
#include <stdint.h>

#include "common/buf.h"
#include "state/state.h"

/* "hh:mm:ss" (hours may exceed 24, as Cisco prints lifetimes) */
const char *show_hms(uint64_t sec, char *dst, size_t len);
/* strongSwan's relative times: "116 seconds", "52 minutes", "3 hours", "4 days" */
const char *show_delta(uint64_t sec, char *dst, size_t len);
/* Cisco flow notation: "192.168.1.0/255.255.255.0", "2001:db8::/64" */
const char *show_subnet_mask(const struct ifl_subnet *n, char *dst, size_t len);
/* Seconds a tunnel has been up (0 if not up). */
uint64_t show_active_sec(uint64_t start_mono);
/* Seconds left of a lifetime started at start_mono (0 once run out). */
uint64_t show_remaining_sec(uint32_t lifetime, uint64_t start_mono);
/* A child's KB life left, from the bytes of its current outbound SA. */
uint64_t show_remaining_kb(const struct st_child *ch, const struct st_sa *sa);
/* The IKE SA a child belongs to, for its ports. */
const struct st_ike *show_child_ike(const struct st_child *ch);

/* The children grouped by IKE SA or by connection name, built once per view
 * so that listing each IKE SA's children is not a scan over all of them. */
struct show_kids {
	const struct st_child **v;
	size_t		n;
	int		by_conn;
};

int	show_kids_init(struct show_kids *k, int by_conn);	/* 0 / -1 (logged) */
/* The children of an IKE SA (by_conn == 0): *first and the count. */
size_t	show_kids_of_ike(const struct show_kids *k, uint32_t ike_index,
	    const struct st_child *const **first);
/* The first (lowest index) child of a connection (by_conn == 1), or NULL. */
const struct st_child *show_kids_of_conn(const struct show_kids *k, const char *conn);
void	show_kids_free(struct show_kids *k);

#define ADDR(a)		addr_str((a), (char[ADDR_STRLEN]){ 0 }, ADDR_STRLEN)

#endif
