/* The AgentX subagent: registration of CISCO-IPSEC-FLOW-MONITOR-MIB, the
 * request handlers over the rows of flowmib.c, SETs, and the glue that runs
 * Net-SNMP inside the daemon's epoll loop (no SIGALRM, no blocking). */
#include "config.h"

#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>

#include "agent/agent.h"
#include "agent/agent_int.h"
#include "agent/flowmib.h"
#include <net-snmp/library/large_fd_set.h>
#include "common/log.h"
#include "common/loop.h"
#include "state/state.h"

#define AGENT_NAME	"ikeflowd"
#define AGENT_MAXFD	16
/* State changes rebuild the tables at most this often (ms). */
#define AGENT_DIRTY_MS	1000
/* A rebuild in steps takes at most this much of a loop turn: the tables of
 * 10,000 tunnels built at once held keying and the web server for half a
 * second in the bench's guest (bench/web-bed.md). */
#define AGENT_STEP_US	5000

static struct {
	int		running;
	int		prep_added;
	int		subscribed;
	int		dirty;
	uint64_t	last_refresh;
	unsigned	share;		/* agent_set_rebuild_share */
	int		fds[AGENT_MAXFD];
	int		nfds;
	netsnmp_handler_registration *regs[FM_T_COUNT + 8];
	int		nregs;
	/* not freed with their handlers: ours to free at shutdown */
	netsnmp_table_registration_info *tinfo[FM_T_COUNT];
	netsnmp_container *conts[FM_T_COUNT];
	int		ntables;
	int		rearm;		/* a session was opened since the last sync */
	/* Net-SNMP's bookkeeping (alarms, timeouts, its descriptor set) reads
	 * the clock several times a call; it only runs when a descriptor was
	 * read, a session changed or its next deadline is due. */
	int		need_select;
	int		have_deadline;
	uint64_t	deadline;	/* loop_now_ms() of Net-SNMP's next alarm */
	int		master_missing;	/* the last connect attempt failed (logged) */
	int		started_once;
	int		(*ike_destroy)(uint32_t);
	int		(*child_destroy)(uint32_t);
} ag = { .share = AGENT_REBUILD_SHARE };

/* cipSecTrapCntl*: enabled(1) / disabled(2), disabled by default. */
int agent_trap_cntl[AGENT_NTRAPS] = { 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2 };

static const oid fm_root[] = { FM_ROOT };

void
agent_set_destroy_handlers(int (*ike_destroy)(uint32_t), int (*child_destroy)(uint32_t))
{
	ag.ike_destroy = ike_destroy;
	ag.child_destroy = child_destroy;
}

int
agent_running(void)
{
	return ag.running;
}

/* ---- values ---- */

void
agent_set_num(netsnmp_variable_list *vb, int kind, uint64_t v)
{
	long l;
	u_long u;
	struct counter64 c64;

	switch (kind) {
	case FM_INT:
		l = (long)(int32_t)(v > 2147483647 ? 2147483647 : v);
		snmp_set_var_typed_value(vb, ASN_INTEGER, &l, sizeof(l));
		break;
	case FM_GAUGE:
		u = v > 0xffffffff ? 0xffffffff : v;
		snmp_set_var_typed_value(vb, ASN_GAUGE, &u, sizeof(u));
		break;
	case FM_UNS:
		u = v & 0xffffffff;
		snmp_set_var_typed_value(vb, ASN_UNSIGNED, &u, sizeof(u));
		break;
	case FM_TICKS:
		u = v & 0xffffffff;
		snmp_set_var_typed_value(vb, ASN_TIMETICKS, &u, sizeof(u));
		break;
	case FM_C32:
		u = v & 0xffffffff;
		snmp_set_var_typed_value(vb, ASN_COUNTER, &u, sizeof(u));
		break;
	case FM_WRAP:
		u = v >> 32;
		snmp_set_var_typed_value(vb, ASN_COUNTER, &u, sizeof(u));
		break;
	case FM_C64:
		c64.high = v >> 32;
		c64.low = v & 0xffffffff;
		snmp_set_var_typed_value(vb, ASN_COUNTER64, &c64, sizeof(c64));
		break;
	}
}

void
agent_set_addr(netsnmp_variable_list *vb, const struct ifl_addr *a)
{
	static const u_char zero[4];
	size_t n = addr_len(a);

	/* IPSIpAddress is 4 or 16 octets: an unknown address reads 0.0.0.0 */
	if (n == 0)
		snmp_set_var_typed_value(vb, ASN_OCTET_STR, zero, sizeof(zero));
	else
		snmp_set_var_typed_value(vb, ASN_OCTET_STR, a->u.raw, n);
}

void
agent_set_field(netsnmp_variable_list *vb, int kind, const void *field)
{
	uint64_t v;

	if (kind == FM_ADDR) {
		agent_set_addr(vb, field);
	} else if (kind == FM_STR) {
		const char *s = *(char *const *)field;

		if (s == NULL)
			s = "";
		snmp_set_var_typed_value(vb, ASN_OCTET_STR, s, strlen(s));
	} else {
		memcpy(&v, field, sizeof(v));
		agent_set_num(vb, kind, v);
	}
}

