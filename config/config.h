/* Configuration: strongSwan's legacy ipsec.conf and ipsec.secrets, and the
 * daemon's own ikeflowd.conf.
 *
 * Loading builds a fresh, fully resolved struct ifl_config (every conn with
 * %default and also= folded in, defaults as strongSwan 5.9) or returns NULL
 * after logging each problem as "FILE:LINE: what is wrong". The caller swaps
 * the new config in only on success, so a bad file on SIGHUP leaves the
 * running configuration in force. config_free() wipes the secrets. */
#ifndef IKEFLOW_CONFIG_H
#define IKEFLOW_CONFIG_H

#include <stddef.h>
#include <stdint.h>

#include "common/addr.h"
#include "common/buf.h"
#include "common/xform_ids.h"

#define CFG_NAME_MAX		64	/* conn names (= ST_NAME_MAX) */
#define CFG_ID_MAX		256	/* identities as text (= ST_ID_MAX) */
#define IKEFLOW_DEFAULT_USER	"ikeflow"	/* user = in ikeflowd.conf */
#define CFG_MAX_TS		8	/* subnets per side (= ST_MAX_TS) */
#define CFG_MAX_PROPOSALS	16
#define CFG_MAX_XFORMS		16	/* transforms of one type in a proposal */
#define CFG_PATH_MAX		1024
#define CFG_UPDOWN_MAX		512	/* leftupdown, a shell command line */

/* ---- proposals: IKEv2 transform IDs (common/xform_ids.h), in the order
 * written ---- */

struct cfg_encr_alg {
	uint16_t	id;		/* enum ikev2_encr */
	uint16_t	keylen;		/* bits (Key Length attribute); 0 for 3DES */
};

/* One proposal. AEAD proposals have no integ; IKE proposals always have a
 * PRF (derived from integ unless prfXXX was written); ESP has no PRF and its
 * DH list is the PFS group (empty: no PFS). ESP proposals always list at
 * least one ESN value (default: no ESN). */
struct cfg_proposal {
	int		nencr, nprf, ninteg, ndh, nesn;
	struct cfg_encr_alg encr[CFG_MAX_XFORMS];
	uint16_t	prf[CFG_MAX_XFORMS];
	uint16_t	integ[CFG_MAX_XFORMS];
	uint16_t	dh[CFG_MAX_XFORMS];
	uint16_t	esn[2];
};

enum cfg_proto { CFG_PROTO_IKE = 1, CFG_PROTO_ESP = 3 };

struct cfg_proposals {
	int		n;
	int		strict;		/* trailing '!': only these, no defaults appended */
	struct cfg_proposal p[CFG_MAX_PROPOSALS];
};

/* Parses "aes128-sha1-modp1536,aes256gcm16-prfsha256-ecp256!" into out.
 * On error returns -1 with a message naming the offending keyword in err. */
int	config_proposals_parse(const char *s, enum cfg_proto proto,
	    struct cfg_proposals *out, char *err, size_t errlen);
int	config_proposals_str(const struct cfg_proposals *ps, enum cfg_proto proto,
	    char *dst, size_t len);
/* strongSwan 5.9's defaults (a subset of its default list; see config_proposal.c). */
void	config_proposals_default(enum cfg_proto proto, struct cfg_proposals *out);
/* Keyword names of single transforms ("aes128", "sha1", "prfsha1", "modp1536"), or NULL. */
const char *config_encr_name(uint16_t id, uint16_t keylen);
const char *config_integ_name(uint16_t id);
const char *config_prf_name(uint16_t id);
const char *config_dh_name(uint16_t id);

/* ---- identities ---- */

/* IKEv2 ID types (IKEv1 uses the same numbers for these). */
enum cfg_id_type {
	CFG_ID_ANY = 0,		/* %any, or nothing configured */
	CFG_ID_IPV4_ADDR = 1, CFG_ID_FQDN = 2, CFG_ID_USER_FQDN = 3,
	CFG_ID_IPV6_ADDR = 5, CFG_ID_KEY_ID = 11,
};

