/* The wire format of vici, strongSwan's control interface (the socket
 * /var/run/charon.vici), written from its protocol description
 * (src/libcharon/plugins/vici/README.md in strongSwan's sources); Debian
 * ships libvici without its header, and this needs only the codec.
 *
 * Transport: segments of a 32-bit big-endian length, then that many bytes
 * (at most VICI_SEGMENT_MAX). Packet: the segment's first byte is its type;
 * named types (CMD_REQUEST, EVENT_REGISTER, EVENT_UNREGISTER, EVENT) follow
 * it with an 8-bit length and the name; the rest is a message.
 * Message: a sequence of elements, each a type byte, then for SECTION_START,
 * KEY_VALUE and LIST_START an 8-bit length and a name, then for KEY_VALUE
 * and LIST_ITEM a 16-bit big-endian length and a value. Sections nest and
 * must balance; lists hold only items and do not nest. Values are text in
 * practice (numbers as decimal strings) but may be any bytes. */
#ifndef IKEFLOW_VICI_H
#define IKEFLOW_VICI_H

#include <stddef.h>
#include <stdint.h>

#include "common/buf.h"

#define VICI_SEGMENT_MAX	(512 * 1024)
#define VICI_DEPTH_MAX		16	/* sections open at once; deeper is refused */

enum vici_pkt {
	VICI_CMD_REQUEST = 0, VICI_CMD_RESPONSE = 1, VICI_CMD_UNKNOWN = 2,
	VICI_EVENT_REGISTER = 3, VICI_EVENT_UNREGISTER = 4, VICI_EVENT_CONFIRM = 5,
	VICI_EVENT_UNKNOWN = 6, VICI_EVENT = 7,
};

enum vici_el {
	VICI_SECTION_START = 1, VICI_SECTION_END = 2, VICI_KEY_VALUE = 3,
	VICI_LIST_START = 4, VICI_LIST_ITEM = 5, VICI_LIST_END = 6,
};

/* ---- building ---- */
/* A whole segment: length header, type, name (for the named types, else
 * name must be NULL) and message (msg may be NULL when msglen is 0).
 * 0, or -1 when a part is too long or out of memory. */
int	vici_pkt_put(struct buf *out, enum vici_pkt type, const char *name,
	    const uint8_t *msg, size_t msglen);
/* Message elements, appended to msg; -1 when a name or value is too long. */
int	vici_put_section(struct buf *msg, const char *name);
int	vici_put_section_end(struct buf *msg);
int	vici_put_kv(struct buf *msg, const char *key, const char *value);
int	vici_put_list(struct buf *msg, const char *name);
int	vici_put_item(struct buf *msg, const char *value);
int	vici_put_list_end(struct buf *msg);

/* ---- parsing ---- */
/* The length of the first segment in data: 0 when more bytes are needed
 * (*seglen set when the header is complete), -1 when the header announces
 * more than VICI_SEGMENT_MAX (or an empty segment). */
int	vici_seg_len(const uint8_t *data, size_t len, size_t *seglen);
/* One packet (a segment without its length header): its type, its name
 * (NUL-terminated, "" for unnamed types; name has room for 256 bytes) and
 * where its message lies. 0, or -1 when malformed or of an unknown type. */
int	vici_pkt_parse(const uint8_t *seg, size_t len, enum vici_pkt *type,
	    char name[256], const uint8_t **msg, size_t *msglen);

/* A message element as the walk sees it. Names and the value are
 * NUL-terminated copies (a value's own NUL bytes stay: use vlen). */
struct vici_elem {
	enum vici_el	type;
	int		depth;			/* sections open around it */
	const char	*sect[VICI_DEPTH_MAX];	/* their names, outermost first */
	const char	*list;			/* in a list (items, LIST_END): its name */
	const char	*name;			/* SECTION_START, KEY_VALUE, LIST_START */
	const char	*value;			/* KEY_VALUE, LIST_ITEM */
	size_t		vlen;
};
/* Calls fn for every element, in order, after checking it: a message that
 * breaks the rules (truncated element, unknown type, unbalanced sections,
 * an item outside a list, a key inside one, nested lists, too deep, a NUL
 * in a name) stops
 * the walk with -1 (fn may have seen the elements before). fn returning
 * non-zero stops it with that value. 0 when the whole message was walked. */
typedef int (*vici_walk_fn)(const struct vici_elem *e, void *arg);
int	vici_walk(const uint8_t *msg, size_t len, vici_walk_fn fn, void *arg);

#endif