/* ---- SET checks shared by scalars and the status columns ---- */

static int
check_int(netsnmp_variable_list *vb, long lo, long hi)
{
	int rc = netsnmp_check_vb_type_and_size(vb, ASN_INTEGER, sizeof(long));

	if (rc != SNMP_ERR_NOERROR)
		return rc;
	if (*vb->val.integer < lo || *vb->val.integer > hi)
		return SNMP_ERR_WRONGVALUE;
	return SNMP_ERR_NOERROR;
}

static void
mark_dirty(void)
{
	ag.dirty = 1;
}

void
agent_set_rebuild_share(unsigned share)
{
	ag.share = share;
}

/* The least time between the starts of two rebuilds (ms): share times
 * the last one's cost; for the state's changes at least AGENT_DIRTY_MS. */
static uint64_t
rebuild_gap_ms(int dirty)
{
	uint64_t g = fm_refresh_cost_us() * ag.share / 1000;

	return dirty && g < AGENT_DIRTY_MS ? AGENT_DIRTY_MS : g;
}

/* ---- tables ---- */

/*
 * A SET's phases (TestSet, CommitSet, UndoSet, CleanupSet) are separate
 * AgentX PDUs and the loop runs between them: a table rebuild in between
 * frees the rows.  Net-SNMP's container helper caches the row it found in
 * the first phase for the later ones, so that pointer is never used here:
 * a SET acts on the index in the request's OID, and each phase resolves it
 * again against what is current.
 */
static int
tun_status_set(struct fm_table *t, int mode, netsnmp_variable_list *vb, uint32_t idx)
{
	oid o = idx;
	int rc;

	switch (mode) {
	case MODE_SET_RESERVE1:
		if (idx == 0 || fm_find(t, &o, 1) == NULL)
			return SNMP_ERR_NOCREATION;
		if ((rc = check_int(vb, 1, 2)) != SNMP_ERR_NOERROR)
			return rc;
		return SNMP_ERR_NOERROR;
	case MODE_SET_ACTION:
		if (*vb->val.integer != 2)
			return SNMP_ERR_NOERROR;	/* active(1): nothing to do */
		if (t == &fm_tables[FM_T_IKE_TUN])
			rc = ag.ike_destroy ? ag.ike_destroy(idx) : -1;
		else
			rc = ag.child_destroy ? ag.child_destroy(idx) : -1;
		if (rc < 0) {
			log_warnx("agent: %s %u: destroy refused (no such tunnel now)",
			    t->name, idx);
			return SNMP_ERR_GENERR;
		}
		log_info("agent: %s %u: destroy requested over SNMP", t->name, idx);
		mark_dirty();
		return SNMP_ERR_NOERROR;
	default:
		return SNMP_ERR_NOERROR;
	}
}

/* The single Integer32 index of the writable tables, from the request's
 * OID as parsed in this phase; 0 when it is not one. */
static uint32_t
request_index(const netsnmp_table_request_info *ti)
{
	const netsnmp_variable_list *v = ti->indexes;

	if (v == NULL || v->next_variable != NULL || v->type != ASN_INTEGER ||
	    v->val.integer == NULL || *v->val.integer <= 0 ||
	    *v->val.integer > 2147483647)
		return 0;
	return (uint32_t)*v->val.integer;
}

static int
table_handler(netsnmp_mib_handler *handler, netsnmp_handler_registration *reg,
    netsnmp_agent_request_info *reqinfo, netsnmp_request_info *requests)
{
	struct fm_table *t = reg->my_reg_void;
	unsigned status_col = t == &fm_tables[FM_T_IKE_TUN] ? 35 :
	    t == &fm_tables[FM_T_IPSEC_TUN] ? 51 : 0;

	(void)handler;
	for (netsnmp_request_info *req = requests; req; req = req->next) {
		netsnmp_table_request_info *ti;
		const struct fm_col *c;
		void *row;
		int rc;

		struct fm_key *key;

		if (req->processed)
			continue;
		ti = netsnmp_extract_table_info(req);
		if (ti == NULL)
			continue;
		if (MODE_IS_SET(reqinfo->mode)) {
			/* never the helper's cached row: see tun_status_set() */
			if (ti->colnum != status_col || status_col == 0)
				rc = reqinfo->mode == MODE_SET_RESERVE1 ?
				    SNMP_ERR_NOTWRITABLE : SNMP_ERR_NOERROR;
			else
				rc = tun_status_set(t, reqinfo->mode, req->requestvb,
				    request_index(ti));
			if (rc != SNMP_ERR_NOERROR)
				netsnmp_set_request_error(reqinfo, req, rc);
			continue;
		}
		if (reqinfo->mode != MODE_GET)
			continue;
		/* looked up in this same pass: the rows cannot change under it */
		key = netsnmp_container_table_row_extract(req);
		row = key != NULL ? key->row : NULL;
		if (row == NULL) {
			netsnmp_set_request_error(reqinfo, req, SNMP_NOSUCHINSTANCE);
			continue;
		}
		if ((c = fm_col_find(t, ti->colnum)) == NULL) {
			netsnmp_set_request_error(reqinfo, req, SNMP_NOSUCHOBJECT);
			continue;
		}
		if (t == &fm_tables[FM_T_IPSEC_TUN])
			fm_tun_follow(row);
		agent_set_field(req->requestvb, c->kind, (const char *)row + c->off);
	}
	return SNMP_ERR_NOERROR;
}

