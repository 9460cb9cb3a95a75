/*
 * trace_tcp: TCP connect, accept and close, with the owning process.
 *
 * Process attribution: sock/inet_sock_set_state often fires in softirq, where current is not
 * the socket's owner. So the owner is recorded where it is certain (CLOSE->SYN_SENT runs in
 * connect(); accept4() exit runs in the acceptor) and looked up by socket later:
 *  - connect: emitted when the handshake resolves (SYN_SENT->ESTABLISHED, or ->CLOSE with the
 *    socket's sk_err, e.g. ECONNREFUSED), so ports are known; timestamp = the SYN. A connect
 *    that fails before SYN_SENT (no route, no free port) is reported at connect() exit.
 *  - accept: emitted at accept/accept4 exit, from the new socket.
 *  - close: the socket leaving ESTABLISHED/CLOSE_WAIT (FIN_WAIT1/LAST_ACK run in close();
 *    ->CLOSE aborts only for sockets with a recorded owner).
 */
#include <podscope.h>
#include <bpf/bpf_endian.h>

char LICENSE[] SEC("license") = "GPL";

#define AF_INET 2
#define AF_INET6 10
#define IPPROTO_TCP 6

enum tcp_event_type {
	TCP_EVENT_connect = 0,
	TCP_EVENT_accept = 1,
	TCP_EVENT_close = 2,
};

const volatile bool connect_only = false;
const volatile bool accept_only = false;
const volatile bool failure_only = false;

struct event {
	__u64 timestamp;
	__u64 mntns_id;
	struct gadget_proc proc;
	bool mntns_pending;
	enum tcp_event_type type;
	struct gadget_l4endpoint src;	/* local end */
	struct gadget_l4endpoint dst;	/* remote end */
	__s32 retval;			/* -errno of a failed connect, else 0 */
	__s32 fd;			/* accepted fd; -1 when not known */
};
GADGET_EVENT_BTF(struct event);

struct sock_owner {
	struct gadget_proc proc;
	__u64 mntns_id;
	__u64 timestamp;
	bool pending;
	bool emit;	/* false: selection or push-down rejected the owner */
};

/* LRU: sockets whose close we never see must not fill the map. */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 65536);
	__type(key, __u64);
	__type(value, struct sock_owner);
} owners SEC(".maps");

static __always_inline bool type_wanted(enum tcp_event_type type, __s32 retval)
{
	if (failure_only && retval == 0)
		return false;
	if (connect_only && type != TCP_EVENT_connect)
		return false;
	if (accept_only && type != TCP_EVENT_accept)
		return false;
	return true;
}

/*
 * Sockets whose connect() reached SYN_SENT: the handshake path reports how they end, so their connect()
 * return is not a second event. Whatever fails before SYN_SENT (no route, no local port, refused by
 * policy) is only seen at the syscall's exit.
 */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 65536);
	__type(key, __u64);
	__type(value, __u8);
} handshakes SEC(".maps");

/* The owner as current: judged by selection + push-down once, here. */
static __always_inline void owner_from_current(struct sock_owner *o)
{
	o->emit = gadget_should_emit(&o->mntns_id, &o->pending);
	o->timestamp = bpf_ktime_get_boot_ns();
	if (o->emit)
		gadget_fill_proc(&o->proc);
}

static __always_inline void emit(struct sock_owner *o, enum tcp_event_type type, struct gadget_l4endpoint *src,
				 struct gadget_l4endpoint *dst, __s32 retval, __s32 fd)
{
	struct event *ev = gadget_reserve(sizeof(*ev));
	if (!ev)
		return;
	ev->timestamp = o->timestamp;
	ev->mntns_id = o->mntns_id;
	ev->mntns_pending = o->pending;
	ev->proc = o->proc;
	ev->type = type;
	ev->src = *src;
	ev->dst = *dst;
	ev->retval = retval;
	ev->fd = fd;
	gadget_submit(ev);
}

static __always_inline void endpoint_from_tp(struct gadget_l4endpoint *ep, __u16 family, const __u8 *v4, const __u8 *v6, __u16 port)
{
	ep->port = port;
	/* The verifier refuses loads through a moved ctx pointer; copy with a helper. */
	if (family == AF_INET) {
		ep->version = 4;
		bpf_probe_read_kernel(ep->addr, 4, v4);
	} else {
		ep->version = 6;
		bpf_probe_read_kernel(ep->addr, 16, v6);
	}
}

