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
	char fname[FNAME_MAX];
};
GADGET_EVENT_BTF(struct event);

/* The file name pointer is only an argument at entry; the result only exists at exit. */
struct open_args {
	__u64 timestamp;
	__u64 mntns_id;
	const char *fname;
	__u32 flags;
	__u16 mode;
	bool pending;
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 10240);
	__type(key, __u32);
	__type(value, struct open_args);
} opens SEC(".maps");

static __always_inline int enter_open(const char *fname, __u64 flags, __u64 mode)
{
	struct open_args a = {};
	if (!gadget_should_emit((struct task_struct *)bpf_get_current_task(), &a.mntns_id, &a.pending))
		return 0;
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	a.timestamp = bpf_ktime_get_boot_ns();
	a.fname = fname;
	a.flags = flags;
	a.mode = mode;
	bpf_map_update_elem(&opens, &tid, &a, BPF_ANY);
	return 0;
}

static __always_inline int exit_open(long ret)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	struct open_args *a = bpf_map_lookup_elem(&opens, &tid);
	if (!a)
		return 0;
	if (failed_only && ret >= 0)
		goto cleanup;
	struct event *ev = gadget_reserve(sizeof(*ev));
	if (!ev)
		goto cleanup;
	ev->timestamp = a->timestamp;
	ev->mntns_id = a->mntns_id;
	ev->mntns_pending = a->pending;
	gadget_fill_proc(&ev->proc, (struct task_struct *)bpf_get_current_task());
	ev->retval = ret;
	ev->fd = ret >= 0 ? ret : -1;
	ev->flags_raw = a->flags;
	ev->mode_raw = a->mode;
	/* Still resident: the syscall has just read it. */
	if (bpf_probe_read_user_str(ev->fname, sizeof(ev->fname), a->fname) < 0)
		ev->fname[0] = 0;
	gadget_submit(ev);
cleanup:
	bpf_map_delete_elem(&opens, &tid);
	return 0;
}

SEC("tracepoint/syscalls/sys_enter_open")
int enter_open_(struct trace_event_raw_sys_enter *ctx)
{
	return enter_open((const char *)ctx->args[0], ctx->args[1], ctx->args[2]);
}

SEC("tracepoint/syscalls/sys_enter_openat")
int enter_openat(struct trace_event_raw_sys_enter *ctx)
{
	return enter_open((const char *)ctx->args[1], ctx->args[2], ctx->args[3]);
}

SEC("tracepoint/syscalls/sys_enter_openat2")
int enter_openat2(struct trace_event_raw_sys_enter *ctx)
{
	struct open_how how = {};
	bpf_probe_read_user(&how, sizeof(how), (void *)ctx->args[2]);
	return enter_open((const char *)ctx->args[1], how.flags, how.mode);
}

SEC("tracepoint/syscalls/sys_exit_open")
int exit_open_(struct trace_event_raw_sys_exit *ctx)
{
	return exit_open(ctx->ret);
}

SEC("tracepoint/syscalls/sys_exit_openat")
int exit_openat(struct trace_event_raw_sys_exit *ctx)
{
	return exit_open(ctx->ret);
}

SEC("tracepoint/syscalls/sys_exit_openat2")
int exit_openat2(struct trace_event_raw_sys_exit *ctx)
{
	return exit_open(ctx->ret);
}
