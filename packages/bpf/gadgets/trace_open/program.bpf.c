/* trace_open: one event per open/openat/openat2, with file name, flags, mode and result. */
#include <podscope.h>

char LICENSE[] SEC("license") = "GPL";

#define FNAME_MAX 256

/* --failed: only failed opens reach the ring. */
const volatile bool failed_only = false;

struct event {
	__u64 timestamp;
	__u64 mntns_id;
	struct gadget_proc proc;
	bool mntns_pending;
	__s32 fd;		/* -1 when the open failed */
	__s32 retval;
	__u32 flags_raw;
	__u16 mode_raw;
	__u16 fname_len;	/* bytes of fname sent, NUL included */
	char fname[FNAME_MAX];	/* last: the record ends after the used bytes */
};
GADGET_EVENT_BTF(struct event);

/* Built per CPU, then only the used part goes to the ring (most paths are far shorter than FNAME_MAX). */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct event);
} scratch SEC(".maps");

/*
 * One program per open, at exit: the arguments are still in the task's saved user registers
 * (the kernel does not clobber them before the exit tracepoint), so no entry program and no
 * per-thread map round trip is needed. Half the probes and no hash-map writes per open.
 */
static __always_inline int exit_open(long ret, const char *fname, __u64 flags, __u64 mode)
{
	__u64 mntns;
	bool pending;
	if (failed_only && ret >= 0)
		return 0;
	if (!gadget_should_emit(&mntns, &pending))
		return 0;
	__u32 zero = 0;
	struct event *ev = bpf_map_lookup_elem(&scratch, &zero);
	if (!ev)
		return 0;
	ev->timestamp = bpf_ktime_get_boot_ns();
	ev->mntns_id = mntns;
	ev->mntns_pending = pending;
	gadget_fill_proc(&ev->proc);
	ev->retval = ret;
	ev->fd = ret >= 0 ? ret : -1;
	ev->flags_raw = flags;
	ev->mode_raw = mode;
	/* Still resident: the syscall has just read it. */
	long n = bpf_probe_read_user_str(ev->fname, sizeof(ev->fname), fname);
	if (n <= 0) {
		ev->fname[0] = 0;
		n = 1;
	}
	ev->fname_len = n;
	__u64 size = offsetof(struct event, fname) + (n & (FNAME_MAX - 1));
	if (n >= FNAME_MAX)
		size = sizeof(*ev);
	gadget_output(ev, size);
	return 0;
}

/* BTF-typed: the argument registers are read with plain loads. */
static __always_inline struct pt_regs *user_regs(void)
{
	return (struct pt_regs *)bpf_task_pt_regs(gadget_current());
}

SEC("tracepoint/syscalls/sys_exit_open")
int exit_open_(struct trace_event_raw_sys_exit *ctx)
{
	struct pt_regs *regs = user_regs();
	return exit_open(ctx->ret, (const char *)PT_REGS_PARM1_SYSCALL(regs), PT_REGS_PARM2_SYSCALL(regs),
			 PT_REGS_PARM3_SYSCALL(regs));
}

SEC("tracepoint/syscalls/sys_exit_openat")
int exit_openat(struct trace_event_raw_sys_exit *ctx)
{
	struct pt_regs *regs = user_regs();
	return exit_open(ctx->ret, (const char *)PT_REGS_PARM2_SYSCALL(regs), PT_REGS_PARM3_SYSCALL(regs),
			 PT_REGS_PARM4_SYSCALL(regs));
}

SEC("tracepoint/syscalls/sys_exit_openat2")
int exit_openat2(struct trace_event_raw_sys_exit *ctx)
{
	struct pt_regs *regs = user_regs();
	struct open_how how = {};
	bpf_probe_read_user(&how, sizeof(how), (void *)PT_REGS_PARM3_SYSCALL(regs));
	return exit_open(ctx->ret, (const char *)PT_REGS_PARM2_SYSCALL(regs), how.flags, how.mode);
}