SEC("tracepoint/sock/inet_sock_set_state")
int inet_sock_set_state(struct trace_event_raw_inet_sock_set_state *ctx)
{
	if (ctx->protocol != IPPROTO_TCP || (ctx->family != AF_INET && ctx->family != AF_INET6))
		return 0;
	__u64 sk = (__u64)ctx->skaddr;
	int oldstate = ctx->oldstate, newstate = ctx->newstate;

	if (oldstate == TCP_CLOSE && newstate == TCP_SYN_SENT) {
		/* Inside connect(): current is the owner. */
		struct sock_owner o = {};
		owner_from_current(&o);
		bpf_map_update_elem(&owners, &sk, &o, BPF_ANY);
		__u8 one = 1;
		bpf_map_update_elem(&handshakes, &sk, &one, BPF_ANY);
		return 0;
	}

	struct gadget_l4endpoint src = {}, dst = {};
	endpoint_from_tp(&src, ctx->family, ctx->saddr, ctx->saddr_v6, ctx->sport);
	endpoint_from_tp(&dst, ctx->family, ctx->daddr, ctx->daddr_v6, ctx->dport);
	struct sock_owner *o = bpf_map_lookup_elem(&owners, &sk);

	if (oldstate == TCP_SYN_SENT && (newstate == TCP_ESTABLISHED || newstate == TCP_CLOSE)) {
		if (!o)
			return 0;
		__s32 retval = 0;
		if (newstate == TCP_CLOSE)
			retval = -BPF_CORE_READ((struct sock *)sk, sk_err);
		if (o->emit && type_wanted(TCP_EVENT_connect, retval))
			emit(o, TCP_EVENT_connect, &src, &dst, retval, -1);
		if (newstate == TCP_CLOSE)
			bpf_map_delete_elem(&owners, &sk);
		return 0;
	}

	if (oldstate == TCP_ESTABLISHED || oldstate == TCP_CLOSE_WAIT) {
		bool in_close = newstate == TCP_FIN_WAIT1 || newstate == TCP_LAST_ACK;
		if (in_close || (newstate == TCP_CLOSE && o)) {
			struct sock_owner now = {};
			if (o) {
				now = *o;
			} else {
				/* FIN_WAIT1/LAST_ACK are entered by close() itself: current is the closer. */
				owner_from_current(&now);
			}
			now.timestamp = bpf_ktime_get_boot_ns();
			if (now.emit && type_wanted(TCP_EVENT_close, 0))
				emit(&now, TCP_EVENT_close, &src, &dst, 0, -1);
		}
	}
	if (newstate == TCP_CLOSE && o)
		bpf_map_delete_elem(&owners, &sk);
	return 0;
}

/* The TCP (IPv4/IPv6) sock behind a task's fd, or NULL. */
static __always_inline struct sock *tcp_sock_of_fd(struct task_struct *task, int fd)
{
	struct file *f = gadget_fd_file(task, fd);
	if (!f || gadget_file_type(f) != GADGET_S_IFSOCK)
		return NULL;
	struct socket *sock = BPF_CORE_READ(f, private_data);
	struct sock *sk = BPF_CORE_READ(sock, sk);
	if (!sk || BPF_CORE_READ(sk, sk_protocol) != IPPROTO_TCP)
		return NULL;
	__u16 family = BPF_CORE_READ(sk, __sk_common.skc_family);
	if (family != AF_INET && family != AF_INET6)
		return NULL;
	return sk;
}

