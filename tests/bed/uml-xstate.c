/*
 * Preloaded into linux.uml by tests/bed/run.
 *
 * UML (Debian's 6.1) restores a guest process's FPU state with
 * PTRACE_SETREGSET(NT_X86_XSTATE) using its own, smaller xstate buffer.
 * Hosts whose CPUs have large xstate components (AMX tiles) only accept a
 * buffer of the full host xstate size and answer EFAULT otherwise, which
 * kills the guest's init at once. This wrapper pads such a request: it
 * reads the tracee's full xstate, overlays the part UML knows about and
 * writes the whole buffer back. Every other request passes through.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <elf.h>
#include <errno.h>
#include <stdarg.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/types.h>
#include <sys/uio.h>

typedef long (*ptrace_fn)(enum __ptrace_request, ...);

static ptrace_fn real_ptrace;
/* UML runs its kernel on small stacks: keep the big buffer off them. */
static unsigned char full[1 << 16] __attribute__((aligned(64)));

__attribute__((constructor)) static void
xstate_init(void)
{
	real_ptrace = (ptrace_fn)dlsym(RTLD_NEXT, "ptrace");
}

static long
xstate_set_padded(pid_t pid, struct iovec *iov)
{
	struct iovec all = { .iov_base = full, .iov_len = sizeof(full) };
	long r;

	r = real_ptrace(PTRACE_SETREGSET, pid, (void *)NT_X86_XSTATE, iov);
	if (r == 0 || errno != EFAULT)
		return r;
	if (real_ptrace(PTRACE_GETREGSET, pid, (void *)NT_X86_XSTATE, &all) < 0)
		return -1;
	if (iov->iov_len > all.iov_len) {
		errno = EFAULT;
		return -1;
	}
	memcpy(full, iov->iov_base, iov->iov_len);
	return real_ptrace(PTRACE_SETREGSET, pid, (void *)NT_X86_XSTATE, &all);
}

long
ptrace(enum __ptrace_request req, ...)
{
	va_list ap;
	pid_t pid;
	void *addr, *data;

	va_start(ap, req);
	pid = va_arg(ap, pid_t);
	addr = va_arg(ap, void *);
	data = va_arg(ap, void *);
	va_end(ap);
	if (real_ptrace == NULL)
		xstate_init();
	if (req == PTRACE_SETREGSET && (unsigned long)addr == NT_X86_XSTATE &&
	    data != NULL)
		return xstate_set_padded(pid, data);
	return real_ptrace(req, pid, addr, data);
}
