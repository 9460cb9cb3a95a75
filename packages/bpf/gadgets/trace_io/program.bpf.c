/*
 * trace_io: syscall I/O with the first `snaplen` bytes of each buffer (sysdig-style capture).
 *
 * Data syscalls (read/write/readv/writev/pread64/pwrite64/sendto/recvfrom/sendmsg/recvmsg/
 * sendfile64) save their buffer pointer at entry; at exit the bytes actually transferred
 * (min(retval, snaplen, first iovec)) are copied from that user buffer, so reads show what
 * was received. connect/accept/accept4/open/openat/openat2/close give every fd a meaning.
 *
 * Records are variable-size: the event is built in a per-CPU scratch buffer and only the
 * header plus the captured bytes go to the ring (bpf_ringbuf_output with a bounded size).
 *
 * Each fd is resolved in the kernel: the file's type, its dentry name, and for inet sockets
 * the local/remote endpoints and protocol (task->files->fdt->fd[fd]->private_data->sk).
 */
#include <podscope.h>
#include <bpf/bpf_endian.h>

char LICENSE[] SEC("license") = "GPL";

#define DATA_MAX 8192	/* power of two: the largest snaplen */
#define FD_NAME_MAX 128
#define AF_UNIX 1
#define AF_INET 2
#define AF_INET6 10
#define GADGET_S_IFIFO 0010000

enum io_op {
	IO_OP_READ = 0,
	IO_OP_WRITE,
	IO_OP_READV,
	IO_OP_WRITEV,
	IO_OP_PREAD,
	IO_OP_PWRITE,
	IO_OP_SENDTO,
	IO_OP_RECVFROM,
	IO_OP_SENDMSG,
	IO_OP_RECVMSG,
	IO_OP_SENDFILE,
	IO_OP_CONNECT,
	IO_OP_ACCEPT,
	IO_OP_OPEN,
	IO_OP_CLOSE,
};

enum io_fd_type {
	IO_FD_other = 0,
	IO_FD_file,
	IO_FD_socket,
	IO_FD_pipe,
};

/* Bytes of each buffer copied (set before load; the manifest bounds it to DATA_MAX). */
const volatile __u32 snaplen = 80;
/* The tracer's own process: its hub/socket writes must not feed back into the capture. */
const volatile __u32 self_pid = 0;

struct fd_info {
	enum io_fd_type type;
	__u8 proto;		/* IPPROTO_TCP / IPPROTO_UDP for inet sockets */
	__u8 family;		/* AF_INET / AF_INET6 / AF_UNIX, 0 otherwise */
	__u16 pad;
	__u64 ino;		/* inode number (pipes and unix sockets are named by it) */
	struct gadget_l4endpoint laddr;
	struct gadget_l4endpoint raddr;
	char name[FD_NAME_MAX];	/* dentry name, or the path given to openat */
};

struct event {
	__u64 timestamp;	/* syscall entry */
	__u64 mntns_id;
	struct gadget_proc proc;
	bool mntns_pending;
	bool data_truncated;	/* more bytes were transferred than captured */
	enum io_op op;
	__s32 fd;
	__s32 data_len;		/* bytes captured in data[] */
	__s64 retval;		/* bytes transferred, new fd, 0, or -errno */
	__s64 bytes;		/* bytes transferred by a data syscall, else 0 */
	__u64 delta_ns;		/* entry -> exit */
	struct fd_info fdi;
	__u8 data[DATA_MAX];
};
GADGET_EVENT_BTF(struct event);

struct io_args {
	__u64 timestamp;
	__u64 mntns_id;
	__u64 buf;		/* user buffer (or first iov_base) */
	__u64 count;		/* its length */
	__u64 name;		/* openat: user pointer to the path */
	__s32 fd;
	enum io_op op;
	bool pending;
	bool closed_resolved;	/* close: fdi filled at entry (the fd is gone at exit) */
	struct fd_info fdi;
};

/* tid -> the syscall in flight. LRU: a thread that dies inside a syscall never reaches its exit. */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 16384);
	__type(key, __u32);
	__type(value, struct io_args);
} inflight SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct event);
} scratch SEC(".maps");

/* Zeroed template for io_args (too big to zero on the stack cheaply next to the event). */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct io_args);
} args_scratch SEC(".maps");

