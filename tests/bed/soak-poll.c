/* One cycle of the soak's SNMP poller (tests/bed/conf/soak/soak.sh), in one
 * process: a GETBULK walk of each of five columns, then one line a tunnel,
 *
 *   CYCLE EPOCH SELECTOR INDEX InPkts HcInOctets OutPkts HcOutOctets
 *
 * the selector being cipSecEndPtLocalAddr1 of the tunnel's first endpoint,
 * EPOCH what EPOCHFILE holds before the walks, or T if it changed during
 * them. A walk that fails prints nothing and exits 1: the cycle is a gap.
 * (Five snmpbulkwalk processes and an awk a cycle took a quarter of the
 * test-bed guest's one CPU at 200 tunnels: a process costs dear under UML.)
 *
 * usage: soak-poll HOST COMMUNITY CYCLE EPOCHFILE */
#include <net-snmp/net-snmp-config.h>
#include <net-snmp/net-snmp-includes.h>

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* cipSecMIBObjects' tables (CISCO-IPSEC-FLOW-MONITOR-MIB) */
#define ROOT		1, 3, 6, 1, 4, 1, 9, 9, 171, 1, 3
#define COLLEN		14	/* ROOT, table, entry, column */
#define MAXREP		50	/* snmpd answers 100 varbinds at most */
#define NCOUNT		4

struct tun {
	oid		index;
	unsigned char	sel[4];
	uint64_t	v[NCOUNT];
	unsigned	have;	/* bit per counter */
};

static struct tun *tuns;
static size_t ntuns, cap;

/* cipSecEndPtLocalAddr1, then InPkts, HcInOctets, OutPkts, HcOutOctets */
static const oid endpt[COLLEN] = { ROOT, 3, 1, 4 };
static const oid counters[NCOUNT][COLLEN] = {
	{ ROOT, 2, 1, 32 }, { ROOT, 2, 1, 27 }, { ROOT, 2, 1, 45 }, { ROOT, 2, 1, 40 },
};

static struct tun *
tun_find(oid index)
{
	size_t lo = 0, hi = ntuns;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;

		if (tuns[mid].index == index)
			return &tuns[mid];
		if (tuns[mid].index < index)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

/* An endpoint's row (tunnel, endpoint): the walk gives them in order. */
static int
on_endpoint(const netsnmp_variable_list *v, int col)
{
	struct tun *t;

	(void)col;
	if (v->name_length != COLLEN + 2 || v->name[COLLEN + 1] != 1 ||
	    v->type != ASN_OCTET_STR || v->val_len != 4)
		return 0;
	if (ntuns == cap) {
		struct tun *n = realloc(tuns, (cap = cap ? cap * 2 : 256) * sizeof(*n));

		if (n == NULL)
			return -1;
		tuns = n;
	}
	t = &tuns[ntuns++];
	memset(t, 0, sizeof(*t));
	t->index = v->name[COLLEN];
	memcpy(t->sel, v->val.string, 4);
	return 0;
}

static int
on_counter(const netsnmp_variable_list *v, int col)
{
	struct tun *t;

	if (v->name_length != COLLEN + 1 || (t = tun_find(v->name[COLLEN])) == NULL)
		return 0;
	if (v->type == ASN_COUNTER64)
		t->v[col] = (uint64_t)v->val.counter64->high << 32 | v->val.counter64->low;
	else if (v->type == ASN_COUNTER || v->type == ASN_GAUGE)
		t->v[col] = *v->val.integer & 0xffffffffUL;
	else
		return 0;
	t->have |= 1u << col;
	return 0;
}

/* Every instance under COL, GETBULK after GETBULK; -1 if a request fails. */
static int
walk(netsnmp_session *ss, const oid *col, int arg,
    int (*fn)(const netsnmp_variable_list *, int))
{
	oid cur[MAX_OID_LEN];
	size_t len = COLLEN;

	memcpy(cur, col, COLLEN * sizeof(oid));
	for (;;) {
		netsnmp_pdu *req = snmp_pdu_create(SNMP_MSG_GETBULK), *resp = NULL;
		netsnmp_variable_list *v;
		int more = 0;

		req->non_repeaters = 0;
		req->max_repetitions = MAXREP;
		snmp_add_null_var(req, cur, len);
		if (snmp_synch_response(ss, req, &resp) != STAT_SUCCESS || resp == NULL ||
		    resp->errstat != SNMP_ERR_NOERROR) {
			if (resp != NULL)
				snmp_free_pdu(resp);
			return -1;
		}
		for (v = resp->variables; v != NULL; v = v->next_variable) {
			more = 0;
			if (v->type == SNMP_ENDOFMIBVIEW || v->name_length <= COLLEN ||
			    v->name_length > MAX_OID_LEN ||
			    snmp_oid_compare(v->name, COLLEN, col, COLLEN) != 0)
				break;
			if (fn(v, arg) < 0) {
				snmp_free_pdu(resp);
				return -1;
			}
			memcpy(cur, v->name, v->name_length * sizeof(oid));
			len = v->name_length;
			more = 1;
		}
		snmp_free_pdu(resp);
		if (!more)
			return 0;
	}
}

static void
read_epoch(const char *path, char *buf, size_t size)
{
	FILE *f = fopen(path, "r");

	buf[0] = '\0';
	if (f != NULL) {
		if (fgets(buf, (int)size, f) == NULL)
			buf[0] = '\0';
		fclose(f);
	}
	buf[strcspn(buf, "\n")] = '\0';
}

int
main(int argc, char **argv)
{
	netsnmp_session s, *ss;
	char e1[32], e2[32];
	int ok;

	if (argc != 5) {
		fprintf(stderr, "usage: %s HOST COMMUNITY CYCLE EPOCHFILE\n", argv[0]);
		return 2;
	}
	setenv("MIBS", "", 1);
	setenv("MIBDIRS", "/dev/null", 1);
	init_snmp("soak-poll");
	snmp_sess_init(&s);
	s.peername = argv[1];
	s.version = SNMP_VERSION_2c;
	s.community = (u_char *)argv[2];
	s.community_len = strlen(argv[2]);
	s.timeout = 5000000;	/* a busy guest answers late */
	s.retries = 1;
	if ((ss = snmp_open(&s)) == NULL) {
		snmp_sess_perror("soak-poll", &s);
		return 1;
	}
	read_epoch(argv[4], e1, sizeof(e1));
	ok = walk(ss, endpt, 0, on_endpoint) == 0;
	for (int c = 0; ok && c < NCOUNT; c++)
		ok = walk(ss, counters[c], c, on_counter) == 0;
	snmp_close(ss);
	if (!ok)
		return 1;
	read_epoch(argv[4], e2, sizeof(e2));
	for (size_t i = 0; i < ntuns; i++) {
		const struct tun *t = &tuns[i];

		if (t->have != (1u << NCOUNT) - 1)
			continue;	/* a row that came or went during the walks */
		printf("%s %s %u.%u.%u.%u %" PRIu64, argv[3], strcmp(e1, e2) ? "T" : e1,
		    t->sel[0], t->sel[1], t->sel[2], t->sel[3], (uint64_t)t->index);
		for (int c = 0; c < NCOUNT; c++)
			printf(" %" PRIu64, t->v[c]);
		printf("\n");
	}
	free(tuns);
	return fflush(stdout) == 0 ? 0 : 1;
}
