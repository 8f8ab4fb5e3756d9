/* The one buffer type for wire data. Writers append (growing as needed);
 * readers consume from a cursor with bounds checks that fail instead of
 * overrunning. A buffer marked secret is wiped before its memory is released. */
#ifndef IKEFLOW_BUF_H
#define IKEFLOW_BUF_H

#include <stddef.h>
#include <stdint.h>

struct buf {
	uint8_t	*data;
	size_t	 len;		/* bytes written */
	size_t	 cap;
	size_t	 rpos;		/* read cursor */
	int	 secret;
	int	 failed;	/* a read ran past the end or an allocation failed */
};

struct buf *buf_new(size_t hint);
struct buf *buf_new_secret(size_t hint);
struct buf *buf_from(const void *p, size_t len);	/* copy */
void	buf_free(struct buf *b);
void	buf_reset(struct buf *b);			/* len = rpos = 0, wipes if secret */
int	buf_reserve(struct buf *b, size_t more);

int	buf_put(struct buf *b, const void *p, size_t len);
int	buf_put_u8(struct buf *b, uint8_t v);
int	buf_put_u16(struct buf *b, uint16_t v);		/* network order */
int	buf_put_u32(struct buf *b, uint32_t v);
int	buf_put_u64(struct buf *b, uint64_t v);
int	buf_put_zero(struct buf *b, size_t len);
/* Reserve len bytes and return their offset, to patch later with buf_set_u16/u32. */
long	buf_skip(struct buf *b, size_t len);
void	buf_set_u8(struct buf *b, size_t off, uint8_t v);
void	buf_set_u16(struct buf *b, size_t off, uint16_t v);
void	buf_set_u32(struct buf *b, size_t off, uint32_t v);

size_t	buf_left(const struct buf *b);
const uint8_t *buf_get(struct buf *b, size_t len);	/* NULL and b->failed on overrun */
int	buf_get_u8(struct buf *b, uint8_t *v);
int	buf_get_u16(struct buf *b, uint16_t *v);
int	buf_get_u32(struct buf *b, uint32_t *v);
int	buf_get_u64(struct buf *b, uint64_t *v);

/* Constant-time comparison (for MACs, AUTH payloads, cookies). 0 when equal. */
int	ct_memcmp(const void *a, const void *b, size_t len);
/* Wipes memory in a way the compiler cannot elide. */
void	wipe(void *p, size_t len);

#endif