static __always_inline int exit_accept(long ret)
{
	if (ret < 0)
		return 0;
	struct sock *sk = tcp_sock_of_fd((struct task_struct *)bpf_get_current_task(), ret);
	if (!sk)
		return 0;
	__u16 family = BPF_CORE_READ(sk, __sk_common.skc_family);

	struct sock_owner o = {};
	owner_from_current(&o);
	__u64 key = (__u64)sk;
	bpf_map_update_elem(&owners, &key, &o, BPF_ANY);
	if (!o.emit || !type_wanted(TCP_EVENT_accept, 0))
		return 0;

	struct gadget_l4endpoint src = {}, dst = {};
	src.port = BPF_CORE_READ(sk, __sk_common.skc_num);
	dst.port = bpf_ntohs(BPF_CORE_READ(sk, __sk_common.skc_dport));
	/* Read into typed temporaries: BPF_CORE_READ_INTO sizes the copy by its destination. */
	if (family == AF_INET) {
		__be32 saddr = BPF_CORE_READ(sk, __sk_common.skc_rcv_saddr);
		__be32 daddr = BPF_CORE_READ(sk, __sk_common.skc_daddr);
		src.version = dst.version = 4;
		__builtin_memcpy(src.addr, &saddr, 4);
		__builtin_memcpy(dst.addr, &daddr, 4);
	} else {
		struct in6_addr saddr = BPF_CORE_READ(sk, __sk_common.skc_v6_rcv_saddr);
		struct in6_addr daddr = BPF_CORE_READ(sk, __sk_common.skc_v6_daddr);
		src.version = dst.version = 6;
		__builtin_memcpy(src.addr, &saddr, 16);
		__builtin_memcpy(dst.addr, &daddr, 16);
	}
	emit(&o, TCP_EVENT_accept, &src, &dst, 0, ret);
	return 0;
}

SEC("tracepoint/syscalls/sys_exit_accept4")
int exit_accept4(struct trace_event_raw_sys_exit *ctx)
{
	return exit_accept(ctx->ret);
}

SEC("tracepoint/syscalls/sys_exit_accept")
int exit_accept_(struct trace_event_raw_sys_exit *ctx)
{
	return exit_accept(ctx->ret);
}

#define EINTR 4
#define EALREADY 114
#define EINPROGRESS 115
#define ERESTARTSYS 512

/* connect() failures that never reached SYN_SENT (e.g. ENETUNREACH, EADDRNOTAVAIL, EACCES). */
SEC("tracepoint/syscalls/sys_exit_connect")
int exit_connect(struct trace_event_raw_sys_exit *ctx)
{
	long ret = ctx->ret;
	struct pt_regs *regs = (struct pt_regs *)bpf_task_pt_regs(gadget_current());
	int fd = PT_REGS_PARM1_SYSCALL(regs);
	struct sock *sk = tcp_sock_of_fd((struct task_struct *)bpf_get_current_task(), fd);
	if (!sk)
		return 0;
	__u64 key = (__u64)sk;
	bool handshake = bpf_map_lookup_elem(&handshakes, &key) != NULL;
	if (handshake)
		bpf_map_delete_elem(&handshakes, &key);
	if (ret >= 0 || handshake || ret == -EINPROGRESS || ret == -EALREADY || ret == -EINTR || ret == -ERESTARTSYS)
		return 0;

	struct sock_owner o = {};
	owner_from_current(&o);
	if (!o.emit || !type_wanted(TCP_EVENT_connect, ret))
		return 0;
	struct gadget_l4endpoint src = {}, dst = {};
	/* The destination as the caller gave it: struct sockaddr_in / sockaddr_in6. */
	const void *addr = (const void *)PT_REGS_PARM2_SYSCALL(regs);
	__u16 family = 0;
	bpf_probe_read_user(&family, sizeof(family), addr);
	__be16 port = 0;
	bpf_probe_read_user(&port, sizeof(port), addr + 2);
	dst.port = bpf_ntohs(port);
	if (family == AF_INET) {
		dst.version = 4;
		bpf_probe_read_user(dst.addr, 4, addr + 4);
	} else if (family == AF_INET6) {
		dst.version = 6;
		bpf_probe_read_user(dst.addr, 16, addr + 8);
	}
	src.port = BPF_CORE_READ(sk, __sk_common.skc_num);
	src.version = dst.version;
	if (dst.version == 4) {
		__be32 saddr = BPF_CORE_READ(sk, __sk_common.skc_rcv_saddr);
		__builtin_memcpy(src.addr, &saddr, 4);
	} else if (dst.version == 6) {
		struct in6_addr saddr = BPF_CORE_READ(sk, __sk_common.skc_v6_rcv_saddr);
		__builtin_memcpy(src.addr, &saddr, 16);
	}
	emit(&o, TCP_EVENT_connect, &src, &dst, ret, fd);
	return 0;
}