static __always_inline void resolve_fd(struct task_struct *task, int fd, struct fd_info *fi)
{
	fi->type = IO_FD_other;
	fi->proto = 0;
	fi->family = 0;
	fi->ino = 0;
	fi->name[0] = 0;
	__builtin_memset(&fi->laddr, 0, sizeof(fi->laddr));
	__builtin_memset(&fi->raddr, 0, sizeof(fi->raddr));

	struct file *f = gadget_fd_file(task, fd);
	if (!f)
		return;
	struct inode *inode = BPF_CORE_READ(f, f_inode);
	__u16 mode = BPF_CORE_READ(inode, i_mode) & GADGET_S_IFMT;
	fi->ino = BPF_CORE_READ(inode, i_ino);
	if (mode == GADGET_S_IFSOCK) {
		fi->type = IO_FD_socket;
		struct socket *sock = BPF_CORE_READ(f, private_data);
		struct sock *sk = BPF_CORE_READ(sock, sk);
		if (!sk)
			return;
		__u16 family = BPF_CORE_READ(sk, __sk_common.skc_family);
		fi->family = family;
		fi->proto = BPF_CORE_READ(sk, sk_protocol);
		if (family == AF_INET) {
			__be32 saddr = BPF_CORE_READ(sk, __sk_common.skc_rcv_saddr);
			__be32 daddr = BPF_CORE_READ(sk, __sk_common.skc_daddr);
			fi->laddr.version = fi->raddr.version = 4;
			__builtin_memcpy(fi->laddr.addr, &saddr, 4);
			__builtin_memcpy(fi->raddr.addr, &daddr, 4);
		} else if (family == AF_INET6) {
			fi->laddr.version = fi->raddr.version = 6;
			BPF_CORE_READ_INTO(&fi->laddr.addr, sk, __sk_common.skc_v6_rcv_saddr.in6_u.u6_addr8);
			BPF_CORE_READ_INTO(&fi->raddr.addr, sk, __sk_common.skc_v6_daddr.in6_u.u6_addr8);
		} else {
			return;
		}
		fi->laddr.port = BPF_CORE_READ(sk, __sk_common.skc_num);
		fi->raddr.port = bpf_ntohs(BPF_CORE_READ(sk, __sk_common.skc_dport));
		return;
	}
	/* Anonymous inodes ([eventfd], [eventpoll]) have no type bits: "other", named by their dentry. */
	if (mode == GADGET_S_IFIFO)
		fi->type = IO_FD_pipe;
	else if (mode != 0)
		fi->type = IO_FD_file;
	const unsigned char *name = BPF_CORE_READ(f, f_path.dentry, d_name.name);
	bpf_probe_read_kernel_str(fi->name, sizeof(fi->name), name);
}

static __always_inline struct io_args *new_args(void)
{
	__u32 zero = 0;
	struct io_args *a = bpf_map_lookup_elem(&args_scratch, &zero);
	if (!a)
		return NULL;
	__builtin_memset(a, 0, sizeof(*a) - sizeof(a->fdi));
	a->fdi.name[0] = 0;
	return a;
}

static __always_inline int enter_io(enum io_op op, __s32 fd, __u64 buf, __u64 count, __u64 name)
{
	__u64 pid_tgid = bpf_get_current_pid_tgid();
	if (self_pid != 0 && (pid_tgid >> 32) == self_pid)
		return 0;
	/* Selection first: every read/write on the node passes here, unselected ones must cost little. */
	struct task_struct *task = (struct task_struct *)bpf_get_current_task();
	__u64 mntns;
	bool pending;
	if (!gadget_should_emit(&mntns, &pending))
		return 0;
	struct io_args *a = new_args();
	if (!a)
		return 0;
	a->mntns_id = mntns;
	a->pending = pending;
	a->timestamp = bpf_ktime_get_boot_ns();
	a->op = op;
	a->fd = fd;
	a->buf = buf;
	a->count = count;
	a->name = name;
	if (op == IO_OP_CLOSE) {
		resolve_fd(task, fd, &a->fdi);
		a->closed_resolved = true;
	}
	__u32 tid = (__u32)pid_tgid;
	bpf_map_update_elem(&inflight, &tid, a, BPF_ANY);
	return 0;
}