struct cfg_id {
	uint8_t		type;		/* enum cfg_id_type */
	uint16_t	len;		/* bytes in data */
	uint8_t		data[CFG_ID_MAX];	/* the ID payload's identification data */
	char		text[CFG_ID_MAX];	/* printable form, e.g. "172.16.10.2", "vpn.example" */
};

/* "1.2.3.4" / "2001:db8::1" -> IPV4/IPV6_ADDR; "@fqdn" or a plain name -> FQDN;
 * "user@host" -> USER_FQDN; "@#0a1b" -> KEY_ID; "%any" -> ANY. -1 on junk. */
int	config_id_parse(const char *s, struct cfg_id *id);
void	config_id_from_addr(const struct ifl_addr *a, struct cfg_id *id);
/* Builds an ID from a received ID payload; -1 for unsupported types / bad length. */
int	config_id_from_payload(uint8_t type, const uint8_t *data, size_t len, struct cfg_id *id);
int	config_id_equal(const struct cfg_id *a, const struct cfg_id *b);

/* ---- connections ---- */

/* Where a connection's ike= / esp= proposals came from. */
enum cfg_prop_from {
	CFG_FROM_CONF = 0,	/* written in ipsec.conf */
	CFG_FROM_SWAN,		/* not written: strongSwan's defaults (IKEv2) */
	CFG_FROM_IOS,		/* not written, IKEv1: IOS's defaults (below) */
	CFG_FROM_NONE,		/* not written, IKEv1, IOS's defaults switched
				 * off: no proposal at all, as IOS */
};

enum cfg_auto { CFG_AUTO_IGNORE = 0, CFG_AUTO_ADD = 1, CFG_AUTO_ROUTE = 2, CFG_AUTO_START = 3 };
enum cfg_host { CFG_HOST_ADDR = 1, CFG_HOST_ANY, CFG_HOST_DEFAULTROUTE, CFG_HOST_NAME };
enum cfg_auth { CFG_AUTH_PSK = 1 };
enum cfg_mode { CFG_MODE_TUNNEL = 1, CFG_MODE_TRANSPORT, CFG_MODE_PASSTHROUGH };
enum cfg_dpd { CFG_DPD_NONE = 0, CFG_DPD_CLEAR, CFG_DPD_HOLD, CFG_DPD_RESTART };
enum cfg_frag { CFG_FRAG_NO = 0, CFG_FRAG_YES, CFG_FRAG_ACCEPT, CFG_FRAG_FORCE };

struct cfg_end {
	enum cfg_host	host_kind;
	char		host[256];	/* as written (a hostname is kept as text, never resolved) */
	struct ifl_addr	addr;		/* CFG_HOST_ADDR only; family 0 otherwise */
	/* Subnets; when none are configured and the address is known, the host
	 * itself (/32 or /128). nsubnets 0: "this end's address, once known". */
	int		nsubnets;
	int		subnets_configured;
	struct ifl_subnet subnets[CFG_MAX_TS];
	struct cfg_id	id;		/* defaults to the address (ANY if unknown) */
	int		id_configured;
	enum cfg_auth	auth;
	int		firewall;	/* the default updown script adds firewall rules */
	char		updown[CFG_UPDOWN_MAX];	/* leftupdown; "" = none */
	uint8_t		proto;		/* leftprotoport; 0 = any */
	uint16_t	port;		/* 0 = any */
};

