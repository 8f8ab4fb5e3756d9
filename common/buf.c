#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

#include "common/buf.h"

void
wipe(void *p, size_t len)
{
	if (p && len)
		OPENSSL_cleanse(p, len);
}

int
ct_memcmp(const void *a, const void *b, size_t len)
{
	return CRYPTO_memcmp(a, b, len) != 0;
}

static struct buf *
buf_alloc(size_t hint, int secret)
{
	struct buf *b = calloc(1, sizeof(*b));

	if (b == NULL)
		return NULL;
	b->secret = secret;
	if (hint && buf_reserve(b, hint) < 0) {
		free(b);
		return NULL;
	}
	return b;
}

struct buf *
buf_new(size_t hint)
{
	return buf_alloc(hint, 0);
}

struct buf *
buf_new_secret(size_t hint)
{
	return buf_alloc(hint, 1);
}

struct buf *
buf_from(const void *p, size_t len)
{
	struct buf *b = buf_new(len);

	if (b && buf_put(b, p, len) < 0) {
		buf_free(b);
		return NULL;
	}
	return b;
}

void
buf_free(struct buf *b)
{
	if (b == NULL)
		return;
	if (b->secret)
		wipe(b->data, b->cap);
	free(b->data);
	free(b);
}

void
buf_reset(struct buf *b)
{
	if (b->secret)
		wipe(b->data, b->len);
	b->len = b->rpos = 0;
	b->failed = 0;
}

int
buf_reserve(struct buf *b, size_t more)
{
	size_t need, ncap;
	uint8_t *n;

	if (more > SIZE_MAX / 2 - b->len) {
		b->failed = 1;
		return -1;
	}
	need = b->len + more;
	if (need <= b->cap)
		return 0;
	ncap = b->cap ? b->cap : 64;
	while (ncap < need)
		ncap *= 2;
	if (b->secret) {
		/* realloc could leave a copy of the secret behind: move it by hand */
		if ((n = malloc(ncap)) == NULL) {
			b->failed = 1;
			return -1;
		}
		if (b->data) {
			memcpy(n, b->data, b->len);
			wipe(b->data, b->cap);
			free(b->data);
		}
	} else if ((n = realloc(b->data, ncap)) == NULL) {
		b->failed = 1;
		return -1;
	}
	b->data = n;
	b->cap = ncap;
	return 0;
}

int
buf_put(struct buf *b, const void *p, size_t len)
{
	if (len == 0)
		return 0;
	if (buf_reserve(b, len) < 0)
		return -1;
	memcpy(b->data + b->len, p, len);
	b->len += len;
	return 0;
}

int
buf_put_u8(struct buf *b, uint8_t v)
{
	return buf_put(b, &v, 1);
}

int
buf_put_u16(struct buf *b, uint16_t v)
{
	uint8_t d[2] = { v >> 8, v & 0xff };

	return buf_put(b, d, 2);
}

int
buf_put_u32(struct buf *b, uint32_t v)
{
	uint8_t d[4] = { v >> 24, (v >> 16) & 0xff, (v >> 8) & 0xff, v & 0xff };

	return buf_put(b, d, 4);
}

int
buf_put_u64(struct buf *b, uint64_t v)
{
	if (buf_put_u32(b, (uint32_t)(v >> 32)) < 0)
		return -1;
	return buf_put_u32(b, (uint32_t)v);
}

int
buf_put_zero(struct buf *b, size_t len)
{
	if (buf_reserve(b, len) < 0)
		return -1;
	memset(b->data + b->len, 0, len);
	b->len += len;
	return 0;
}

long
buf_skip(struct buf *b, size_t len)
{
	size_t off = b->len;

	if (buf_put_zero(b, len) < 0)
		return -1;
	return (long)off;
}

void
buf_set_u8(struct buf *b, size_t off, uint8_t v)
{
	if (off + 1 <= b->len)
		b->data[off] = v;
}

void
buf_set_u16(struct buf *b, size_t off, uint16_t v)
{
	if (off + 2 <= b->len) {
		b->data[off] = v >> 8;
		b->data[off + 1] = v & 0xff;
	}
}

void
buf_set_u32(struct buf *b, size_t off, uint32_t v)
{
	if (off + 4 <= b->len) {
		b->data[off] = v >> 24;
		b->data[off + 1] = (v >> 16) & 0xff;
		b->data[off + 2] = (v >> 8) & 0xff;
		b->data[off + 3] = v & 0xff;
	}
}

size_t
buf_left(const struct buf *b)
{
	return b->len - b->rpos;
}

const uint8_t *
buf_get(struct buf *b, size_t len)
{
	const uint8_t *p;

	if (len > b->len - b->rpos) {
		b->failed = 1;
		return NULL;
	}
	p = b->data + b->rpos;
	b->rpos += len;
	return p;
}

int
buf_get_u8(struct buf *b, uint8_t *v)
{
	const uint8_t *p = buf_get(b, 1);

	if (p == NULL)
		return -1;
	*v = p[0];
	return 0;
}

int
buf_get_u16(struct buf *b, uint16_t *v)
{
	const uint8_t *p = buf_get(b, 2);

	if (p == NULL)
		return -1;
	*v = (uint16_t)(p[0] << 8 | p[1]);
	return 0;
}

int
buf_get_u32(struct buf *b, uint32_t *v)
{
	const uint8_t *p = buf_get(b, 4);

	if (p == NULL)
		return -1;
	*v = (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
	return 0;
}

int
buf_get_u64(struct buf *b, uint64_t *v)
{
	uint32_t hi, lo;

	if (buf_get_u32(b, &hi) < 0 || buf_get_u32(b, &lo) < 0)
		return -1;
	*v = (uint64_t)hi << 32 | lo;
	return 0;
}
