/* A row-wise GETBULK poll as NMS collectors do it: every PDU asks for the
 * next 10 rows of all the polled columns of cipSecTunnelTable and
 * cikeTunnelTable at once, until the tables end. Prints rows, PDUs, seconds.
 *
 * usage: agent-poll HOST:PORT COMMUNITY [ROOT_OID]
 * ROOT_OID (default 1.3.6.1.4.1.9.9.171) lets the same poll run against the
 * floor agent, which serves the same shapes under another root. */
#include <net-snmp/net-snmp-config.h>
#include <net-snmp/net-snmp-includes.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define MAXREP	10

/* (table sub-OID below the root, column) */
static const struct { oid t[3]; oid col; } cols[] = {
	{ { 1, 3, 2 }, 2 }, { { 1, 3, 2 }, 3 }, { { 1, 3, 2 }, 4 }, { { 1, 3, 2 }, 5 },
	{ { 1, 3, 2 }, 10 }, { { 1, 3, 2 }, 27 }, { { 1, 3, 2 }, 32 }, { { 1, 3, 2 }, 33 },
	{ { 1, 3, 2 }, 40 }, { { 1, 3, 2 }, 45 }, { { 1, 3, 2 }, 46 }, { { 1, 3, 2 }, 51 },
	{ { 1, 2, 3 }, 3 }, { { 1, 2, 3 }, 4 }, { { 1, 2, 3 }, 7 }, { { 1, 2, 3 }, 8 },
	{ { 1, 2, 3 }, 16 }, { { 1, 2, 3 }, 19 }, { { 1, 2, 3 }, 27 }, { { 1, 2, 3 }, 35 },
};
#define NCOLS	(sizeof(cols) / sizeof(cols[0]))

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

int
main(int argc, char **argv)
{
	oid root[MAX_OID_LEN], base[NCOLS][MAX_OID_LEN];
	size_t rootlen = MAX_OID_LEN, blen;
	netsnmp_session s, *ss;
	oid last = 0;
	long rows = 0, pdus = 0;
	double t0;

	if (argc < 3) {
		fprintf(stderr, "usage: %s HOST:PORT COMMUNITY [ROOT_OID]\n", argv[0]);
		return 2;
	}
	setenv("MIBS", "", 1);
	setenv("MIBDIRS", "/dev/null", 1);
	init_snmp("agent-poll");
	if (!read_objid(argc > 3 ? argv[3] : "1.3.6.1.4.1.9.9.171", root, &rootlen)) {
		fprintf(stderr, "bad root OID\n");
		return 2;
	}
	for (size_t c = 0; c < NCOLS; c++) {
		memcpy(base[c], root, rootlen * sizeof(oid));
		memcpy(base[c] + rootlen, cols[c].t, 3 * sizeof(oid));
		base[c][rootlen + 3] = 1;
		base[c][rootlen + 4] = cols[c].col;
	}
	blen = rootlen + 5;

	snmp_sess_init(&s);
	s.peername = argv[1];
	s.version = SNMP_VERSION_2c;
	s.community = (u_char *)argv[2];
	s.community_len = strlen(argv[2]);
	s.timeout = 5000000;
	s.retries = 0;
	if ((ss = snmp_open(&s)) == NULL) {
		snmp_sess_perror("agent-poll", &s);
		return 1;
	}
	t0 = now();
	for (;;) {
		netsnmp_pdu *req = snmp_pdu_create(SNMP_MSG_GETBULK), *resp = NULL;
		netsnmp_variable_list *v;
		int done = 0, n = 0;

		req->non_repeaters = 0;
		req->max_repetitions = MAXREP;
		for (size_t c = 0; c < NCOLS; c++) {
			oid o[MAX_OID_LEN];
			size_t len = blen;

			memcpy(o, base[c], blen * sizeof(oid));
			if (last)
				o[len++] = last;
			snmp_add_null_var(req, o, len);
		}
		if (snmp_synch_response(ss, req, &resp) != STAT_SUCCESS || resp == NULL ||
		    resp->errstat != SNMP_ERR_NOERROR) {
			fprintf(stderr, "agent-poll: request failed after %ld rows\n", rows);
			if (resp)
				snmp_free_pdu(resp);
			return 1;
		}
		pdus++;
		/* Repetitions come as rows of NCOLS varbinds, the first column
		 * leading. snmpd may cut the answer short (maxGetbulkResponses,
		 * 100 varbinds by default): only whole rows count, the next PDU
		 * goes on from the last of them. */
		for (v = resp->variables; v; v = v->next_variable)
			n++;
		n -= n % NCOLS;
		v = resp->variables;
		for (int i = 0; i < n; i += NCOLS) {
			if (v->name_length != blen + 1 ||
			    snmp_oid_compare(v->name, blen, base[0], blen) != 0) {
				done = 1;
				break;
			}
			last = v->name[blen];
			rows++;
			for (size_t k = 0; k < NCOLS && v; k++)
				v = v->next_variable;
		}
		snmp_free_pdu(resp);
		if (done || n == 0)
			break;
	}
	printf("%ld rows %ld pdus %.3f s\n", rows, pdus, now() - t0);
	snmp_close(ss);
	return 0;
}
