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

#define ADDR(a)		addr_str((a), (char[ADDR_STRLEN]){ 0 }, ADDR_STRLEN)

#endif