/* readv/writev: the first iovec. */
static __always_inline int enter_iov(enum io_op op, __s32 fd, const struct iovec *iov, __u64 iovcnt)
{
	struct iovec first = {};
	if (iovcnt > 0)
		bpf_probe_read_user(&first, sizeof(first), iov);
	return enter_io(op, fd, (__u64)first.iov_base, first.iov_len, 0);
}

/* sendmsg/recvmsg: the message's first iovec. */
static __always_inline int enter_msg(enum io_op op, __s32 fd, const struct user_msghdr *umsg)
{
	struct user_msghdr msg = {};
	bpf_probe_read_user(&msg, sizeof(msg), umsg);
	return enter_iov(op, fd, msg.msg_iov, msg.msg_iovlen);
}

static __always_inline bool op_has_data(enum io_op op)
{
	return op <= IO_OP_RECVMSG;
}

static __always_inline int exit_io(long ret)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	struct io_args *a = bpf_map_lookup_elem(&inflight, &tid);
	if (!a)
		return 0;
	__u32 zero = 0;
	struct event *ev = bpf_map_lookup_elem(&scratch, &zero);
	if (!ev)
		goto cleanup;
	struct task_struct *task = (struct task_struct *)bpf_get_current_task();

	ev->timestamp = a->timestamp;
	ev->mntns_id = a->mntns_id;
	ev->mntns_pending = a->pending;
	gadget_fill_proc(&ev->proc);
	ev->op = a->op;
	ev->retval = ret;
	ev->bytes = op_has_data(a->op) || a->op == IO_OP_SENDFILE ? (ret > 0 ? ret : 0) : 0;
	ev->delta_ns = bpf_ktime_get_boot_ns() - a->timestamp;
	ev->data_len = 0;
	ev->data_truncated = false;

	__s32 fd = a->fd;
	if ((a->op == IO_OP_ACCEPT || a->op == IO_OP_OPEN))
		fd = ret >= 0 ? (__s32)ret : -1;
	ev->fd = fd;
	if (a->closed_resolved)
		ev->fdi = a->fdi;
	else
		resolve_fd(task, fd, &ev->fdi);
	/* openat: the path as given (a dentry only knows its last component). */
	if (a->op == IO_OP_OPEN && a->name != 0)
		bpf_probe_read_user_str(ev->fdi.name, sizeof(ev->fdi.name), (const void *)a->name);

	__u64 len = 0;
	if (op_has_data(a->op) && ret > 0 && a->buf != 0) {
		len = ret;
		if (len > a->count)
			len = a->count;
		if (len > snaplen)
			len = snaplen;
		if (len > DATA_MAX)
			len = DATA_MAX;
		/* The verifier needs the bound on the very register passed to the helper. */
		len &= (DATA_MAX << 1) - 1;
		if (len > DATA_MAX)
			len = DATA_MAX;
		if (len > 0 && bpf_probe_read_user(ev->data, len, (const void *)a->buf) != 0)
			len = 0;
		ev->data_len = len;
		ev->data_truncated = (__u64)ret > len;
	}

	__u64 size = offsetof(struct event, data) + len;
	if (size > sizeof(*ev))
		size = sizeof(*ev);
	gadget_output(ev, size);
cleanup:
	bpf_map_delete_elem(&inflight, &tid);
	return 0;
}

#define ARG(i) (ctx->args[i])

