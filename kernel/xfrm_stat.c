/* /proc/net/xfrm_stat, the kernel-wide XFRM counters, read into the flow
 * MIB's global drop and failure counts. Apart from the rest of kernel/ so
 * that the fuzzer can take this parser without the netlink side. */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "kernel/xfrm.h"

/* Kernel-wide counters by name; names differ across kernel versions. */
int
xfrm_stat_parse(const char *text, struct st_ipsec_global *g)
{
	const char *p = text;

	memset(g, 0, sizeof(*g));
	while (*p) {
		char name[64];
		unsigned long long v;
		int n = 0;

		if (sscanf(p, "%63s %llu%n", name, &v, &n) == 2 && n > 0) {
			if (strncmp(name, "XfrmIn", 6) == 0)
				g->in_drops += v;	/* every XfrmIn* counts a drop */
			else if (strncmp(name, "XfrmOut", 7) == 0)
				g->out_drops += v;
			if (strcmp(name, "XfrmInStateSeqError") == 0)
				g->in_replay_drops = v;
			else if (strcmp(name, "XfrmInStateProtoError") == 0)
				g->in_auth_fails = v;
			else if (strcmp(name, "XfrmInNoStates") == 0 ||
			    strcmp(name, "XfrmOutNoStates") == 0)
				g->nosa_fails += v;
			else if (strcmp(name, "XfrmInStateModeError") == 0 ||
			    strcmp(name, "XfrmOutStateModeError") == 0 ||
			    strcmp(name, "XfrmInStateMismatch") == 0 ||
			    strcmp(name, "XfrmInTmplMismatch") == 0)
				g->protocol_use_fails += v;
			else if (strcmp(name, "XfrmInBufferError") == 0 ||
			    strcmp(name, "XfrmOutNoQueueSpace") == 0)
				g->syscap_fails += v;
		}
		p = strchr(p, '\n');
		if (p == NULL)
			break;
		p++;
	}
	/* No kernel counter tells decryption from authentication failures. */
	g->in_decrypt_fails = 0;
	return 0;
}
