/* IKE identities as written in ipsec.conf/ipsec.secrets (strongSwan's rules)
 * and as received in ID payloads. */
#include <config.h>

#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "config/config.h"
#include "config/internal.h"

static int
printable(const uint8_t *p, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if (p[i] < 0x21 || p[i] > 0x7e)
			return 0;
	return 1;
}

static void
id_set_text(struct cfg_id *id, uint8_t type, const char *s, size_t len)
{
	id->type = type;
	id->len = (uint16_t)len;
	memcpy(id->data, s, len);
	memcpy(id->text, s, len);
	id->text[len] = '\0';
}

static void
id_key_text(struct cfg_id *id)
{
	size_t n = 0;

	n += (size_t)snprintf(id->text, sizeof(id->text), "@#");
	for (size_t i = 0; i < id->len && n + 3 <= sizeof(id->text); i++)
		n += (size_t)snprintf(id->text + n, sizeof(id->text) - n, "%02x", id->data[i]);
}

void
config_id_from_addr(const struct ifl_addr *a, struct cfg_id *id)
{
	memset(id, 0, sizeof(*id));
	if (a->family == AF_INET)
		id->type = CFG_ID_IPV4_ADDR;
	else if (a->family == AF_INET6)
		id->type = CFG_ID_IPV6_ADDR;
	else {
		snprintf(id->text, sizeof(id->text), "%%any");
		return;
	}
	id->len = (uint16_t)addr_len(a);
	memcpy(id->data, a->u.raw, id->len);
	addr_str(a, id->text, sizeof(id->text));
}

int
config_id_parse(const char *s, struct cfg_id *id)
{
	struct ifl_addr a;
	size_t len = strlen(s);

	memset(id, 0, sizeof(*id));
	if (len == 0 || strcmp(s, "%any") == 0 || strcmp(s, "%any6") == 0) {
		snprintf(id->text, sizeof(id->text), "%%any");
		return 0;
	}
	if (len >= CFG_ID_MAX - 1 || !printable((const uint8_t *)s, len))
		return -1;
	if (addr_parse(s, &a) == 0) {
		config_id_from_addr(&a, id);
		return 0;
	}
	if (strncmp(s, "@#", 2) == 0) {
		size_t n = len - 2;

		if (n == 0 || n % 2)
			return -1;
		for (size_t i = 0; i < n / 2; i++) {
			int hi = cfg_hexval(s[2 + 2 * i]), lo = cfg_hexval(s[3 + 2 * i]);

			if (hi < 0 || lo < 0)
				return -1;
			id->data[i] = (uint8_t)(hi << 4 | lo);
		}
		id->type = CFG_ID_KEY_ID;
		id->len = (uint16_t)(n / 2);
		id_key_text(id);
		return 0;
	}
	if (strchr(s, '=') != NULL)	/* a distinguished name: certificates only */
		return -1;
	if (strncmp(s, "@@", 2) == 0) {
		if (len == 2)
			return -1;
		id_set_text(id, CFG_ID_USER_FQDN, s + 2, len - 2);
		return 0;
	}
	if (s[0] == '@') {
		if (len == 1)
			return -1;
		id_set_text(id, CFG_ID_FQDN, s + 1, len - 1);
		return 0;
	}
	id_set_text(id, strchr(s, '@') ? CFG_ID_USER_FQDN : CFG_ID_FQDN, s, len);
	return 0;
}

int
config_id_from_payload(uint8_t type, const uint8_t *data, size_t len, struct cfg_id *id)
{
	struct ifl_addr a;

	memset(id, 0, sizeof(*id));
	memset(&a, 0, sizeof(a));
	switch (type) {
	case CFG_ID_IPV4_ADDR:
	case CFG_ID_IPV6_ADDR:
		if (len != (type == CFG_ID_IPV4_ADDR ? 4u : 16u))
			return -1;
		a.family = type == CFG_ID_IPV4_ADDR ? AF_INET : AF_INET6;
		memcpy(a.u.raw, data, len);
		config_id_from_addr(&a, id);
		return 0;
	case CFG_ID_FQDN:
	case CFG_ID_USER_FQDN:
		if (len == 0 || len >= CFG_ID_MAX || !printable(data, len))
			return -1;
		id_set_text(id, type, (const char *)data, len);
		return 0;
	case CFG_ID_KEY_ID:
		if (len == 0 || len > (CFG_ID_MAX - 3) / 2)
			return -1;
		id->type = type;
		id->len = (uint16_t)len;
		memcpy(id->data, data, len);
		id_key_text(id);
		return 0;
	}
	return -1;
}

int
config_id_equal(const struct cfg_id *a, const struct cfg_id *b)
{
	if (a->type != b->type || a->len != b->len)
		return 0;
	/* names compare case-insensitively, as DNS does */
	if (a->type == CFG_ID_FQDN || a->type == CFG_ID_USER_FQDN)
		return strncasecmp((const char *)a->data, (const char *)b->data, a->len) == 0;
	return memcmp(a->data, b->data, a->len) == 0;
}