struct cfg_conn {
	char		name[CFG_NAME_MAX];
	char		file[CFG_PATH_MAX];	/* where "conn NAME" is */
	int		line;
	int		ike_version;		/* 1 or 2 (keyexchange=ike means 2) */
	enum cfg_auto	auto_mode;
	struct cfg_end	left, right;		/* left is the local end */
	struct cfg_proposals ike, esp;
	/* where ike= and esp= came from (ios_defaults.c): an IKEv1 conn
	 * without them uses IOS's default ISAKMP policies / transform sets */
	enum cfg_prop_from ike_from, esp_from;
	uint32_t	ikelifetime;		/* seconds */
	uint32_t	keylife;		/* seconds (lifetime) */
	uint32_t	rekeymargin;		/* seconds (margintime) */
	uint32_t	rekeyfuzz;		/* percent */
	uint64_t	lifebytes, lifepackets;	/* 0 = no limit */
	uint64_t	marginbytes, marginpackets;
	uint32_t	keyingtries;		/* 0 = %forever */
	enum cfg_dpd	dpdaction;
	uint32_t	dpddelay, dpdtimeout;	/* seconds */
	enum cfg_mode	mode;
	enum cfg_frag	fragmentation;
	int		forceencaps, mobike, reauth, rekey, compress, aggressive;
	int		installpolicy;
	uint32_t	reqid;			/* 0 = allocate */
	uint32_t	mark, mark_mask;	/* mark_mask 0 = no mark */
	struct cfg_conn	*next;
};

/* ---- secrets ---- */

struct cfg_secret {
	int		nsel;		/* 0 = matches any pair of IDs */
	struct cfg_id	*sel;
	uint8_t		*key;		/* wiped when freed */
	size_t		keylen;
	char		file[CFG_PATH_MAX];
	int		line;
	struct cfg_secret *next;
};

/* ---- config setup ---- */

struct cfg_setting {
	char		*key, *value;
	struct cfg_setting *next;
};

struct cfg_setup {
	int		uniqueids;	/* 1 yes (default), 0 no, 2 replace, 3 keep, 4 never */
	struct cfg_setting *settings;	/* every known key as written, in order */
};

/* ---- ikeflowd.conf ---- */

struct cfg_daemon {
	char		ipsec_conf[CFG_PATH_MAX];	/* SYSCONFDIR "/ipsec.conf" */
	char		ipsec_secrets[CFG_PATH_MAX];	/* SYSCONFDIR "/ipsec.secrets" */
	char		control_socket[CFG_PATH_MAX];	/* RUNSTATEDIR "/ikeflowd.ctl" */
	char		pid_file[CFG_PATH_MAX];		/* RUNSTATEDIR "/ikeflowd.pid" */
	char		state_dir[CFG_PATH_MAX];	/* LOCALSTATEDIR "/lib/ikeflow" */
	int		log_level;			/* LOG_INFO */
	char		agentx_socket[CFG_PATH_MAX];	/* "unix:/var/agentx/master" */
	int		agentx_enable;			/* 1 */
	uint32_t	agentx_ping_interval;		/* seconds, 2 */
	int		http_enable;			/* 0 when http_listen = no */
	char		http_listen[128];		/* "127.0.0.1:8080" */
	int		nhttp_allow;
	struct ifl_subnet http_allow[16];		/* 127.0.0.0/8, ::1/128 */
	char		http_auth_file[CFG_PATH_MAX];	/* "" = no basic auth */
	char		http_cert[CFG_PATH_MAX];	/* PEM; "" = plain HTTP */
	char		http_key[CFG_PATH_MAX];		/* PEM private key of http_cert */
	uint32_t	history_size;			/* 200 */
	uint32_t	failure_size;			/* 200 */
	uint32_t	refresh_interval;		/* ms, 5000 */
	uint16_t	ike_port;			/* 500 */
	uint16_t	natt_port;			/* 4500 */
	uint32_t	spi_min, spi_max;		/* 0xc0000000 .. 0xcfffffff */
	double		retransmit_timeout;		/* seconds, 4.0 */
	double		retransmit_base;		/* 1.8 */
	uint32_t	retransmit_tries;		/* 5 */
	uint32_t	half_open_timeout;		/* seconds, 30 */
	uint32_t	cookie_threshold;		/* half-open SAs, 30; 0 = never */
	uint32_t	cookie_threshold_ip;		/* half-open SAs of one peer, 3 */
	uint32_t	block_threshold;		/* half-open SAs of one peer, 5 */
	uint32_t	half_open_max;			/* hard cap, 10000; 0 = none */
	uint32_t	initiate_max;			/* ours negotiating at once for
							 * auto=start, 0 = no limit */
	uint32_t	keepalive;			/* seconds, 20; 0 = none */
	uint32_t	fragment_size;			/* bytes, 1280 */
	uint32_t	dh_workers;			/* CFG_DH_WORKERS_AUTO */
	char		updown_script[CFG_PATH_MAX];	/* PKGLIBEXECDIR "/updown" */
	uint32_t	updown_timeout;			/* seconds, 30 */
	int		install_routes;			/* 1: routes to remote subnets */
	uint32_t	routing_table;			/* 220 */
	uint32_t	routing_table_prio;		/* the rule's priority, 220 */
	char		user[64];			/* "ikeflow"; "root": no drop */
	char		group[64];			/* "" = the user's own group */
	int		seccomp;			/* 1: system call filter */
	int		mode;				/* CFG_MODE_KEYING */
	char		vici_socket[CFG_PATH_MAX];	/* "/var/run/charon.vici"; "no" */
	int		isakmp_default_policy;		/* 1: IOS's default ISAKMP policies */
	int		ipsec_default_transform_set;	/* 1: IOS's default transform sets */
};

