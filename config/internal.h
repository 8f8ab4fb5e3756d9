/* Shared by the configuration parsers; not for other modules. */
#ifndef IKEFLOW_CONFIG_INTERNAL_H
#define IKEFLOW_CONFIG_INTERNAL_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>

#include "config/config.h"

#define CFG_INCLUDE_DEPTH	10
/* What one load may read through includes, all files together: enough for
 * any real configuration, and a bound on a fan-out of includes (each file
 * including the next several times) that would otherwise take minutes. */
#define CFG_INCLUDE_FILES	256
#define CFG_INCLUDE_BYTES	(16 << 20)
/* The longest line any of the files may have (a conn's subnets and
 * proposals fit many times over); a longer one is an error, not a read
 * that grows without end. */
#define CFG_LINE_MAX		65536	/* said in cfg_readline's message */
/* Lines too long or with a NUL byte, in one load, before reading stops. */
#define CFG_BAD_LINES		10

/* Value syntax shared by all files; 0 / -1. */
int	cfg_parse_time(const char *s, uint32_t *secs);	/* "90", "90s", "3m", "2h", "1d" */
int	cfg_parse_bool(const char *s, int *v);		/* yes/no, true/false, 1/0 */
int	cfg_parse_u32(const char *s, uint32_t *v);	/* decimal or 0x hex */
int	cfg_parse_u64(const char *s, uint64_t *v);
int	cfg_hexval(int c);				/* a hex digit's value, or -1 */

/* Cuts a trailing comment ('#' at the start or after whitespace, outside
 * quotes) and trailing whitespace, in place. */
void	cfg_strip_comment(char *line);
/* Decodes a double-quoted string starting at *p (on the opening quote) into
 * dst (escapes \" \\ \n \t); *p is left after the closing quote. -1 if unterminated. */
int	cfg_unquote(const char **p, char *dst, size_t dstlen);

/* Expands an include pattern relative to the including file's directory.
 * Returns the number of files (paths in *out, free with cfg_globfree), or -1
 * with *why set when a pattern without wildcards names no file. */
int	cfg_include_glob(const char *including, const char *pattern, char ***out,
	    const char **why);
void	cfg_globfree(char **paths, int n);

/* The files of one load (the top file and its includes): the chain being
 * read, by device and inode, so that a file including itself, directly or
 * through others, is an error rather than a loop; and the budget above. */
struct cfg_files {
	struct {
		dev_t	dev;
		ino_t	ino;
	}		 chain[CFG_INCLUDE_DEPTH + 1];
	int		 depth;
	int		 nfiles;
	long long	 bytes;		/* what the files' sizes claim */
	long long	 read;		/* what was read: /proc's files say 0 */
	int		 bad;		/* unreadable lines */
	int		 over;		/* the budget ran out: read nothing more */
};

/* Opens path and checks the open descriptor (no window between check and
 * use): a regular file, not already on the chain, within the budget, and for
 * a secrets file (secret != 0) owned by root or by us and closed to group and
 * others. On success the file is pushed on the chain (cfg_file_close pops
 * it); NULL with *why set otherwise (errno's text for open errors, errno
 * left as open set it; errno 0 for a refusal), or
 * NULL with *why NULL once the budget ran out and that was said. */
FILE	*cfg_file_open(struct cfg_files *fs, const char *path, int secret,
	    const char **why);
void	cfg_file_close(struct cfg_files *fs, FILE *f);

/* One line of f into buf (CFG_LINE_MAX + 1 bytes), NUL-terminated with its
 * newline. Returns the length; -1 at the end of the file; 0 with *why set
 * for a line longer than CFG_LINE_MAX (skipped to its end) or with a NUL
 * byte: say it and go on; -2 when the load's budget ran out: more bytes
 * than CFG_INCLUDE_BYTES (a file yielding more than its size said, as
 * /proc's do, or growing while read) or more than CFG_BAD_LINES unreadable
 * lines (a binary file): say *why, unless NULL (said already), and stop;
 * nothing more is read by this file or the next. */
ssize_t	cfg_readline(struct cfg_files *fs, FILE *f, char *buf, const char **why);

/* ipsec.conf into cfg->setup / cfg->conns; 0 / -1 (all errors logged). */
int	ipsec_conf_load(const char *path, struct ifl_config *cfg);
void	ipsec_conf_free(struct ifl_config *cfg);
/* ipsec.secrets into cfg->secrets; 0 / -1. */
int	secrets_load(const char *path, struct ifl_config *cfg);
void	secrets_free(struct ifl_config *cfg);

#endif
