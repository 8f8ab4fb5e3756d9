/* Rows sorted by index: a sorted array of records whose first member is
 * their uint32_t index. Indexes only grow, so appending keeps the order, and
 * lookups (GETNEXT for the agent's walks) are binary searches. */
#ifndef IKEFLOW_STATE_ROWS_H
#define IKEFLOW_STATE_ROWS_H

#include <stdint.h>

#include "state/sorted.h"

static inline uint32_t
rows_index(const void *rec)
{
	return *(const uint32_t *)rec;
}

/* The record's index must be greater than the last one's; 0 / -1. */
int	rows_append(struct sorted *r, void *rec);
void	*rows_find(const struct sorted *r, uint32_t index);
/* Puts the record where its index sorts (its index absent); 0 / -1. */
int	rows_insert(struct sorted *r, void *rec);
/* The record with the smallest index > after, or NULL. */
void	*rows_next(const struct sorted *r, uint32_t after);
/* Takes the record out and returns it (NULL if absent). */
void	*rows_remove(struct sorted *r, uint32_t index);
/* Takes out the oldest (smallest index) record. */
void	*rows_shift(struct sorted *r);
/* Frees every record with fn (may be NULL) and the array. */
void	rows_clear(struct sorted *r, void (*fn)(void *));

#endif
