/* The floor for the agent benchmark: the plainest table_container subagent
 * with the shapes of cipSecTunnelTable and cikeTunnelTable (N rows, the same
 * column types), served under ROOT (default 1.3.6.1.4.1.8072.9999.171) with
 * precomputed values and a switch per column. No state model, no mapping:
 * what Net-SNMP and AgentX alone cost. IKE_ROWS (default ROWS) sets the
 * cikeTunnelTable's rows apart: 0 for the monitor-mode bench, whose
 * ikeflowd has no IKE SAs (no vici).
 *
 * usage: floor-agent AGENTX_SOCKET ROWS [ROOT_OID [IKE_ROWS]] */
#include <net-snmp/net-snmp-config.h>
#include <net-snmp/net-snmp-includes.h>
#include <net-snmp/agent/net-snmp-agent-includes.h>

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct row {
	netsnmp_index	nx;
	oid		ox[1];
	u_char		addr[4];
	char		id[16];
	u_long		n;
	struct counter64 c64;
};

static volatile sig_atomic_t stop;

static void
on_term(int sig)
{
	(void)sig;
	stop = 1;
}

static int
handler(netsnmp_mib_handler *h, netsnmp_handler_registration *reg,
    netsnmp_agent_request_info *ri, netsnmp_request_info *reqs)
{
	(void)h;
	(void)reg;
	if (ri->mode != MODE_GET)
		return SNMP_ERR_NOERROR;
	for (netsnmp_request_info *r = reqs; r; r = r->next) {
		struct row *row = netsnmp_container_table_row_extract(r);
		netsnmp_table_request_info *ti = netsnmp_extract_table_info(r);
		netsnmp_variable_list *vb = r->requestvb;
		long one = 1;

		if (row == NULL || ti == NULL) {
			netsnmp_set_request_error(ri, r, SNMP_NOSUCHINSTANCE);
			continue;
		}
		switch (ti->colnum) {
		case 4: case 5: case 8:
			snmp_set_var_typed_value(vb, ASN_OCTET_STR, row->addr, 4);
			break;
		case 3: case 7:
			snmp_set_var_typed_value(vb, ASN_OCTET_STR, row->id, strlen(row->id));
			break;
		case 27: case 40:
			snmp_set_var_typed_value(vb, ASN_COUNTER64, &row->c64, sizeof(row->c64));
			break;
		case 19: case 32: case 33: case 45: case 46:
			snmp_set_var_typed_value(vb, ASN_COUNTER, &row->n, sizeof(row->n));
			break;
		default:
			snmp_set_var_typed_value(vb, ASN_INTEGER, &one, sizeof(one));
			break;
		}
	}
	return SNMP_ERR_NOERROR;
}

static void
table(const char *name, const oid *root, size_t rootlen, const oid *sub, int maxcol,
    struct row *rows, int n)
{
	oid o[MAX_OID_LEN];
	netsnmp_handler_registration *reg;
	netsnmp_table_registration_info *ti = SNMP_MALLOC_TYPEDEF(netsnmp_table_registration_info);
	netsnmp_container *c = netsnmp_container_find("table_container");

	memcpy(o, root, rootlen * sizeof(oid));
	memcpy(o + rootlen, sub, 3 * sizeof(oid));
	reg = netsnmp_create_handler_registration(name, handler, o, rootlen + 3,
	    HANDLER_CAN_RONLY);
	netsnmp_table_helper_add_index(ti, ASN_INTEGER);
	ti->min_column = 2;
	ti->max_column = maxcol;
	netsnmp_container_table_register(reg, ti, c, TABLE_CONTAINER_KEY_NETSNMP_INDEX);
	for (int i = 0; i < n; i++)
		CONTAINER_INSERT(c, &rows[i]);
}

int
main(int argc, char **argv)
{
	static const oid ipsec[] = { 1, 3, 2 }, ike[] = { 1, 2, 3 };
	oid root[MAX_OID_LEN];
	size_t rootlen = MAX_OID_LEN;
	struct row *rows;
	int n, nike;

	if (argc < 3) {
		fprintf(stderr, "usage: %s AGENTX_SOCKET ROWS [ROOT_OID [IKE_ROWS]]\n",
		    argv[0]);
		return 2;
	}
	n = atoi(argv[2]);
	nike = argc > 4 ? atoi(argv[4]) : n;
	if (n < 0 || nike < 0 || nike > n) {
		fprintf(stderr, "%s: IKE_ROWS must be 0 to ROWS\n", argv[0]);
		return 2;
	}
	setenv("MIBS", "", 1);
	setenv("MIBDIRS", "/dev/null", 1);
	netsnmp_ds_set_boolean(NETSNMP_DS_APPLICATION_ID, NETSNMP_DS_AGENT_ROLE, 1);
	netsnmp_ds_set_boolean(NETSNMP_DS_LIBRARY_ID, NETSNMP_DS_LIB_DONT_PERSIST_STATE, 1);
	netsnmp_ds_set_string(NETSNMP_DS_APPLICATION_ID, NETSNMP_DS_AGENT_X_SOCKET, argv[1]);
	init_agent("floor-agent");
	if (!read_objid(argc > 3 ? argv[3] : "1.3.6.1.4.1.8072.9999.171", root, &rootlen))
		return 2;
	if ((rows = calloc(n, sizeof(*rows))) == NULL)
		return 1;
	for (int i = 0; i < n; i++) {
		rows[i].ox[0] = i + 1;
		rows[i].nx.oids = rows[i].ox;
		rows[i].nx.len = 1;
		memcpy(rows[i].addr, (u_char[]){ 172, 16, i >> 8 & 255, i & 255 }, 4);
		snprintf(rows[i].id, sizeof(rows[i].id), "172.16.%d.%d", i >> 8 & 255, i & 255);
		rows[i].n = 100;
		rows[i].c64.low = 10000;
	}
	table("floorIpsec", root, rootlen, ipsec, 51, rows, n);
	table("floorIke", root, rootlen, ike, 35, rows, nike);
	init_snmp("floor-agent");
	signal(SIGTERM, on_term);
	signal(SIGINT, on_term);
	printf("ready\n");
	fflush(stdout);
	while (!stop)
		agent_check_and_process(1);
	snmp_shutdown("floor-agent");
	free(rows);
	return 0;
}