/* First in the chain of the registrations that serve kernel counters
 * (cipSecTunnelTable, cipSecGlobalStats): a request is answered with
 * counters at most ST_COUNTERS_AGENT_MS old. The table helper above this
 * handler has already turned a GETNEXT (a walk's step, a GETBULK round)
 * into a GET of the row it goes to, so every read of cipSecTunnelTable
 * comes here as a GET of known rows: those tunnels' SAs are read from the
 * kernel alone when the counters are old (st_counters_fresh_for), not
 * every SA at once, a loop turn that grows with the SAs (most of a second
 * at 10,000 tunnels in a slow guest). A walk reads ahead: a row that
 * follows the last rows read starts a read of the READ_AHEAD rows from it
 * at once, which the next rounds answer from; and once a walk has read
 * ROWS_BEFORE_FOLD rows since the last fold a fold in steps is started
 * (st_counters_kick), after which every counter is fresh and nothing is
 * read. Other registrations fold at once; a fold changes counters in place,
 * no row comes or goes, so the containers and a walk in progress stay as
 * they are. */
#define GET_ROWS_MAX	64	/* tunnels a GET may read alone */
#define READ_AHEAD	32	/* rows a walk reads at once */
#define ROWS_BEFORE_FOLD 256

static struct {
	uint32_t	index[READ_AHEAD];	/* the last rows read, in order */
	size_t		n;
	uint64_t	gen;	/* st_counters_generation() after that read */
	uint64_t	at_ms;	/* and when */
	uint64_t	rows;	/* rows read since the fold ... */
	uint64_t	folds;	/* ... this count of folds was seen */
} rows_read;

/* the row was among the last read, not longer ago than a reader may see,
 * and nothing was read or folded since (the generation moves with every
 * fold and read) */
static int
rows_read_has(uint32_t index)
{
	uint64_t now = st_now_ms();

	if (rows_read.n == 0 || rows_read.gen != st_counters_generation() ||
	    now < rows_read.at_ms || now - rows_read.at_ms > ST_COUNTERS_AGENT_MS)
		return 0;
	for (size_t i = 0; i < rows_read.n; i++)
		if (rows_read.index[i] == index)
			return 1;
	return 0;
}

/* the row comes right after the last rows read: a walk goes on */
static int
rows_read_next(const struct st_child *ch)
{
	const struct st_child *last;

	return rows_read.n > 0 &&
	    (last = st_child_find(rows_read.index[rows_read.n - 1])) != NULL &&
	    st_child_next(last->index) == ch;
}

static void
rows_read_note(const struct st_child *const *kids, size_t n)
{
	struct st_counters_stats cs;

	st_counters_stats(&cs);
	if (cs.folds != rows_read.folds) {
		rows_read.folds = cs.folds;
		rows_read.rows = 0;
	}
	rows_read.rows += n;
	rows_read.n = n < READ_AHEAD ? n : READ_AHEAD;
	for (size_t i = 0; i < rows_read.n; i++)
		rows_read.index[i] = kids[i]->index;
	rows_read.gen = st_counters_generation();
	rows_read.at_ms = st_now_ms();
}

/* 1 when the GET's tunnels have fresh counters (already, or read now); 0:
 * fold at once (not rows of known tunnels, too many, a read failed) */
static int
fresh_for_rows(netsnmp_handler_registration *reg, netsnmp_request_info *requests)
{
	const struct st_child *kids[GET_ROWS_MAX];
	size_t n = 0, len = reg->rootoid_len;

	/* a walk has read enough rows alone: a fold in steps takes over
	 * (counted against folds on demand); meanwhile rows are read still */
	if (rows_read.rows >= ROWS_BEFORE_FOLD && st_counters_kick(ST_COUNTERS_AGENT_MS) == 0)
		return 1;
	for (netsnmp_request_info *r = requests; r != NULL; r = r->next) {
		const oid *name = r->requestvb->name;
		const struct st_child *ch;

		/* table . entry(1) . column . cipSecTunIndex */
		if (r->requestvb->name_length != len + 3 || name[len] != 1 ||
		    name[len + 2] > UINT32_MAX)
			return 0;
		/* no such tunnel: the tables answer noSuchInstance */
		if ((ch = st_child_find((uint32_t)name[len + 2])) == NULL ||
		    (n > 0 && kids[n - 1] == ch) || rows_read_has(ch->index))
			continue;
		if (n == GET_ROWS_MAX)
			return 0;
		kids[n++] = ch;
	}
	if (n == 0)
		return 1;
	/* one row (a walk's round asks for the columns of one), the one
	 * after the last read: it and the ones after it */
	if (n == 1 && rows_read_next(kids[0]))
		for (const struct st_child *ch = st_child_next(kids[0]->index);
		    ch != NULL && n < READ_AHEAD; ch = st_child_next(ch->index))
			kids[n++] = ch;
	if (st_counters_fresh_for(kids, n, ST_COUNTERS_AGENT_MS) != 0)
		return 0;
	rows_read_note(kids, n);
	return 1;
}

