/*
 * top_tcp: bytes sent and received per TCP connection and process for each interval, from the
 * sock:sock_send_length / sock_recv_length tracepoints (every sendmsg/recvmsg of a socket,
 * including read/write/sendfile/splice on it), which run in the calling task and hand over the
 * socket: no fd → file → socket walk and no enter/exit pairing.
 */
#include <podscope.h>
#include <bpf/bpf_endian.h>

char LICENSE[] SEC("license") = "GPL";

#define AF_INET 2
#define AF_INET6 10
#define IPPROTO_TCP 6
#define MSG_PEEK 2

struct conn_key {
	__u64 mntns_id;
	__u32 pid;
	__u32 pad;
	struct gadget_l4endpoint src;
	struct gadget_l4endpoint dst;
};

struct conn_stats {
	__u64 sent;
	__u64 received;
	char comm[PODSCOPE_COMM_LEN];
};

/* Emptied by every fetch (top category). */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 10240);
	__type(key, struct conn_key);
	__type(value, struct conn_stats);
} conns SEC(".maps");

static __always_inline int count(struct sock *sk, int ret, bool sent)
{
	if (ret <= 0 || !sk)
		return 0;
	__u16 family = BPF_CORE_READ(sk, __sk_common.skc_family);
	if ((family != AF_INET && family != AF_INET6) || BPF_CORE_READ(sk, sk_protocol) != IPPROTO_TCP)
		return 0;
	struct conn_key key = {};
	bool pending;
	if (!gadget_should_emit(&key.mntns_id, &pending))
		return 0;
	key.pid = bpf_get_current_pid_tgid() >> 32;
	key.src.port = BPF_CORE_READ(sk, __sk_common.skc_num);
	key.dst.port = bpf_ntohs(BPF_CORE_READ(sk, __sk_common.skc_dport));
	if (family == AF_INET) {
		key.src.version = key.dst.version = 4;
		BPF_CORE_READ_INTO((__u32 *)key.src.addr, sk, __sk_common.skc_rcv_saddr);
		BPF_CORE_READ_INTO((__u32 *)key.dst.addr, sk, __sk_common.skc_daddr);
	} else {
		key.src.version = key.dst.version = 6;
		BPF_CORE_READ_INTO(&key.src.addr, sk, __sk_common.skc_v6_rcv_saddr.in6_u.u6_addr8);
		BPF_CORE_READ_INTO(&key.dst.addr, sk, __sk_common.skc_v6_daddr.in6_u.u6_addr8);
	}
	struct conn_stats *s = bpf_map_lookup_elem(&conns, &key);
	if (!s) {
		struct conn_stats fresh = {};
		bpf_get_current_comm(fresh.comm, sizeof(fresh.comm));
		/* -E2BIG: the map is full this interval; the agent sees it as kernel drops. */
		if (bpf_map_update_elem(&conns, &key, &fresh, BPF_NOEXIST) == -7)
			gadget_count_lost();
		s = bpf_map_lookup_elem(&conns, &key);
		if (!s)
			return 0;
	}
	if (sent)
		__sync_fetch_and_add(&s->sent, ret);
	else
		__sync_fetch_and_add(&s->received, ret);
	return 0;
}

SEC("tp_btf/sock_send_length")
int BPF_PROG(on_send, struct sock *sk, int ret, int flags)
{
	return count(sk, ret, true);
}

SEC("tp_btf/sock_recv_length")
int BPF_PROG(on_recv, struct sock *sk, int ret, int flags)
{
	/* A peek leaves the data in the queue: it is counted when really read. */
	if (flags & MSG_PEEK)
		return 0;
	return count(sk, ret, false);
}
