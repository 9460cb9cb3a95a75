/*
 * top_file: reads, writes and bytes per (mount namespace, process, file) for each interval,
 * from the read/write family of syscall tracepoints. The fd is resolved to its struct file at
 * entry (where the fd is known); bytes come from the return value at exit.
 */
#include <podscope.h>

char LICENSE[] SEC("license") = "GPL";

#define FILE_NAME_LEN 64

/* --all-files: count sockets, pipes and devices too; default regular files only. */
const volatile bool all_files = false;

/* IG's T column; the manifest strips the prefix. */
enum file_type {
	TOPFILE_R = 0,	/* regular file */
	TOPFILE_S = 1,	/* socket */
	TOPFILE_O = 2,	/* anything else: pipe, character device, ... */
};

struct file_key {
	__u64 mntns_id;
	__u32 pid;
	__u32 dev;
	__u64 ino;
};

struct file_stats {
	__u64 reads;
	__u64 writes;
	__u64 rbytes;
	__u64 wbytes;
	__u32 tid;	/* the thread that first touched the file this interval */
	enum file_type type;
	char comm[PODSCOPE_COMM_LEN];
	char file[FILE_NAME_LEN];
};

/* Emptied by every fetch (top category): counters are per interval. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 10240);
	__type(key, struct file_key);
	__type(value, struct file_stats);
} stats SEC(".maps");

struct pending_io {
	struct file *file;
	__u64 mntns_id;
	bool write;
};

/* tid → the file of the syscall in flight. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 16384);
	__type(key, __u32);
	__type(value, struct pending_io);
} inflight SEC(".maps");

static __always_inline enum file_type type_of(struct file *f)
{
	__u16 mode = gadget_file_type(f);
	if (mode == GADGET_S_IFREG)
		return TOPFILE_R;
	if (mode == GADGET_S_IFSOCK)
		return TOPFILE_S;
	return TOPFILE_O;
}

static __always_inline int enter_io(int fd, bool write)
{
	struct task_struct *task = (struct task_struct *)bpf_get_current_task();
	struct pending_io p = { .write = write };
	bool pending;
	/* Selection first: an unselected pod's syscalls then cost one map lookup, not an fd table walk. */
	if (!gadget_should_emit(&p.mntns_id, &pending))
		return 0;
	struct file *f = gadget_fd_file(task, fd);
	if (!f)
		return 0;
	if (!all_files && gadget_file_type(f) != GADGET_S_IFREG)
		return 0;
	p.file = f;
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	bpf_map_update_elem(&inflight, &tid, &p, BPF_ANY);
	return 0;
}

static __always_inline int exit_io(long ret)
{
	__u64 pid_tgid = bpf_get_current_pid_tgid();
	__u32 tid = (__u32)pid_tgid;
	struct pending_io *p = bpf_map_lookup_elem(&inflight, &tid);
	if (!p)
		return 0;
	struct pending_io io = *p;
	bpf_map_delete_elem(&inflight, &tid);
	if (ret <= 0)
		return 0;

	/* A plain local: CO-RE relocations must not be applied to our own struct's member. */
	struct file *f = io.file;
	struct file_key key = { .mntns_id = io.mntns_id, .pid = pid_tgid >> 32 };
	key.dev = BPF_CORE_READ(f, f_inode, i_sb, s_dev);
	key.ino = BPF_CORE_READ(f, f_inode, i_ino);
	struct file_stats *s = bpf_map_lookup_elem(&stats, &key);
	if (!s) {
		struct file_stats fresh = { .tid = tid, .type = type_of(f) };
		bpf_get_current_comm(fresh.comm, sizeof(fresh.comm));
		const unsigned char *name = BPF_CORE_READ(f, f_path.dentry, d_name.name);
		bpf_probe_read_kernel_str(fresh.file, sizeof(fresh.file), name);
		/* -E2BIG: the map is full this interval; the agent sees it as kernel drops. */
		if (bpf_map_update_elem(&stats, &key, &fresh, BPF_NOEXIST) == -7)
			gadget_count_lost();
		s = bpf_map_lookup_elem(&stats, &key);
		if (!s)
			return 0;
	}
	if (io.write) {
		__sync_fetch_and_add(&s->writes, 1);
		__sync_fetch_and_add(&s->wbytes, ret);
	} else {
		__sync_fetch_and_add(&s->reads, 1);
		__sync_fetch_and_add(&s->rbytes, ret);
	}
	return 0;
}

#define IO_PROGS(sys, is_write)						\
	SEC("tracepoint/syscalls/sys_enter_" #sys)			\
	int enter_##sys(struct trace_event_raw_sys_enter *ctx)		\
	{								\
		return enter_io(ctx->args[0], is_write);		\
	}								\
	SEC("tracepoint/syscalls/sys_exit_" #sys)			\
	int exit_##sys(struct trace_event_raw_sys_exit *ctx)		\
	{								\
		return exit_io(ctx->ret);				\
	}

IO_PROGS(read, false)
IO_PROGS(write, true)
IO_PROGS(pread64, false)
IO_PROGS(pwrite64, true)
IO_PROGS(readv, false)
IO_PROGS(writev, true)
IO_PROGS(preadv, false)
IO_PROGS(pwritev, true)
