/* trace_bind: every bind(2) of an IPv4/IPv6 socket, with address, port, protocol and result. */
#include <podscope.h>
#include <bpf/bpf_endian.h>

char LICENSE[] SEC("license") = "GPL";

#define AF_INET 2
#define AF_INET6 10
#define SOCK_RAW 3

/* Prefixed for C; the manifest strips BIND_PROTO_. */
enum bind_proto {
	BIND_PROTO_OTHER = 0,
	BIND_PROTO_TCP = 1,
	BIND_PROTO_UDP = 2,
	BIND_PROTO_RAW = 3,
	BIND_PROTO_SCTP = 4,
	BIND_PROTO_MPTCP = 5,
	BIND_PROTO_UDPLITE = 6,
};

struct event {
	__u64 timestamp;
	__u64 mntns_id;
	struct gadget_proc proc;
	bool mntns_pending;
	__u8 version;		/* 4 or 6 */
	__u16 port;		/* bound port on success (an ephemeral one for port 0), else the requested one */
	__u8 addr[16];
	enum bind_proto proto;
	__s32 fd;
	__s32 retval;
	__u32 ifindex;		/* SO_BINDTODEVICE interface, 0 when unbound */
};
GADGET_EVENT_BTF(struct event);

struct bind_args {
	__u64 timestamp;
	__u64 mntns_id;
	struct sockaddr_in6 sa;	/* large enough for sockaddr_in */
	__s32 fd;
	bool pending;
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 10240);
	__type(key, __u32);
	__type(value, struct bind_args);
} binds SEC(".maps");

SEC("tracepoint/syscalls/sys_enter_bind")
int enter_bind(struct trace_event_raw_sys_enter *ctx)
{
	struct bind_args a = {};
	if (!gadget_should_emit(&a.mntns_id, &a.pending))
		return 0;
	if (bpf_probe_read_user(&a.sa, sizeof(struct sockaddr_in), (void *)ctx->args[1]))
		return 0;
	if (a.sa.sin6_family == AF_INET6 && bpf_probe_read_user(&a.sa, sizeof(a.sa), (void *)ctx->args[1]))
		return 0;
	if (a.sa.sin6_family != AF_INET && a.sa.sin6_family != AF_INET6)
		return 0;
	a.fd = ctx->args[0];
	a.timestamp = bpf_ktime_get_boot_ns();
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	bpf_map_update_elem(&binds, &tid, &a, BPF_ANY);
	return 0;
}

static __always_inline enum bind_proto proto_of(struct sock *sk)
{
	if (BPF_CORE_READ(sk, sk_type) == SOCK_RAW)
		return BIND_PROTO_RAW;
	switch (BPF_CORE_READ(sk, sk_protocol)) {
	case IPPROTO_TCP:
		return BIND_PROTO_TCP;
	case IPPROTO_UDP:
		return BIND_PROTO_UDP;
	case IPPROTO_SCTP:
		return BIND_PROTO_SCTP;
	case IPPROTO_MPTCP:
		return BIND_PROTO_MPTCP;
	case IPPROTO_UDPLITE:
		return BIND_PROTO_UDPLITE;
	default:
		return BIND_PROTO_OTHER;
	}
}

SEC("tracepoint/syscalls/sys_exit_bind")
int exit_bind(struct trace_event_raw_sys_exit *ctx)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	struct bind_args *a = bpf_map_lookup_elem(&binds, &tid);
	if (!a)
		return 0;
	struct event *ev = gadget_reserve(sizeof(*ev));
	if (!ev)
		goto cleanup;
	struct task_struct *task = (struct task_struct *)bpf_get_current_task();
	ev->timestamp = a->timestamp;
	ev->mntns_id = a->mntns_id;
	ev->mntns_pending = a->pending;
	gadget_fill_proc(&ev->proc);
	ev->fd = a->fd;
	ev->retval = ctx->ret;
	ev->proto = BIND_PROTO_OTHER;
	ev->ifindex = 0;
	__builtin_memset(ev->addr, 0, sizeof(ev->addr));
	if (a->sa.sin6_family == AF_INET) {
		struct sockaddr_in *in = (struct sockaddr_in *)&a->sa;
		ev->version = 4;
		ev->port = bpf_ntohs(in->sin_port);
		__builtin_memcpy(ev->addr, &in->sin_addr, 4);
	} else {
		ev->version = 6;
		ev->port = bpf_ntohs(a->sa.sin6_port);
		__builtin_memcpy(ev->addr, &a->sa.sin6_addr, 16);
	}
	struct file *f = gadget_fd_file(task, a->fd);
	if (f && gadget_file_type(f) == GADGET_S_IFSOCK) {
		struct socket *sock = BPF_CORE_READ(f, private_data);
		struct sock *sk = BPF_CORE_READ(sock, sk);
		if (sk) {
			ev->proto = proto_of(sk);
			ev->ifindex = BPF_CORE_READ(sk, __sk_common.skc_bound_dev_if);
			if (ctx->ret == 0)
				ev->port = BPF_CORE_READ(sk, __sk_common.skc_num);
		}
	}
	gadget_submit(ev);
cleanup:
	bpf_map_delete_elem(&binds, &tid);
	return 0;
}