static int
fresh_handler(netsnmp_mib_handler *handler, netsnmp_handler_registration *reg,
    netsnmp_agent_request_info *reqinfo, netsnmp_request_info *requests)
{
	if (!MODE_IS_SET(reqinfo->mode)) {
		if (reqinfo->mode != MODE_GET ||
		    reg->my_reg_void != &fm_tables[FM_T_IPSEC_TUN] ||
		    !fresh_for_rows(reg, requests))
			(void)st_counters_fresh(ST_COUNTERS_AGENT_MS);
		fm_counters_mark();
	}
	return netsnmp_call_next_handler(handler, reg, reqinfo, requests);
}

static int
inject_fresh(netsnmp_handler_registration *reg)
{
	netsnmp_mib_handler *h = netsnmp_create_handler("ikeflow_fresh", fresh_handler);

	if (h == NULL || netsnmp_inject_handler(reg, h) != SNMPERR_SUCCESS) {
		log_err("%s: %s: out of memory", __func__, reg->handlerName);
		if (h != NULL)
			netsnmp_handler_free(h);
		return -1;
	}
	return 0;
}

static int
register_table(struct fm_table *t)
{
	netsnmp_handler_registration *reg;
	netsnmp_table_registration_info *ti;
	netsnmp_container *c;
	int writable = t == &fm_tables[FM_T_IKE_TUN] || t == &fm_tables[FM_T_IPSEC_TUN];

	/* registered at the table: the helper adds the Entry's .1 */
	reg = netsnmp_create_handler_registration(t->name, table_handler, t->entry,
	    t->entry_len - 1, writable ? HANDLER_CAN_RWRITE : HANDLER_CAN_RONLY);
	ti = SNMP_MALLOC_TYPEDEF(netsnmp_table_registration_info);
	c = netsnmp_container_find("table_container");
	if (reg == NULL || ti == NULL || c == NULL) {
		log_err("%s: %s: out of memory", __func__, t->name);
		free(ti);
		if (c != NULL)
			CONTAINER_FREE(c);
		if (reg != NULL)
			netsnmp_handler_registration_free(reg);
		return -1;
	}
	reg->my_reg_void = t;
	for (size_t i = 0; i < t->nidx; i++)
		netsnmp_table_helper_add_index(ti, t->idx_types[i]);
	ti->min_column = t->min_col;
	ti->max_column = t->max_col;
	if (t == &fm_tables[FM_T_IPSEC_TUN] && inject_fresh(reg) < 0) {
		free(ti);
		CONTAINER_FREE(c);
		netsnmp_handler_registration_free(reg);
		return -1;
	}
	if (netsnmp_container_table_register(reg, ti, c, TABLE_CONTAINER_KEY_NETSNMP_INDEX) !=
	    MIB_REGISTERED_OK) {
		log_err("%s: %s: registration failed", __func__, t->name);
		CONTAINER_FREE(c);
		return -1;
	}
	t->c = c;
	ag.tinfo[ag.ntables] = ti;
	ag.conts[ag.ntables++] = c;
	ag.regs[ag.nregs++] = reg;
	return 0;
}

/* ---- scalars ---- */

enum scalar_group {
	SG_LEVEL = 1, SG_IKE_GLOBAL, SG_IPSEC_GLOBAL, SG_HIST_CNTL, SG_FAIL_CNTL, SG_TRAP_CNTL,
};

static int
scalar_get(int group, oid sub, netsnmp_variable_list *vb)
{
	switch (group) {
	case SG_LEVEL:
		agent_set_num(vb, FM_INT, 1);
		return 0;
	case SG_IKE_GLOBAL:
		if (sub < 1 || sub > FM_IKE_GLOBAL_N)
			return -1;
		agent_set_field(vb, fm_ike_global_scalars[sub - 1].kind,
		    (const char *)&fm_g + fm_ike_global_scalars[sub - 1].off);
		return 0;
	case SG_IPSEC_GLOBAL:
		if (sub < 1 || sub > FM_IPSEC_GLOBAL_N)
			return -1;
		agent_set_field(vb, fm_ipsec_global_scalars[sub - 1].kind,
		    (const char *)&fm_g + fm_ipsec_global_scalars[sub - 1].off);
		return 0;
	case SG_HIST_CNTL:
		agent_set_num(vb, FM_INT, sub == 1 ? st_hist_size() : 1);	/* ready(1) */
		return 0;
	case SG_FAIL_CNTL:
		agent_set_num(vb, FM_INT, st_fail_size());
		return 0;
	case SG_TRAP_CNTL:
		if (sub < 1 || sub > AGENT_NTRAPS)
			return -1;
		agent_set_num(vb, FM_INT, (uint64_t)agent_trap_cntl[sub - 1]);
		return 0;
	}
	return -1;
}

