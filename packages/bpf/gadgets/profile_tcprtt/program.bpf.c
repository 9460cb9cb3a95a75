/*
 * profile_tcprtt: TCP smoothed round-trip time (srtt) as a log2 histogram in microseconds, per
 * network namespace and remote (optionally local) address, sampled on every received segment
 * of an established connection (tcp:tcp_probe, which hands over the socket).
 *
 * Not per mount namespace: tcp_probe runs in softirq, where `current` is whoever the CPU was
 * running, and a socket does not point back to its task. The netns is the socket's own.
 */
#include <podscope.h>

char LICENSE[] SEC("license") = "GPL";

#define AF_INET 2
#define AF_INET6 10

/* --by-raddr / --by-laddr: which addresses split the histogram (both false = one per netns). */
const volatile bool by_raddr = true;
const volatile bool by_laddr = false;

struct hist_key {
	__u64 netns_id;
	__u8 raddr[16];
	__u8 laddr[16];
	__u8 rversion;	/* 4, 6, or 0 when that address is not part of the key */
	__u8 lversion;
	__u8 pad[6];
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 4096);
	__type(key, struct hist_key);
	__type(value, struct gadget_hist);
} hists SEC(".maps");

SEC("tp_btf/tcp_probe")
int BPF_PROG(on_tcp_probe, struct sock *sk, struct sk_buff *skb)
{
	__u16 family = BPF_CORE_READ(sk, __sk_common.skc_family);
	if (family != AF_INET && family != AF_INET6)
		return 0;
	struct tcp_sock *tp = (struct tcp_sock *)sk;
	/* srtt_us is kept scaled by 8 (RFC 6298 fixed point). */
	__u64 srtt_us = BPF_CORE_READ(tp, srtt_us) >> 3;

	struct hist_key key = {};
	key.netns_id = BPF_CORE_READ(sk, __sk_common.skc_net.net, ns.inum);
	__u8 version = family == AF_INET ? 4 : 6;
	if (by_raddr)
		key.rversion = version;
	if (by_laddr)
		key.lversion = version;
	if (family == AF_INET) {
		if (by_raddr)
			BPF_CORE_READ_INTO((__u32 *)key.raddr, sk, __sk_common.skc_daddr);
		if (by_laddr)
			BPF_CORE_READ_INTO((__u32 *)key.laddr, sk, __sk_common.skc_rcv_saddr);
	} else {
		if (by_raddr)
			BPF_CORE_READ_INTO(&key.raddr, sk, __sk_common.skc_v6_daddr.in6_u.u6_addr8);
		if (by_laddr)
			BPF_CORE_READ_INTO(&key.laddr, sk, __sk_common.skc_v6_rcv_saddr.in6_u.u6_addr8);
	}
	gadget_hist_add(&hists, &key, srtt_us);
	return 0;
}
