/* A sorted array of pointers: binary search with the caller's comparison,
 * insertion and removal at a position, growth by doubling. The state model
 * keeps its rows by index and its connections by name in these. */
#ifndef IKEFLOW_STATE_SORTED_H
#define IKEFLOW_STATE_SORTED_H

#include <stdint.h>

struct sorted {
	void		**v;
	uint32_t	n, cap;
	uint32_t	hint;	/* rows.c: the last position looked up (a cache) */
};

/* <0, 0 or >0 as elem sorts before, with or after key. */
typedef int (*sorted_cmp_fn)(const void *elem, const void *key);

/* Position of the first element not before key (n if none); *found (may be
 * NULL) tells whether that element matches key. */
uint32_t sorted_lower(const struct sorted *s, const void *key, sorted_cmp_fn cmp,
	    int *found);
/* The element matching key, or NULL. */
void	*sorted_find(const struct sorted *s, const void *key, sorted_cmp_fn cmp);
/* Room for `more` further elements, so that the next insertions cannot fail
 * for want of memory. 0 / -1. */
int	sorted_reserve(struct sorted *s, uint32_t more);
/* Puts elem at pos (0..n); the caller keeps the order. 0 / -1. */
int	sorted_insert_at(struct sorted *s, uint32_t pos, void *elem);
/* Puts elem where key sorts; -1 if an element already matches key (or out
 * of memory). */
int	sorted_insert(struct sorted *s, void *elem, const void *key, sorted_cmp_fn cmp);
/* Takes out the element at pos and returns it (NULL if pos >= n). */
void	*sorted_remove_at(struct sorted *s, uint32_t pos);
/* Takes out the element matching key and returns it (NULL if absent). */
void	*sorted_remove(struct sorted *s, const void *key, sorted_cmp_fn cmp);
/* Frees every element with fn (may be NULL) and the array. */
void	sorted_clear(struct sorted *s, void (*fn)(void *));

#endif