static int
scalar_set(int group, oid sub, int mode, netsnmp_variable_list *vb)
{
	long v;

	if (group != SG_HIST_CNTL && group != SG_FAIL_CNTL && group != SG_TRAP_CNTL)
		return mode == MODE_SET_RESERVE1 ? SNMP_ERR_NOTWRITABLE : SNMP_ERR_NOERROR;
	if (mode == MODE_SET_RESERVE1) {
		if (group == SG_TRAP_CNTL || (group == SG_HIST_CNTL && sub == 2))
			return check_int(vb, 1, 2);
		return check_int(vb, 1, AGENT_TABLE_SIZE_MAX);
	}
	if (mode != MODE_SET_COMMIT)
		return SNMP_ERR_NOERROR;
	v = *vb->val.integer;
	switch (group) {
	case SG_HIST_CNTL:
		if (sub == 1)
			st_set_hist_size((uint32_t)v);
		else if (v == 2)
			st_checkpoint();
		break;
	case SG_FAIL_CNTL:
		st_set_fail_size((uint32_t)v);
		break;
	case SG_TRAP_CNTL:
		agent_trap_cntl[sub - 1] = (int)v;
		break;
	}
	mark_dirty();
	return SNMP_ERR_NOERROR;
}

static int
scalar_handler(netsnmp_mib_handler *handler, netsnmp_handler_registration *reg,
    netsnmp_agent_request_info *reqinfo, netsnmp_request_info *requests)
{
	int group = (int)(intptr_t)reg->my_reg_void;

	(void)handler;
	for (netsnmp_request_info *req = requests; req; req = req->next) {
		netsnmp_variable_list *vb = req->requestvb;
		oid sub;
		int rc;

		/* The scalar group helper hands down rootoid = group.subid.0 */
		if (req->processed || reg->rootoid_len < 2 || vb->name_length < reg->rootoid_len)
			continue;
		sub = vb->name[reg->rootoid_len - 2];
		if (MODE_IS_SET(reqinfo->mode)) {
			if ((rc = scalar_set(group, sub, reqinfo->mode, vb)) != SNMP_ERR_NOERROR)
				netsnmp_set_request_error(reqinfo, req, rc);
		} else if (reqinfo->mode == MODE_GET && scalar_get(group, sub, vb) < 0)
			netsnmp_set_request_error(reqinfo, req, SNMP_NOSUCHOBJECT);
	}
	return SNMP_ERR_NOERROR;
}

static int
register_scalars(const char *name, int group, const oid *sub, size_t sublen, oid last)
{
	oid o[MAX_OID_LEN];
	netsnmp_handler_registration *reg;

	memcpy(o, fm_root, sizeof(fm_root));
	memcpy(o + FM_ROOT_LEN, sub, sublen * sizeof(oid));
	reg = netsnmp_create_handler_registration(name, scalar_handler, o, FM_ROOT_LEN + sublen,
	    group >= SG_HIST_CNTL ? HANDLER_CAN_RWRITE : HANDLER_CAN_RONLY);
	if (reg == NULL)
		return -1;
	reg->my_reg_void = (void *)(intptr_t)group;
	if (group == SG_IPSEC_GLOBAL && inject_fresh(reg) < 0) {
		netsnmp_handler_registration_free(reg);
		return -1;
	}
	if (netsnmp_register_scalar_group(reg, 1, last) != SNMPERR_SUCCESS) {
		log_err("%s: %s: registration failed", __func__, name);
		return -1;
	}
	ag.regs[ag.nregs++] = reg;
	return 0;
}

static int
flowmib_register(void)
{
	static const oid level[] = { 1, 1 }, ike_g[] = { 1, 2, 1 }, ipsec_g[] = { 1, 3, 1 },
	    hist[] = { 1, 4, 1, 1 }, fail[] = { 1, 5, 1, 1 }, traps[] = { 1, 6 };

	if (register_scalars("cipSecLevels", SG_LEVEL, level, 2, 1) < 0 ||
	    register_scalars("cikeGlobalStats", SG_IKE_GLOBAL, ike_g, 3, FM_IKE_GLOBAL_N) < 0 ||
	    register_scalars("cipSecGlobalStats", SG_IPSEC_GLOBAL, ipsec_g, 3,
	    FM_IPSEC_GLOBAL_N) < 0 ||
	    register_scalars("cipSecHistGlobalCntl", SG_HIST_CNTL, hist, 4, 2) < 0 ||
	    register_scalars("cipSecFailGlobalCntl", SG_FAIL_CNTL, fail, 4, 1) < 0 ||
	    register_scalars("cipSecTrapCntl", SG_TRAP_CNTL, traps, 2, AGENT_NTRAPS) < 0)
		return -1;
	for (int i = 0; i < FM_T_COUNT; i++)
		if (register_table(&fm_tables[i]) < 0)
			return -1;
	return 0;
}

/* ---- event loop glue ---- */

