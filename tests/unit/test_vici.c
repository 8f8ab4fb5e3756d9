/* vici's wire format: the protocol description's own encoding example,
 * packets of every type, and malformed input refused without overruns. */
#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/vici.h"

/* key1 = value1, section1 { sub-section { key2 = value2 } list1 [item1, item2] } */
static const uint8_t example[] = {
	3, 4, 'k', 'e', 'y', '1', 0, 6, 'v', 'a', 'l', 'u', 'e', '1',
	1, 8, 's', 'e', 'c', 't', 'i', 'o', 'n', '1',
	1, 11, 's', 'u', 'b', '-', 's', 'e', 'c', 't', 'i', 'o', 'n',
	3, 4, 'k', 'e', 'y', '2', 0, 6, 'v', 'a', 'l', 'u', 'e', '2',
	2,
	4, 5, 'l', 'i', 's', 't', '1',
	5, 0, 5, 'i', 't', 'e', 'm', '1',
	5, 0, 5, 'i', 't', 'e', 'm', '2',
	6,
	2,
};

static struct buf *
build_example(void)
{
	struct buf *b = buf_new(64);

	assert_int_equal(vici_put_kv(b, "key1", "value1"), 0);
	assert_int_equal(vici_put_section(b, "section1"), 0);
	assert_int_equal(vici_put_section(b, "sub-section"), 0);
	assert_int_equal(vici_put_kv(b, "key2", "value2"), 0);
	assert_int_equal(vici_put_section_end(b), 0);
	assert_int_equal(vici_put_list(b, "list1"), 0);
	assert_int_equal(vici_put_item(b, "item1"), 0);
	assert_int_equal(vici_put_item(b, "item2"), 0);
	assert_int_equal(vici_put_list_end(b), 0);
	assert_int_equal(vici_put_section_end(b), 0);
	return b;
}

static void
t_encode_example(void **state)
{
	struct buf *b = build_example();

	(void)state;
	assert_int_equal(b->len, sizeof(example));
	assert_memory_equal(b->data, example, sizeof(example));
	buf_free(b);
}

static int
record(const struct vici_elem *e, void *arg)
{
	char *out = arg;
	size_t n = strlen(out);

	snprintf(out + n, 1024 - n, "%d:%d:", (int)e->type, e->depth);
	n = strlen(out);
	for (int i = 0; i < e->depth; i++) {
		snprintf(out + n, 1024 - n, "%s/", e->sect[i]);
		n = strlen(out);
	}
	snprintf(out + n, 1024 - n, "%s%s%s=%s;", e->list ? e->list : "",
	    e->list ? "[]" : "", e->name ? e->name : "", e->value ? e->value : "");
	return 0;
}

static void
t_walk_example(void **state)
{
	char out[1024] = "";

	(void)state;
	assert_int_equal(vici_walk(example, sizeof(example), record, out), 0);
	assert_string_equal(out,
	    "3:0:key1=value1;"
	    "1:0:section1=;"
	    "1:1:section1/sub-section=;"
	    "3:2:section1/sub-section/key2=value2;"
	    "2:1:section1/sub-section=;"
	    "4:1:section1/list1=;"
	    "5:1:section1/list1[]=item1;"
	    "5:1:section1/list1[]=item2;"
	    "6:1:section1/list1[]=;"
	    "2:0:section1=;");
}

static int
count(const struct vici_elem *e, void *arg)
{
	(void)e;
	(*(int *)arg)++;
	return 0;
}

/* Every prefix of the example is either a whole message or refused. */
static void
t_truncated(void **state)
{
	(void)state;
	for (size_t n = 0; n < sizeof(example); n++) {
		uint8_t *copy = malloc(n + 1);	/* exact size: ASan sees overruns */
		int c = 0, r;

		memcpy(copy, example, n);
		r = vici_walk(copy, n, count, &c);
		if (n == 0 || n == 14)
			assert_int_equal(r, 0);
		else
			assert_int_equal(r, -1);
		free(copy);
	}
}

