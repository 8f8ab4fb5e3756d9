/* The system call filter (seccomp = yes, the default): installed after the
 * privilege drop, when every socket is bound and every thread started, for
 * every thread at once (TSYNC). It allows what the steady state does:
 * the event loop, IKE and netlink sockets, OpenSSL and its DH workers,
 * Net-SNMP's AgentX reconnects, libmicrohttpd/GnuTLS, the state file,
 * reloads, the tech-support bundle and process spawning (updown jobs and
 * the web's bundle download fork and exec), and what glibc, ASan and
 * valgrind need under them.
 *
 * A call outside the list is a bug or an attack: the process dies (no
 * EPERM: a call failing where nobody expects it leaves a daemon holding
 * keys in a state nobody reasoned about). Before it dies, the SIGSYS
 * handler names the call's number on the standard error (the journal under
 * systemd, the log file with -f): `scmp_sys_resolver NUMBER` names it, and
 * seccomp = no in ikeflowd.conf turns the filter off to debug. */
#include "config.h"

#include <errno.h>
#include <seccomp.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "common/log.h"
#include "daemon/daemon_int.h"

static const char *const allowed[] = {
	/* memory, threads, synchronisation */
	"brk", "mmap", "munmap", "mremap", "mprotect", "madvise", "mlock",
	"munlock", "mincore", "membarrier", "clone", "clone3", "futex",
	"set_robust_list", "get_robust_list", "rseq", "set_tid_address",
	"arch_prctl", "sched_yield", "sched_getaffinity", "sched_getparam",
	"sched_getscheduler", "getcpu", "exit", "exit_group",
	/* signals, time */
	"rt_sigaction", "rt_sigprocmask", "rt_sigreturn", "rt_sigtimedwait",
	"rt_sigpending", "rt_sigsuspend", "sigaltstack", "signalfd", "signalfd4",
	"restart_syscall", "clock_gettime", "clock_getres", "clock_nanosleep",
	"nanosleep", "gettimeofday", "time", "timerfd_create", "timerfd_settime",
	"timerfd_gettime", "alarm", "getitimer", "setitimer",
	/* files: configuration, state, pid file, bundle, /proc */
	"read", "write", "readv", "writev", "pread64", "pwrite64", "preadv",
	"pwritev", "open", "openat", "close", "close_range", "fstat", "stat",
	"lstat", "newfstatat", "statx", "lseek", "fcntl", "dup", "dup2", "dup3",
	"pipe", "pipe2", "access", "faccessat", "faccessat2", "readlink",
	"readlinkat", "getdents", "getdents64", "rename", "renameat", "renameat2",
	"unlink", "unlinkat", "mkdir", "mkdirat", "rmdir", "link", "linkat",
	"fsync", "fdatasync", "ftruncate", "fallocate", "fchmod", "fchmodat",
	"chmod", "fchown", "flock", "umask", "getcwd", "chdir", "fchdir",
	"statfs", "fstatfs", "sendfile", "ioctl", "fadvise64", "memfd_create",
	/* sockets: IKE (UDP), netlink, AgentX, control, HTTP */
	"socket", "socketpair", "bind", "listen", "accept", "accept4", "connect",
	"getsockname", "getpeername", "setsockopt", "getsockopt", "sendto",
	"recvfrom", "sendmsg", "recvmsg", "sendmmsg", "recvmmsg", "shutdown",
	"poll", "ppoll", "select", "pselect6", "epoll_create", "epoll_create1",
	"epoll_ctl", "epoll_wait", "epoll_pwait", "epoll_pwait2", "eventfd",
	"eventfd2",
	/* processes: updown jobs, the bundle's children, show processes */
	"fork", "vfork", "execve", "execveat", "wait4", "waitid", "kill", "tgkill",
	"tkill", "setpgid", "getpgid", "getpgrp", "setsid", "getsid", "getpid",
	"getppid", "gettid", "pidfd_open", "prctl", "prlimit64", "getrlimit",
	"setrlimit", "getrusage", "times", "uname", "sysinfo", "getrandom",
	"getuid", "geteuid", "getgid", "getegid", "getgroups", "getresuid",
	"getresgid", "capget", "getpriority",
	/* the DH pool's workers lower their own priority as they start, and
	 * one may start after the filter is in (TSYNC covers it) */
	"setpriority",
#if defined(__SANITIZE_ADDRESS__)
	/* LeakSanitizer's report at exit stops the threads with ptrace: in
	 * the ASan build only (make check runs the daemon in it) */
	"ptrace",
#endif
};
#define NALLOWED	(sizeof(allowed) / sizeof(allowed[0]))

static void
on_sigsys(int signo, siginfo_t *si, void *uc)
{
	char msg[128] = "ikeflowd: seccomp: system call ";
	char num[16], *p = num + sizeof(num);
	unsigned n = (unsigned)si->si_syscall;
	size_t len = strlen(msg);

	(void)uc;
	*--p = '\0';
	do
		*--p = (char)('0' + n % 10);
	while ((n /= 10) != 0 && p > num);
	/* strcat and strlen are async-signal-safe in practice, and the
	 * process is going down anyway */
	memcpy(msg + len, p, strlen(p));
	len += strlen(p);
	memcpy(msg + len, " not allowed, stopping (seccomp = no to debug)\n", 48);
	len += 47;
	(void)!write(2, msg, len);
	signal(signo, SIG_DFL);
	kill(getpid(), signo);
	_exit(70);
}

int
seccomp_install(void)
{
	struct sigaction sa;
	scmp_filter_ctx ctx;
	size_t i;
	int rc;

	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = on_sigsys;
	sa.sa_flags = SA_SIGINFO;
	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGSYS, &sa, NULL) < 0) {
		log_err("seccomp: sigaction: %s", strerror(errno));
		return -1;
	}
	if ((ctx = seccomp_init(SCMP_ACT_TRAP)) == NULL) {
		log_err("seccomp: cannot set up the filter");
		return -1;
	}
	/* the kernel log names the call too (audit type 1326), for when the
	 * standard error goes nowhere; best effort on older kernels */
	(void)seccomp_attr_set(ctx, SCMP_FLTATR_CTL_LOG, 1);
	if ((rc = seccomp_attr_set(ctx, SCMP_FLTATR_CTL_TSYNC, 1)) < 0)
		goto fail;
	for (i = 0; i < NALLOWED; i++) {
		int nr = seccomp_syscall_resolve_name(allowed[i]);

		if (nr == __NR_SCMP_ERROR)	/* not on this architecture */
			continue;
		if ((rc = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, nr, 0)) < 0)
			goto fail;
	}
	if ((rc = seccomp_load(ctx)) < 0)
		goto fail;
	seccomp_release(ctx);
	log_info("seccomp: system call filter installed (%zu calls allowed)",
	    NALLOWED);
	return 0;
fail:
	log_err("seccomp: cannot install the filter: %s (seccomp = no runs "
	    "without it)", strerror(-rc));
	seccomp_release(ctx);
	return -1;
}