/* Net-SNMP passes a request from the AgentX session to the agent, and the
 * answer back, through pipes of its own (its callback transport): each
 * hand-over a wake-up, three turns of the loop a PDU, each with its clock
 * reads, hooks and select bookkeeping (a third of ikeflowd's CPU in the
 * soak's guest, where every clock read is a system call). What became
 * readable meanwhile is read in the same turn, at most this many rounds
 * (the next PDUs of a walk included) and for at most AGENT_CHAIN_US: a
 * walk's PDUs come back to back, and sixteen rounds of them held the loop
 * 40-50 ms of CPU (200 ms and more of wall time) in the one-CPU guest of
 * the 2,000-tunnel ramp, with keying waiting. What is left is readable
 * still, and the next turn goes on after whatever else was ready. */
#define AGENT_CHAIN_ROUNDS	16
#define AGENT_CHAIN_US		5000

/* One descriptor, known readable: Net-SNMP reads its pipes with a
 * blocking read of one byte, and what it does for one descriptor may
 * empty another's pipe, so each is read alone and only just after poll
 * found it readable. */
static void
agent_read_fd(int fd)
{
	netsnmp_large_fd_set set;

	netsnmp_large_fd_set_init(&set, fd + 1);
	NETSNMP_LARGE_FD_SET(fd, &set);
	snmp_read2(&set);
	netsnmp_large_fd_set_cleanup(&set);
	netsnmp_check_outstanding_agent_requests();
}

static void
agent_fd_cb(int fd, uint32_t events, void *arg)
{
	uint64_t start = loop_now_us();

	(void)events;
	(void)arg;
	if (!ag.running)
		return;
	/* fd was readable at the wait; an earlier handler of this turn may
	 * have read it since: what is read is what poll finds readable now */
	(void)fd;
	for (int round = 0; round < AGENT_CHAIN_ROUNDS && ag.running; round++) {
		struct pollfd p[AGENT_MAXFD];
		int next = -1;

		if (round > 0 && loop_now_us() - start >= AGENT_CHAIN_US)
			break;
		for (int i = 0; i < ag.nfds; i++)
			p[i] = (struct pollfd){ .fd = ag.fds[i], .events = POLLIN };
		if (poll(p, (nfds_t)ag.nfds, 0) <= 0)
			break;
		/* (a descriptor Net-SNMP closed meanwhile is POLLNVAL: left) */
		for (int i = 0; i < ag.nfds && next < 0; i++)
			if (p[i].revents & (POLLIN | POLLHUP | POLLERR))
				next = p[i].fd;
		if (next < 0)
			break;
		agent_read_fd(next);
	}
	ag.need_select = 1;
}

void
agent_kick(void)
{
	ag.need_select = 1;
}

static int
fd_tracked(int fd)
{
	for (int i = 0; i < ag.nfds; i++)
		if (ag.fds[i] == fd)
			return i;
	return -1;
}

/* Makes the loop watch exactly Net-SNMP's descriptors (the set of a
 * snmp_select_info2 just made). A closed descriptor leaves the set before a
 * reconnect can reuse its number; as a second line, after a new session
 * (rearm) the tracked ones are registered again, so one that was closed and
 * reopened under the same number behind our back is back in epoll. */
static void
agent_sync_fds(netsnmp_large_fd_set *set, int n, int rearm)
{
	for (int i = 0; i < ag.nfds; i++) {
		int fd = ag.fds[i];

		if (fd < n && NETSNMP_LARGE_FD_ISSET(fd, set))
			continue;
		loop_fd_del(fd);
		ag.fds[i--] = ag.fds[--ag.nfds];
	}
	for (int fd = 0; fd < n; fd++) {
		int k;

		if (!NETSNMP_LARGE_FD_ISSET(fd, set))
			continue;
		if ((k = fd_tracked(fd)) >= 0) {
			if (!rearm || loop_fd_mod(fd, EPOLLIN) == 0)
				continue;
			loop_fd_del(fd);
			ag.fds[k] = ag.fds[--ag.nfds];
		}
		if (ag.nfds == AGENT_MAXFD || loop_fd_add(fd, EPOLLIN, agent_fd_cb, NULL) < 0) {
			log_warnx("agent: cannot watch descriptor %d", fd);
			continue;
		}
		loop_fd_name(fd, "AgentX");
		ag.fds[ag.nfds++] = fd;
	}
}