static void
t_rules(void **state)
{
	static const uint8_t item_outside[] = { 5, 0, 1, 'x' };
	static const uint8_t key_in_list[] = { 4, 1, 'l', 3, 1, 'k', 0, 0, 6 };
	static const uint8_t nested_list[] = { 4, 1, 'l', 4, 1, 'm', 6, 6 };
	static const uint8_t end_outside[] = { 2 };
	static const uint8_t list_end_outside[] = { 6 };
	static const uint8_t unknown[] = { 9 };
	static const uint8_t open_list[] = { 4, 1, 'l' };
	static const uint8_t section_in_list[] = { 4, 1, 'l', 1, 1, 's', 2, 6 };
	static const uint8_t nul_in_name[] = { 1, 2, 's', 0, 2 };
	uint8_t deep[2 * (VICI_DEPTH_MAX + 1)];
	int c = 0;

	(void)state;
	assert_int_equal(vici_walk(item_outside, sizeof(item_outside), count, &c), -1);
	assert_int_equal(vici_walk(key_in_list, sizeof(key_in_list), count, &c), -1);
	assert_int_equal(vici_walk(nested_list, sizeof(nested_list), count, &c), -1);
	assert_int_equal(vici_walk(end_outside, sizeof(end_outside), count, &c), -1);
	assert_int_equal(vici_walk(list_end_outside, sizeof(list_end_outside), count, &c), -1);
	assert_int_equal(vici_walk(unknown, sizeof(unknown), count, &c), -1);
	assert_int_equal(vici_walk(open_list, sizeof(open_list), count, &c), -1);
	assert_int_equal(vici_walk(section_in_list, sizeof(section_in_list), count, &c), -1);
	assert_int_equal(vici_walk(nul_in_name, sizeof(nul_in_name), count, &c), -1);
	for (size_t i = 0; i < sizeof(deep); i += 2) {
		deep[i] = VICI_SECTION_START;
		deep[i + 1] = 0;	/* empty names are allowed */
	}
	assert_int_equal(vici_walk(deep, sizeof(deep), count, &c), -1);
	/* a value with a NUL inside keeps its length */
	{
		static const uint8_t nul[] = { 3, 1, 'k', 0, 3, 'a', 0, 'b' };

		c = 0;
		assert_int_equal(vici_walk(nul, sizeof(nul), count, &c), 0);
		assert_int_equal(c, 1);
	}
}

static void
t_packets(void **state)
{
	struct buf *msg = build_example(), *out = buf_new(256);
	const uint8_t *m;
	size_t mlen, seglen = 0;
	enum vici_pkt type;
	char name[256];

	(void)state;
	assert_int_equal(vici_pkt_put(out, VICI_CMD_REQUEST, "list-sas", msg->data,
	    msg->len), 0);
	assert_int_equal(vici_seg_len(out->data, 3, &seglen), 0);
	assert_int_equal(vici_seg_len(out->data, out->len - 1, &seglen), 0);
	assert_int_equal(seglen, out->len - 4);
	assert_int_equal(vici_seg_len(out->data, out->len, &seglen), 1);
	assert_int_equal(vici_pkt_parse(out->data + 4, seglen, &type, name, &m, &mlen), 0);
	assert_int_equal(type, VICI_CMD_REQUEST);
	assert_string_equal(name, "list-sas");
	assert_int_equal(mlen, msg->len);
	assert_memory_equal(m, msg->data, mlen);
	/* unnamed types carry no name; a name where none belongs is refused */
	buf_reset(out);
	assert_int_equal(vici_pkt_put(out, VICI_CMD_RESPONSE, NULL, NULL, 0), 0);
	assert_int_equal(out->len, 5);
	assert_int_equal(vici_pkt_parse(out->data + 4, 1, &type, name, &m, &mlen), 0);
	assert_int_equal(type, VICI_CMD_RESPONSE);
	assert_string_equal(name, "");
	assert_int_equal(mlen, 0);
	assert_int_equal(vici_pkt_put(out, VICI_CMD_RESPONSE, "x", NULL, 0), -1);
	assert_int_equal(vici_pkt_put(out, VICI_EVENT, NULL, NULL, 0), -1);
	/* bad packets: unknown type, name running past the end, empty */
	{
		static const uint8_t bad_type[] = { 8 };
		static const uint8_t bad_name[] = { 7, 5, 'a', 'b' };

		assert_int_equal(vici_pkt_parse(bad_type, 1, &type, name, &m, &mlen), -1);
		assert_int_equal(vici_pkt_parse(bad_name, sizeof(bad_name), &type, name,
		    &m, &mlen), -1);
		assert_int_equal(vici_pkt_parse(bad_name, 0, &type, name, &m, &mlen), -1);
	}
	/* segments: empty or over 512 KiB refused */
	{
		static const uint8_t zero[] = { 0, 0, 0, 0 };
		static const uint8_t huge[] = { 0, 8, 0, 1 };

		assert_int_equal(vici_seg_len(zero, 4, &seglen), -1);
		assert_int_equal(vici_seg_len(huge, 4, &seglen), -1);
	}
	buf_free(msg);
	buf_free(out);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(t_encode_example),
		cmocka_unit_test(t_walk_example),
		cmocka_unit_test(t_truncated),
		cmocka_unit_test(t_rules),
		cmocka_unit_test(t_packets),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
