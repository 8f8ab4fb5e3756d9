/* vici's wire format (common/vici.h): segments, packets, message elements.
 * Every length read is checked against what is left; nothing is trusted. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "common/vici.h"

static int
named(enum vici_pkt type)
{
	return type == VICI_CMD_REQUEST || type == VICI_EVENT_REGISTER ||
	    type == VICI_EVENT_UNREGISTER || type == VICI_EVENT;
}

int
vici_pkt_put(struct buf *out, enum vici_pkt type, const char *name,
    const uint8_t *msg, size_t msglen)
{
	size_t nlen = name ? strlen(name) : 0, total;

	if ((name != NULL) != named(type) || nlen > 255)
		return -1;
	total = 1 + (name ? 1 + nlen : 0) + msglen;
	if (total > VICI_SEGMENT_MAX)
		return -1;
	if (buf_put_u32(out, (uint32_t)total) < 0 || buf_put_u8(out, (uint8_t)type) < 0)
		return -1;
	if (name && (buf_put_u8(out, (uint8_t)nlen) < 0 || buf_put(out, name, nlen) < 0))
		return -1;
	if (msglen && buf_put(out, msg, msglen) < 0)
		return -1;
	return 0;
}

static int
put_name(struct buf *msg, enum vici_el type, const char *name)
{
	size_t n = strlen(name);

	if (n > 255 || buf_put_u8(msg, (uint8_t)type) < 0 ||
	    buf_put_u8(msg, (uint8_t)n) < 0 || buf_put(msg, name, n) < 0)
		return -1;
	return 0;
}

static int
put_value(struct buf *msg, const char *value)
{
	size_t n = strlen(value);

	if (n > 65535 || buf_put_u16(msg, (uint16_t)n) < 0 || buf_put(msg, value, n) < 0)
		return -1;
	return 0;
}

int
vici_put_section(struct buf *msg, const char *name)
{
	return put_name(msg, VICI_SECTION_START, name);
}

int
vici_put_section_end(struct buf *msg)
{
	return buf_put_u8(msg, VICI_SECTION_END);
}

int
vici_put_kv(struct buf *msg, const char *key, const char *value)
{
	if (strlen(value) > 65535 || put_name(msg, VICI_KEY_VALUE, key) < 0)
		return -1;
	return put_value(msg, value);
}

int
vici_put_list(struct buf *msg, const char *name)
{
	return put_name(msg, VICI_LIST_START, name);
}

int
vici_put_item(struct buf *msg, const char *value)
{
	if (strlen(value) > 65535 || buf_put_u8(msg, VICI_LIST_ITEM) < 0)
		return -1;
	return put_value(msg, value);
}

int
vici_put_list_end(struct buf *msg)
{
	return buf_put_u8(msg, VICI_LIST_END);
}

int
vici_seg_len(const uint8_t *data, size_t len, size_t *seglen)
{
	uint32_t n;

	if (len < 4)
		return 0;
	n = (uint32_t)data[0] << 24 | (uint32_t)data[1] << 16 |
	    (uint32_t)data[2] << 8 | data[3];
	if (n == 0 || n > VICI_SEGMENT_MAX)
		return -1;
	*seglen = n;
	return len - 4 >= n ? 1 : 0;
}

int
vici_pkt_parse(const uint8_t *seg, size_t len, enum vici_pkt *type, char name[256],
    const uint8_t **msg, size_t *msglen)
{
	size_t off = 1;

	name[0] = '\0';
	if (len < 1 || seg[0] > VICI_EVENT)
		return -1;
	*type = (enum vici_pkt)seg[0];
	if (named(*type)) {
		if (len < 2 || len - 2 < seg[1])
			return -1;
		memcpy(name, seg + 2, seg[1]);
		name[seg[1]] = '\0';
		off = 2 + (size_t)seg[1];
	}
	*msg = seg + off;
	*msglen = len - off;
	return 0;
}

/* The walk's copies of names and the value, NUL-terminated. */
struct walk {
	char	sect[VICI_DEPTH_MAX][256];
	char	list[256];
	char	name[256];
	char	value[65536];
};

/* An 8-bit length and a name at *off; 0 or -1 when truncated. */
static int
get_name(const uint8_t *m, size_t len, size_t *off, char *dst)
{
	size_t n;

	if (*off >= len)
		return -1;
	n = m[(*off)++];
	/* names are ASCII text: a NUL in one is a broken message */
	if (len - *off < n || memchr(m + *off, '\0', n) != NULL)
		return -1;
	memcpy(dst, m + *off, n);
	dst[n] = '\0';
	*off += n;
	return 0;
}

static int
get_value(const uint8_t *m, size_t len, size_t *off, char *dst, size_t *vlen)
{
	size_t n;

	if (len - *off < 2)
		return -1;
	n = (size_t)m[*off] << 8 | m[*off + 1];
	*off += 2;
	if (len - *off < n)
		return -1;
	memcpy(dst, m + *off, n);
	dst[n] = '\0';
	*off += n;
	*vlen = n;
	return 0;
}

int
vici_walk(const uint8_t *msg, size_t len, vici_walk_fn fn, void *arg)
{
	struct walk *w;
	struct vici_elem e;
	size_t off = 0;
	int in_list = 0, r = 0;

	if ((w = malloc(sizeof(*w))) == NULL)
		return -1;
	memset(&e, 0, sizeof(e));
	for (int i = 0; i < VICI_DEPTH_MAX; i++)
		e.sect[i] = w->sect[i];
	while (off < len && r == 0) {
		e.type = (enum vici_el)msg[off++];
		e.name = e.value = NULL;
		e.vlen = 0;
		e.list = in_list ? w->list : NULL;
		switch (e.type) {
		case VICI_SECTION_START:
			if (in_list || e.depth == VICI_DEPTH_MAX ||
			    get_name(msg, len, &off, w->sect[e.depth]) < 0)
				goto bad;
			e.name = w->sect[e.depth];
			r = fn(&e, arg);
			e.depth++;
			break;
		case VICI_SECTION_END:
			if (in_list || e.depth == 0)
				goto bad;
			e.depth--;
			e.name = w->sect[e.depth];
			r = fn(&e, arg);
			break;
		case VICI_KEY_VALUE:
			if (in_list || get_name(msg, len, &off, w->name) < 0 ||
			    get_value(msg, len, &off, w->value, &e.vlen) < 0)
				goto bad;
			e.name = w->name;
			e.value = w->value;
			r = fn(&e, arg);
			break;
		case VICI_LIST_START:
			if (in_list || get_name(msg, len, &off, w->list) < 0)
				goto bad;
			e.name = w->list;
			in_list = 1;
			r = fn(&e, arg);
			break;
		case VICI_LIST_ITEM:
			if (!in_list || get_value(msg, len, &off, w->value, &e.vlen) < 0)
				goto bad;
			e.value = w->value;
			r = fn(&e, arg);
			break;
		case VICI_LIST_END:
			if (!in_list)
				goto bad;
			in_list = 0;
			r = fn(&e, arg);
			break;
		default:
			goto bad;
		}
	}
	if (r == 0 && (in_list || e.depth != 0))
		goto bad;
	free(w);
	return r;
bad:
	free(w);
	return -1;
}