/* mode = keying: ikeflowd keys its tunnels (ipsec.conf). mode = monitor:
 * another daemon keys them; ikeflowd only observes the kernel's SAs and
 * policies (daemon/monitor.c), installs nothing and reads no ipsec.conf. */
enum { CFG_MODE_KEYING = 0, CFG_MODE_MONITOR = 1 };

/* dh_workers = auto: as many DH workers as there are other CPUs (see
 * config_dh_workers). */
#define CFG_DH_WORKERS_AUTO	UINT32_MAX

void	config_daemon_defaults(struct cfg_daemon *d);
/* Reads key = value lines over d (fill it with defaults first). A missing file
 * is an error unless missing_ok. 0 / -1 (each error logged as FILE:LINE). */
int	config_daemon_load(const char *path, struct cfg_daemon *d, int missing_ok);
/* One setting, as from the file; `where` prefixes the error ("command line"). */
int	config_daemon_set(struct cfg_daemon *d, const char *key, const char *value,
	    const char *where);
/* The number of DH workers to run: dh_workers, or for auto the online CPUs
 * but the event loop's own, at most 4 (0 on a single CPU). */
unsigned config_dh_workers(const struct cfg_daemon *d);

struct ifl_config;

/* ---- Cisco IOS's intelligent defaults (ios_defaults.c) ---- */

/* One of IOS's default ISAKMP policies (priority 65507..65514). */
enum cfg_isakmp_auth { CFG_ISAKMP_RSA_SIG = 1, CFG_ISAKMP_PSK };
struct cfg_isakmp_policy {
	uint16_t	priority;
	enum cfg_isakmp_auth auth;
	struct cfg_encr_alg encr;
	uint16_t	integ;		/* enum ikev2_integ: its hash */
	uint16_t	dh;
	uint32_t	lifetime;	/* seconds; no volume limit */
};
#define CFG_ISAKMP_DEFAULT_N	8

/* One of IOS's default transform sets (#$!default_transform_set_N). */
struct cfg_transform_set {
	const char	*name;		/* "#$!default_transform_set_1" */
	struct cfg_encr_alg encr;
	uint16_t	integ;
};
#define CFG_XFORM_DEFAULT_N	2

/* The tables, in IOS's order: policies by priority; transform sets as
 * IOS lists them (set 1, esp-aes, first). */
