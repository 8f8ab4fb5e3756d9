/* Reassembly of IKEv2 fragments (RFC 7383 §2.6) from their decrypted
 * contents. Timeouts are the caller's: it clears a set that waited too long. */
#include "config.h"

#include <string.h>

#include "keying/ikev2_msg.h"

void
ikev2_reasm_init(struct ikev2_reasm *r, uint32_t msgid, uint16_t max_frags,
    size_t max_size)
{
	memset(r, 0, sizeof(*r));
	r->msgid = msgid;
	r->max_frags = max_frags && max_frags < IKEV2_FRAG_MAX ?
	    max_frags : IKEV2_FRAG_MAX;
	r->max_size = max_size ? max_size : IKEV2_MAX_MSG;
}

void
ikev2_reasm_clear(struct ikev2_reasm *r)
{
	uint16_t i;

	for (i = 0; i < IKEV2_FRAG_MAX; i++) {
		buf_free(r->part[i]);
		r->part[i] = NULL;
	}
	r->total = r->have = 0;
	r->first = IKEV2_PL_NONE;
	r->size = 0;
}

int
ikev2_reasm_add(struct ikev2_reasm *r, uint16_t num, uint16_t total,
    uint8_t next, const uint8_t *plain, size_t len)
{
	if (num == 0 || total == 0 || num > total || total > r->max_frags)
		return -1;
	if (r->total == 0)
		r->total = total;
	else if (total > r->total) {
		/* The peer retransmits with smaller fragments: start over. */
		ikev2_reasm_clear(r);
		r->total = total;
	} else if (total < r->total)
		return 0;
	if (r->part[num - 1] != NULL)
		return 0;
	if (len > r->max_size - r->size) {
		ikev2_reasm_clear(r);
		return -1;
	}
	if ((r->part[num - 1] = buf_new_secret(len ? len : 1)) == NULL ||
	    buf_put(r->part[num - 1], plain, len) < 0) {
		ikev2_reasm_clear(r);
		return -1;
	}
	if (num == 1)
		r->first = next;
	r->size += len;
	r->have++;
	return r->have == r->total ? 1 : 0;
}

struct buf *
ikev2_reasm_take(struct ikev2_reasm *r, uint8_t *first)
{
	struct buf *out;
	uint16_t i;

	if (r->total == 0 || r->have != r->total)
		return NULL;
	if ((out = buf_new_secret(r->size ? r->size : 1)) == NULL)
		return NULL;
	for (i = 0; i < r->total; i++)
		if (buf_put(out, r->part[i]->data, r->part[i]->len) < 0) {
			buf_free(out);
			return NULL;
		}
	if (first)
		*first = r->first;
	ikev2_reasm_clear(r);
	return out;
}
