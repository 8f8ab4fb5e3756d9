/* libFuzzer target: vici segments as charon's socket delivers them
 * (common/vici.h): length headers, packets, message elements. Every
 * message that walks must rebuild, element by element, into the same
 * bytes and walk again the same way. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/vici.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(x)	do { if (!(x)) { fprintf(stderr, "check failed: %s\n", #x); abort(); } } while (0)

struct rebuild {
	struct buf	*b;
	size_t		 n;
	int		 binary;	/* a value with a NUL: put_* take C strings */
};

static int
rebuild_cb(const struct vici_elem *e, void *arg)
{
	struct rebuild *r = arg;
	int rc = 0;

	r->n++;
	CHECK(e->depth >= 0 && e->depth <= VICI_DEPTH_MAX);
	if (e->value != NULL && strlen(e->value) != e->vlen)
		r->binary = 1;
	if (e->name != NULL && strlen(e->name) > 255)
		abort();
	switch (e->type) {
	case VICI_SECTION_START:
		rc = vici_put_section(r->b, e->name);
		break;
	case VICI_SECTION_END:
		rc = vici_put_section_end(r->b);
		break;
	case VICI_KEY_VALUE:
		rc = vici_put_kv(r->b, e->name, e->value);
		break;
	case VICI_LIST_START:
		rc = vici_put_list(r->b, e->name);
		break;
	case VICI_LIST_ITEM:
		CHECK(e->list != NULL);
		rc = vici_put_item(r->b, e->value);
		break;
	case VICI_LIST_END:
		rc = vici_put_list_end(r->b);
		break;
	}
	CHECK(rc == 0);
	return 0;
}

static void
one_message(const uint8_t *msg, size_t len)
{
	struct rebuild a = { buf_new(len + 16), 0, 0 }, b = { buf_new(len + 16), 0, 0 };

	CHECK(a.b != NULL && b.b != NULL);
	if (vici_walk(msg, len, rebuild_cb, &a) == 0 && !a.binary) {
		CHECK(a.b->len == len && memcmp(a.b->data, msg, len) == 0);
		CHECK(vici_walk(a.b->data, a.b->len, rebuild_cb, &b) == 0);
		CHECK(b.n == a.n);
	}
	buf_free(a.b);
	buf_free(b.b);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* a stream of segments, as read from the socket */
	while (size > 0) {
		const uint8_t *msg;
		size_t seglen = 0, msglen;
		enum vici_pkt type;
		char name[256];
		int r = vici_seg_len(data, size, &seglen);

		if (r <= 0)
			break;
		if (vici_pkt_parse(data + 4, seglen, &type, name, &msg, &msglen) == 0) {
			CHECK(strlen(name) < 256);
			CHECK(msg >= data + 4 && msg + msglen == data + 4 + seglen);
			one_message(msg, msglen);
		}
		data += 4 + seglen;
		size -= 4 + seglen;
	}
	return 0;
}
