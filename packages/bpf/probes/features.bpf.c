/*
 * One tiny program per kernel feature podscope may use. The loader loads (and attaches) them one
 * at a time, with every other program and map left out, so one missing feature fails only its probe.
 */
#include <vmlinux.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

char LICENSE[] SEC("license") = "GPL";

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 4096);
} probe_ring SEC(".maps");

SEC("tracepoint/syscalls/sys_enter_getppid")
int probe_tracepoint(void *ctx)
{
	return 0;
}

SEC("raw_tp/sys_enter")
int probe_raw_tp(void *ctx)
{
	return 0;
}

SEC("tp_btf/sched_switch")
int BPF_PROG(probe_tp_btf, bool preempt, struct task_struct *prev, struct task_struct *next)
{
	return 0;
}

SEC("kprobe/vfs_read")
int probe_kprobe(struct pt_regs *ctx)
{
	return 0;
}

SEC("kprobe.multi/vfs_read")
int probe_kprobe_multi(struct pt_regs *ctx)
{
	return 0;
}

SEC("fentry/vfs_read")
int BPF_PROG(probe_fentry)
{
	return 0;
}

SEC("iter/task")
int probe_iter_task(struct bpf_iter__task *ctx)
{
	return 0;
}

SEC("socket")
int probe_socket_filter(struct __sk_buff *skb)
{
	return 0;
}

SEC("tracepoint/syscalls/sys_enter_getppid")
int probe_ringbuf(void *ctx)
{
	__u32 v = 0;
	bpf_ringbuf_output(&probe_ring, &v, sizeof(v), 0);
	return 0;
}