static int
agent_prepare(void *arg)
{
	netsnmp_large_fd_set set;
	struct timeval tv = { 0, 0 };
	int n = 0, block = 1, wait;
	uint64_t now;

	(void)arg;
	if (!ag.running)
		return -1;
	now = loop_now_ms();
	if (ag.dirty && !fm_refresh_running() && now - ag.last_refresh >= rebuild_gap_ms(1))
		agent_refresh_steps();
	if (fm_refresh_running() && fm_refresh_step(AGENT_STEP_US) < 0)
		mark_dirty();	/* out of memory: the old rows stay, try again */
	if (ag.have_deadline && now >= ag.deadline) {
		/* each only acts on what is due: ping, reconnect, request timeouts */
		run_alarms();
		snmp_timeout();
		netsnmp_check_outstanding_agent_requests();
		ag.need_select = 1;
	}
	if (ag.need_select || ag.rearm) {
		netsnmp_large_fd_set_init(&set, FD_SETSIZE);
		snmp_select_info2(&n, &set, &tv, &block);
		agent_sync_fds(&set, n, ag.rearm);
		ag.rearm = 0;
		ag.need_select = 0;
		netsnmp_large_fd_set_cleanup(&set);
		ag.have_deadline = !block;
		/* rounded up: waking before the alarm is due would only spin */
		ag.deadline = now + (uint64_t)tv.tv_sec * 1000 +
		    ((uint64_t)tv.tv_usec + 999) / 1000;
	}
	wait = -1;
	if (ag.have_deadline)
		wait = ag.deadline > now ? (int)(ag.deadline - now) : 0;
	if (fm_refresh_running())
		return 0;	/* the next step after whatever else is ready */
	if (ag.dirty) {
		uint64_t gap = rebuild_gap_ms(1), since = now - ag.last_refresh;
		uint64_t left = since < gap ? gap - since : 0;

		if (wait < 0 || (uint64_t)wait > left)
			wait = (int)left;
	}
	return wait;
}

static int
log_cb(int major, int minor, void *serverarg, void *clientarg)
{
	const struct snmp_log_message *m = serverarg;
	size_t len;
	int prio;

	(void)major;
	(void)minor;
	(void)clientarg;
	if (m == NULL || m->msg == NULL)
		return 0;
	len = strlen(m->msg);
	while (len > 0 && (m->msg[len - 1] == '\n' || m->msg[len - 1] == '\r'))
		len--;
	prio = m->priority;
	if (prio < LOG_ERR)
		prio = LOG_ERR;
	/* Without snmpd every retry fails alike: say it once per outage. */
	if (strstr(m->msg, "Failed to connect to the agentx master") != NULL) {
		if (ag.master_missing)
			prio = LOG_DEBUG;
		ag.master_missing = 1;
	} else if (strstr(m->msg, "subagent connected") != NULL)
		ag.master_missing = 0;
	log_msg(prio, "snmp: %.*s", (int)len, m->msg);
	return 0;
}

/* Pings must not hold the loop long when the master hangs. */
static int
session_init_cb(int major, int minor, void *serverarg, void *clientarg)
{
	netsnmp_session *s = serverarg;

	(void)major;
	(void)minor;
	(void)clientarg;
	if (s != NULL) {
		/* a master busy serving another subagent must not look dead */
		s->timeout = ONE_SEC;
		s->retries = 0;
	}
	ag.rearm = 1;
	return 0;
}

void
agent_refresh(void)
{
	if (fm_refresh() == 0)
		ag.dirty = 0;
	ag.last_refresh = loop_now_ms();
}

/* A state event during the build marks the tables dirty again: the walk
 * may have passed the row it changed. */
void
agent_refresh_steps(void)
{
	uint64_t now = loop_now_ms();

	/* too soon after the last one: the prepare hook starts it when due */
	if (ag.last_refresh != 0 && now - ag.last_refresh < rebuild_gap_ms(0)) {
		mark_dirty();
		return;
	}
	ag.last_refresh = now;
	if (fm_refresh_running())
		return;		/* the one under way reads the counters of now */
	if (fm_refresh_start() == 0)
		ag.dirty = 0;
}

static void
state_event(enum st_event ev, uint32_t index, const void *rec, void *arg)
{
	(void)arg;
	mark_dirty();
	if (ag.running)
		agent_trap_event(ev, index, rec);
}