const struct cfg_isakmp_policy *config_isakmp_default_policies(void);
const struct cfg_transform_set *config_default_transform_sets(void);
/* An IKEv1 connection's c->ike / c->esp as loaded: for ike_from /
 * esp_from CFG_FROM_IOS the PSK default policies (65508 first) / the
 * default transform sets, for CFG_FROM_NONE none; keying/ikev1_policy.c
 * turns them into what is offered and accepted. */
/* The default policy (PSK, ours to use) a chosen suite is, or NULL. */
const struct cfg_isakmp_policy *config_isakmp_default_match(
	    const struct cfg_encr_alg *encr, uint16_t integ, uint16_t dh);
/* The default transform set a chosen ESP suite is, or NULL. */
const struct cfg_transform_set *config_default_transform_match(
	    const struct cfg_encr_alg *encr, uint16_t integ);
/* Gives each IKEv1 connection without ike= / esp= IOS's defaults (or none,
 * when d switches them off). Called by config_load. */
void	config_ios_defaults_apply(struct ifl_config *cfg);

/* ---- the whole configuration ---- */

struct ifl_config {
	struct cfg_daemon daemon;	/* copy of the settings it was loaded with */
	struct cfg_setup setup;
	struct cfg_conn	*conns;		/* in file order; auto=ignore ones are not here */
	int		nconns;
	int		nignored;	/* conns with auto=ignore */
	struct cfg_secret *secrets;	/* in file order */
	int		nsecrets;
};

/* Loads d->ipsec_conf and d->ipsec_secrets (which, and every file it
 * includes, must pass config_secrets_check_perms() on the descriptor it is
 * read from; a missing secrets file only means no PSKs).
 * NULL on any error, all of them logged. */
struct ifl_config *config_load(const struct cfg_daemon *d);
void	config_free(struct ifl_config *cfg);

/* 0 if the file is a regular file owned by root or by us and not accessible
 * by group or others (checked on the open descriptor); else logs e.g.
 * "FILE: mode 0644 allows access by group/others, refusing to use it (chmod 600)". */
int	config_secrets_check_perms(const char *path);

const struct cfg_conn *config_conn_find(const struct ifl_config *cfg, const char *name);

/* As strongSwan, either end may be ours: when right's address is local (per
 * is_local) and left's is not, left and right are swapped so that left is
 * the local end. Returns 1 if swapped, 0 if not. */
int	config_conn_orient(struct cfg_conn *c,
	    int (*is_local)(const struct ifl_addr *a, void *arg), void *arg);

/* The best PSK for (local ID, remote ID), strongSwan's way: a secret whose
 * selectors match both IDs beats one matching one of them (the remote ID
 * first), which beats a %any / selector-less secret. Either ID may be NULL.
 * NULL when no secret applies. */
const struct cfg_secret *config_psk_lookup(const struct ifl_config *cfg,
	    const struct cfg_id *local, const struct cfg_id *remote);

/* The effective configuration in ipsec.conf syntax (daemon settings as a
 * comment block, secrets with every key shown as <hidden>). 0 / -1. */
int	config_render(const struct ifl_config *cfg, struct buf *out);

/* redact.c: a copy of a configuration file's text with every secret
 * replaced by "<redacted>" (the rest kept as it is), for the diagnostic
 * bundle. masked (if not NULL): how many secrets were replaced. */
enum cfg_redact_kind {
	CFG_REDACT_SECRETS,	/* ipsec.secrets */
	CFG_REDACT_CONF,	/* ipsec.conf, ikeflowd.conf: key=value settings */
};
int	config_redact(const char *text, size_t len, enum cfg_redact_kind kind,
	    struct buf *out, unsigned *masked);
/* The files the text's include lines name (relative to path's directory);
 * free them with config_redact_includes_free. */
int	config_redact_includes(const char *path, const char *text, size_t len,
	    char ***paths, int *npaths);
void	config_redact_includes_free(char **paths, int npaths);

#endif