SEC("tracepoint/syscalls/sys_enter_read")
int enter_read(struct trace_event_raw_sys_enter *ctx) { return enter_io(IO_OP_READ, ARG(0), ARG(1), ARG(2), 0); }
SEC("tracepoint/syscalls/sys_enter_write")
int enter_write(struct trace_event_raw_sys_enter *ctx) { return enter_io(IO_OP_WRITE, ARG(0), ARG(1), ARG(2), 0); }
SEC("tracepoint/syscalls/sys_enter_pread64")
int enter_pread64(struct trace_event_raw_sys_enter *ctx) { return enter_io(IO_OP_PREAD, ARG(0), ARG(1), ARG(2), 0); }
SEC("tracepoint/syscalls/sys_enter_pwrite64")
int enter_pwrite64(struct trace_event_raw_sys_enter *ctx) { return enter_io(IO_OP_PWRITE, ARG(0), ARG(1), ARG(2), 0); }
SEC("tracepoint/syscalls/sys_enter_readv")
int enter_readv(struct trace_event_raw_sys_enter *ctx) { return enter_iov(IO_OP_READV, ARG(0), (const struct iovec *)ARG(1), ARG(2)); }
SEC("tracepoint/syscalls/sys_enter_writev")
int enter_writev(struct trace_event_raw_sys_enter *ctx) { return enter_iov(IO_OP_WRITEV, ARG(0), (const struct iovec *)ARG(1), ARG(2)); }
SEC("tracepoint/syscalls/sys_enter_sendto")
int enter_sendto(struct trace_event_raw_sys_enter *ctx) { return enter_io(IO_OP_SENDTO, ARG(0), ARG(1), ARG(2), 0); }
SEC("tracepoint/syscalls/sys_enter_recvfrom")
int enter_recvfrom(struct trace_event_raw_sys_enter *ctx) { return enter_io(IO_OP_RECVFROM, ARG(0), ARG(1), ARG(2), 0); }
SEC("tracepoint/syscalls/sys_enter_sendmsg")
int enter_sendmsg(struct trace_event_raw_sys_enter *ctx) { return enter_msg(IO_OP_SENDMSG, ARG(0), (const struct user_msghdr *)ARG(1)); }
SEC("tracepoint/syscalls/sys_enter_recvmsg")
int enter_recvmsg(struct trace_event_raw_sys_enter *ctx) { return enter_msg(IO_OP_RECVMSG, ARG(0), (const struct user_msghdr *)ARG(1)); }
SEC("tracepoint/syscalls/sys_enter_sendfile64")
int enter_sendfile64(struct trace_event_raw_sys_enter *ctx) { return enter_io(IO_OP_SENDFILE, ARG(0), 0, ARG(3), 0); }
SEC("tracepoint/syscalls/sys_enter_connect")
int enter_connect(struct trace_event_raw_sys_enter *ctx) { return enter_io(IO_OP_CONNECT, ARG(0), 0, 0, 0); }
SEC("tracepoint/syscalls/sys_enter_accept")
int enter_accept_(struct trace_event_raw_sys_enter *ctx) { return enter_io(IO_OP_ACCEPT, ARG(0), 0, 0, 0); }
SEC("tracepoint/syscalls/sys_enter_accept4")
int enter_accept4(struct trace_event_raw_sys_enter *ctx) { return enter_io(IO_OP_ACCEPT, ARG(0), 0, 0, 0); }
SEC("tracepoint/syscalls/sys_enter_openat")
int enter_openat(struct trace_event_raw_sys_enter *ctx) { return enter_io(IO_OP_OPEN, ARG(0), 0, 0, ARG(1)); }
SEC("tracepoint/syscalls/sys_enter_open")
int enter_open_(struct trace_event_raw_sys_enter *ctx) { return enter_io(IO_OP_OPEN, -100 /* AT_FDCWD */, 0, 0, ARG(0)); }
SEC("tracepoint/syscalls/sys_enter_openat2")
int enter_openat2(struct trace_event_raw_sys_enter *ctx) { return enter_io(IO_OP_OPEN, ARG(0), 0, 0, ARG(1)); }
SEC("tracepoint/syscalls/sys_enter_close")
int enter_close(struct trace_event_raw_sys_enter *ctx) { return enter_io(IO_OP_CLOSE, ARG(0), 0, 0, 0); }

#define EXIT(name) \
	SEC("tracepoint/syscalls/sys_exit_" #name) \
	int exit_##name(struct trace_event_raw_sys_exit *ctx) { return exit_io(ctx->ret); }

EXIT(read)
EXIT(write)
EXIT(pread64)
EXIT(pwrite64)
EXIT(readv)
EXIT(writev)
EXIT(sendto)
EXIT(recvfrom)
EXIT(sendmsg)
EXIT(recvmsg)
EXIT(sendfile64)
EXIT(connect)
EXIT(accept4)
EXIT(openat)
EXIT(close)

/* accept(2) and open(2) do not exist on arm64; openat2 is 5.6+ (optional programs in the manifest). */
SEC("tracepoint/syscalls/sys_exit_accept")
int exit_accept_(struct trace_event_raw_sys_exit *ctx) { return exit_io(ctx->ret); }
SEC("tracepoint/syscalls/sys_exit_open")
int exit_open_(struct trace_event_raw_sys_exit *ctx) { return exit_io(ctx->ret); }
EXIT(openat2)