int
agent_init(const char *agentx_socket, int ping_interval_s)
{
	if (ag.running)
		return 0;
	/* Net-SNMP does not come back whole from snmp_shutdown in one process:
	 * registrations made after a second init_agent never reach the master. */
	if (ag.started_once) {
		log_warnx("agent: the SNMP subagent starts again only with ikeflowd");
		return -1;
	}
	ag.started_once = 1;
	/* No MIB files: every OID is numeric here, and Debian ships no IETF MIBs. */
	setenv("MIBS", "", 1);
	setenv("MIBDIRS", "/dev/null", 1);
	snmp_disable_log();
	snmp_enable_calllog();
	snmp_register_callback(SNMP_CALLBACK_LIBRARY, SNMP_CALLBACK_LOGGING, log_cb, NULL);
	snmp_register_callback(SNMP_CALLBACK_LIBRARY, SNMP_CALLBACK_SESSION_INIT,
	    session_init_cb, NULL);
	netsnmp_ds_set_boolean(NETSNMP_DS_APPLICATION_ID, NETSNMP_DS_AGENT_ROLE, 1);
	netsnmp_ds_set_boolean(NETSNMP_DS_LIBRARY_ID, NETSNMP_DS_LIB_DONT_PERSIST_STATE, 1);
	netsnmp_ds_set_boolean(NETSNMP_DS_LIBRARY_ID, NETSNMP_DS_LIB_DISABLE_PERSISTENT_LOAD, 1);
	netsnmp_ds_set_boolean(NETSNMP_DS_LIBRARY_ID, NETSNMP_DS_LIB_DISABLE_PERSISTENT_SAVE, 1);
	netsnmp_ds_set_boolean(NETSNMP_DS_LIBRARY_ID, NETSNMP_DS_LIB_ALARM_DONT_USE_SIG, 1);
	if (agentx_socket != NULL && agentx_socket[0] != '\0')
		netsnmp_ds_set_string(NETSNMP_DS_APPLICATION_ID, NETSNMP_DS_AGENT_X_SOCKET,
		    agentx_socket);
	if (init_agent(AGENT_NAME) != 0) {
		log_err("%s: init_agent failed", __func__);
		return -1;
	}
	/* init_agent resets the ping interval to 15 s for subagents. */
	netsnmp_ds_set_int(NETSNMP_DS_APPLICATION_ID, NETSNMP_DS_AGENT_AGENTX_PING_INTERVAL,
	    ping_interval_s > 0 ? ping_interval_s : 5);

	fm_init();
	ag.nregs = ag.ntables = 0;
	if (flowmib_register() < 0) {
		snmp_shutdown(AGENT_NAME);
		return -1;
	}
	fm_refresh();		/* fills the containers just made */
	init_snmp(AGENT_NAME);
	agent_register_sysor();
	ag.running = 1;
	ag.need_select = 1;
	ag.last_refresh = loop_now_ms();
	if (!ag.prep_added) {
		if (loop_prepare_add(agent_prepare, NULL) < 0) {
			log_err("%s: no room for the loop hook", __func__);
			agent_shutdown();
			return -1;
		}
		loop_prepare_name(agent_prepare, "AgentX");
		ag.prep_added = 1;
	}
	if (!ag.subscribed && st_subscribe(state_event, NULL) == 0)
		ag.subscribed = 1;
	log_info("agent: AgentX subagent for CISCO-IPSEC-FLOW-MONITOR-MIB started (master %s)",
	    agentx_socket && agentx_socket[0] ? agentx_socket : "default");
	return 0;
}

/* Net-SNMP's AgentX subagent: libnetsnmpagent exports these, no installed
 * header declares them. */
extern netsnmp_session *main_session;
void agentx_unregister_callbacks(netsnmp_session *ss);
#define AGENTX_MSG_CLOSE	2	/* RFC 2741 agentx-Close-PDU */
#define AGENTX_CLOSE_SHUTDOWN	5	/* its reason shutdown(5) */

/* Leaves the master before anything is unregistered. Net-SNMP would send
 * every OID and sysORTable unregistration, and then the Close, from inside
 * its callback lists, waiting for each answer; a master that goes away
 * meanwhile (both stopping at once) makes its disconnect handler remove the
 * AgentX callbacks from the very list being run: it waits on that list's
 * lock ("_callback_lock sleeps more than 100 milliseconds") and fails an
 * assertion. Here the callbacks go first, then the Close is sent without
 * waiting for its answer and the session closed: the master drops a closed
 * session's registrations itself, and a dead one cannot hold us up. */
static void
agent_leave_master(void)
{
	netsnmp_session *s = main_session;
	netsnmp_pdu *pdu;

	if (s == NULL)
		return;
	agentx_unregister_callbacks(s);
	if ((pdu = snmp_pdu_create(AGENTX_MSG_CLOSE)) != NULL) {
		pdu->time = 0;
		pdu->errstat = AGENTX_CLOSE_SHUTDOWN;
		pdu->sessid = s->sessid;
		if (snmp_send(s, pdu) == 0)
			snmp_free_pdu(pdu);
	}
	remove_trap_session(s);
	main_session = NULL;
	snmp_close(s);
}

void
agent_shutdown(void)
{
	if (!ag.running)
		return;
	ag.running = 0;
	agent_leave_master();
	agent_unregister_sysor();
	for (int i = 0; i < ag.nfds; i++)
		loop_fd_del(ag.fds[i]);
	ag.nfds = 0;
	/* The rows belong to flowmib.c: empty the containers before their
	 * handlers (which own them) go. */
	for (int i = 0; i < FM_T_COUNT; i++)
		if (fm_tables[i].c != NULL)
			CONTAINER_CLEAR(fm_tables[i].c, NULL, NULL);
	for (int i = 0; i < ag.nregs; i++)
		netsnmp_unregister_handler(ag.regs[i]);
	ag.nregs = 0;
	for (int i = 0; i < ag.ntables; i++) {
		CONTAINER_FREE(ag.conts[i]);
		netsnmp_table_registration_info_free(ag.tinfo[i]);
	}
	ag.ntables = 0;
	for (int i = 0; i < FM_T_COUNT; i++)
		fm_tables[i].c = NULL;
	snmp_shutdown(AGENT_NAME);
	shutdown_agent();
	fm_free();
	snmp_unregister_callback(SNMP_CALLBACK_LIBRARY, SNMP_CALLBACK_LOGGING, log_cb, NULL, 1);
	snmp_unregister_callback(SNMP_CALLBACK_LIBRARY, SNMP_CALLBACK_SESSION_INIT,
	    session_init_cb, NULL, 1);
}
