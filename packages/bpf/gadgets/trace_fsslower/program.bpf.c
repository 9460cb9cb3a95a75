/*
 * trace_fsslower: regular-file reads, writes, fsyncs and opens slower than --min, timed
 * between syscall entry and exit (tracepoints only: no kprobes on the file system needed).
 */
#include <podscope.h>

char LICENSE[] SEC("license") = "GPL";

#define FILE_MAX 64

/* Enumerators carry a prefix C needs; the manifest strips it (F_READ, F_WRITE, ...). */
enum fs_op {
	FSSLOWER_F_READ = 0,
	FSSLOWER_F_WRITE = 1,
	FSSLOWER_F_OPEN = 2,
	FSSLOWER_F_FSYNC = 3,
};

/* --min in milliseconds; 0 reports every operation. */
const volatile __u64 min_ms = 10;

struct event {
	__u64 timestamp;
	__u64 mntns_id;
	struct gadget_proc proc;
	bool mntns_pending;
	enum fs_op op;
	__u64 delta_us;
	__s64 size;
	__s64 offset;
	char file[FILE_MAX];
};
GADGET_EVENT_BTF(struct event);

/* Parked at entry by thread id. */
struct op_start {
	__u64 start_ns;
	__u64 mntns_id;
	struct file *file;	/* NULL for opens: the fd only exists at exit */
	__s64 size;
	__s64 offset;
	enum fs_op op;
	bool pending;
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 10240);
	__type(key, __u32);
	__type(value, struct op_start);
} starts SEC(".maps");

/* read/write/fsync: only regular files, so pipes and sockets never cost a map update. */
static __always_inline int enter_fd_op(enum fs_op op, int fd, __s64 size, __s64 offset, bool use_fpos)
{
	struct task_struct *task = (struct task_struct *)bpf_get_current_task();
	struct file *f = gadget_fd_file(task, fd);
	if (!f || gadget_file_type(f) != GADGET_S_IFREG)
		return 0;
	struct op_start s = {};
	s.mntns_id = gadget_mntns_id(task);
	if (!gadget_select_mntns(s.mntns_id, &s.pending))
		return 0;
	s.file = f;
	s.op = op;
	s.size = size;
	s.offset = use_fpos ? BPF_CORE_READ(f, f_pos) : offset;
	s.start_ns = bpf_ktime_get_boot_ns();
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	bpf_map_update_elem(&starts, &tid, &s, BPF_ANY);
	return 0;
}

static __always_inline int exit_op(long ret)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	struct op_start *s = bpf_map_lookup_elem(&starts, &tid);
	if (!s)
		return 0;
	__u64 now = bpf_ktime_get_boot_ns();
	__u64 delta = now - s->start_ns;
	struct file *f = s->file;
	if (delta < min_ms * 1000000)
		goto cleanup;
	if (s->op == FSSLOWER_F_OPEN) {
		if (ret < 0)
			goto cleanup;
		f = gadget_fd_file((struct task_struct *)bpf_get_current_task(), ret);
		if (!f || gadget_file_type(f) != GADGET_S_IFREG)
			goto cleanup;
	}
	if (!gadget_filter_current())
		goto cleanup;

	struct event *ev = gadget_reserve(sizeof(*ev));
	if (!ev)
		goto cleanup;
	ev->timestamp = s->start_ns;
	ev->mntns_id = s->mntns_id;
	ev->mntns_pending = s->pending;
	gadget_fill_proc(&ev->proc);
	ev->op = s->op;
	ev->delta_us = delta / 1000;
	ev->size = s->size;
	ev->offset = s->offset;
	/* The dentry's own name, as IG shows it (not the full path). */
	const unsigned char *name = BPF_CORE_READ(f, f_path.dentry, d_name.name);
	if (bpf_probe_read_kernel_str(ev->file, sizeof(ev->file), name) < 0)
		ev->file[0] = 0;
	gadget_submit(ev);
cleanup:
	bpf_map_delete_elem(&starts, &tid);
	return 0;
}

SEC("tracepoint/syscalls/sys_enter_read")
int enter_read(struct trace_event_raw_sys_enter *ctx)
{
	return enter_fd_op(FSSLOWER_F_READ, ctx->args[0], ctx->args[2], 0, true);
}

SEC("tracepoint/syscalls/sys_enter_write")
int enter_write(struct trace_event_raw_sys_enter *ctx)
{
	return enter_fd_op(FSSLOWER_F_WRITE, ctx->args[0], ctx->args[2], 0, true);
}

SEC("tracepoint/syscalls/sys_enter_pread64")
int enter_pread64(struct trace_event_raw_sys_enter *ctx)
{
	return enter_fd_op(FSSLOWER_F_READ, ctx->args[0], ctx->args[2], ctx->args[3], false);
}

SEC("tracepoint/syscalls/sys_enter_pwrite64")
int enter_pwrite64(struct trace_event_raw_sys_enter *ctx)
{
	return enter_fd_op(FSSLOWER_F_WRITE, ctx->args[0], ctx->args[2], ctx->args[3], false);
}

SEC("tracepoint/syscalls/sys_enter_fsync")
int enter_fsync(struct trace_event_raw_sys_enter *ctx)
{
	return enter_fd_op(FSSLOWER_F_FSYNC, ctx->args[0], 0, 0, true);
}

SEC("tracepoint/syscalls/sys_enter_fdatasync")
int enter_fdatasync(struct trace_event_raw_sys_enter *ctx)
{
	return enter_fd_op(FSSLOWER_F_FSYNC, ctx->args[0], 0, 0, true);
}

SEC("tracepoint/syscalls/sys_enter_openat")
int enter_openat(struct trace_event_raw_sys_enter *ctx)
{
	struct op_start s = {};
	s.mntns_id = gadget_mntns_id((struct task_struct *)bpf_get_current_task());
	if (!gadget_select_mntns(s.mntns_id, &s.pending))
		return 0;
	s.op = FSSLOWER_F_OPEN;
	s.start_ns = bpf_ktime_get_boot_ns();
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	bpf_map_update_elem(&starts, &tid, &s, BPF_ANY);
	return 0;
}

#define EXIT_PROG(sys)							\
	SEC("tracepoint/syscalls/sys_exit_" #sys)			\
	int exit_##sys(struct trace_event_raw_sys_exit *ctx)		\
	{								\
		return exit_op(ctx->ret);				\
	}

EXIT_PROG(read)
EXIT_PROG(write)
EXIT_PROG(pread64)
EXIT_PROG(pwrite64)
EXIT_PROG(fsync)
EXIT_PROG(fdatasync)
EXIT_PROG(openat)
