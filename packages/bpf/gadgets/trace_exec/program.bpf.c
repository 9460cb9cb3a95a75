/* trace_exec: one event per execve/execveat, with argv, parent and result. */
#include <podscope.h>

char LICENSE[] SEC("license") = "GPL";

#define ARGS_MAX 4096		/* bytes of argv reported; a power of two for the index mask */
#define ARGS_COUNT_MAX 64	/* arguments walked before giving up */

/* Failed execs are dropped in the kernel unless the user asks for them. */
const volatile bool ignore_failed = true;

struct event {
	__u64 timestamp;
	__u64 mntns_id;
	struct gadget_proc proc;
	__s32 retval;
	bool mntns_pending;
	bool args_truncated;
	__u32 args_size;
	/* argv, NUL-separated. The second half is slack so every bounded read stays inside the
	 * array; only the first args_size (<= ARGS_MAX) bytes go to the ring. */
	char args[ARGS_MAX * 2];
};

/* Only a source for creating an `execs` entry: the event is far larger than the 512-byte stack. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct event);
} scratch SEC(".maps");

/* argv is only readable at syscall entry, the result and new comm only at exit: park the event by tid. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 10240);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, __u32);
	__type(value, struct event);
} execs SEC(".maps");

static __always_inline int enter_exec(const char *const *argv)
{
	struct task_struct *task = (struct task_struct *)bpf_get_current_task();
	__u64 mntns = gadget_mntns_id(task);
	bool pending;
	if (!gadget_select_mntns(mntns, &pending))
		return 0;

	/* Fill the per-thread entry in place: a per-CPU buffer could be shared by two tasks
	 * that preempt each other on one CPU, since tracepoint programs only disable migration. */
	__u32 zero = 0;
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	struct event *ev = bpf_map_lookup_elem(&scratch, &zero);
	if (!ev || bpf_map_update_elem(&execs, &tid, ev, BPF_ANY))
		return 0;
	ev = bpf_map_lookup_elem(&execs, &tid);
	if (!ev)
		return 0;
	ev->timestamp = bpf_ktime_get_boot_ns();
	ev->mntns_id = mntns;
	ev->mntns_pending = pending;
	ev->args_truncated = false;
	ev->retval = 0;

	__u32 off = 0;
	int i;
	for (i = 0; i < ARGS_COUNT_MAX; i++) {
		const char *arg = NULL;
		if (bpf_probe_read_user(&arg, sizeof(arg), &argv[i]) || !arg)
			goto done;
		long n = bpf_probe_read_user_str(&ev->args[off & (ARGS_MAX - 1)], ARGS_MAX, arg);
		if (n < 0)
			goto done;
		off += n;
		if (off >= ARGS_MAX) {
			ev->args_truncated = true;
			off = ARGS_MAX;
			goto done;
		}
	}
	{
		const char *more = NULL;
		bpf_probe_read_user(&more, sizeof(more), &argv[ARGS_COUNT_MAX]);
		ev->args_truncated = more != NULL;
	}
done:
	ev->args_size = off;
	return 0;
}

static __always_inline int exit_exec(long ret)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	struct event *ev = bpf_map_lookup_elem(&execs, &tid);
	if (!ev)
		return 0;
	if (ret < 0 && ignore_failed)
		goto cleanup;
	/* Pushed-down predicates see the comm after the exec, as the event reports it. */
	if (!gadget_filter_current())
		goto cleanup;

	ev->retval = ret;
	/* After a successful exec, comm is the new program's name. */
	gadget_fill_proc(&ev->proc);
	__u32 size = ev->args_size;
	if (size > ARGS_MAX)
		size = ARGS_MAX;
	gadget_output(ev, __builtin_offsetof(struct event, args) + size);
cleanup:
	bpf_map_delete_elem(&execs, &tid);
	return 0;
}

SEC("tracepoint/syscalls/sys_enter_execve")
int enter_execve(struct trace_event_raw_sys_enter *ctx)
{
	return enter_exec((const char *const *)ctx->args[1]);
}

SEC("tracepoint/syscalls/sys_enter_execveat")
int enter_execveat(struct trace_event_raw_sys_enter *ctx)
{
	return enter_exec((const char *const *)ctx->args[2]);
}

SEC("tracepoint/syscalls/sys_exit_execve")
int exit_execve(struct trace_event_raw_sys_exit *ctx)
{
	return exit_exec(ctx->ret);
}

SEC("tracepoint/syscalls/sys_exit_execveat")
int exit_execveat(struct trace_event_raw_sys_exit *ctx)
{
	return exit_exec(ctx->ret);
}
