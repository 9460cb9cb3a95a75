/* Shared by every gadget: process fields, kernel-side mount-namespace selection, ring output. */
#ifndef PODSCOPE_H
#define PODSCOPE_H

#include <vmlinux.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_tracing.h>

#define PODSCOPE_COMM_LEN 16

/*
 * Process fields of every event. A struct member named `proc` is flattened by the
 * TypeScript decoder into proc.pid, proc.comm, ... so C and dotted names stay aligned.
 */
struct gadget_proc {
	__u32 pid;
	__u32 tid;
	__u32 ppid;
	__u32 uid;
	__u32 gid;
	char comm[PODSCOPE_COMM_LEN];
	char pcomm[PODSCOPE_COMM_LEN];
};

/* Set from userspace before load; false traces every mount namespace (e.g. --host). */
const volatile bool filter_by_mntns = false;

/* mntns inode -> 1 trace, 0 drop. Absent means "not judged yet": emit and flag it pending. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 16384);
	__type(key, __u64);
	__type(value, __u8);
} mntns_verdict SEC(".maps");

/* Ring-buffer reserve failures, per CPU so counting never contends. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} lost_events SEC(".maps");

/* Size is overridden by the loader (ring-size param) before load. */
struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 1 << 24);
} events SEC(".maps");

static __always_inline __u64 gadget_mntns_id(struct task_struct *task)
{
	return BPF_CORE_READ(task, nsproxy, mnt_ns, ns.inum);
}

/* Returns false when the event must be dropped in the kernel. */
static __always_inline bool gadget_select_mntns(__u64 mntns, bool *pending)
{
	*pending = false;
	if (!filter_by_mntns)
		return true;
	__u8 *verdict = bpf_map_lookup_elem(&mntns_verdict, &mntns);
	if (!verdict) {
		/* A brand-new container: let the agent see its first events while it resolves it. */
		*pending = true;
		return true;
	}
	return *verdict != 0;
}

static __always_inline void gadget_fill_proc(struct gadget_proc *p, struct task_struct *task)
{
	__u64 pid_tgid = bpf_get_current_pid_tgid();
	__u64 uid_gid = bpf_get_current_uid_gid();
	struct task_struct *parent = BPF_CORE_READ(task, real_parent);

	p->pid = pid_tgid >> 32;
	p->tid = (__u32)pid_tgid;
	p->uid = (__u32)uid_gid;
	p->gid = uid_gid >> 32;
	p->ppid = BPF_CORE_READ(parent, tgid);
	bpf_get_current_comm(p->comm, sizeof(p->comm));
	bpf_probe_read_kernel_str(p->pcomm, sizeof(p->pcomm), &parent->comm);
}

static __always_inline void gadget_count_lost(void)
{
	__u32 zero = 0;
	__u64 *lost = bpf_map_lookup_elem(&lost_events, &zero);
	if (lost)
		*lost += 1;
}

/*
 * Copies one event into the ring. NO_WAKEUP: userspace drains on a timer, and a wakeup
 * per event would cost the traced workload far more than the copy.
 */
static __always_inline long gadget_output(void *data, __u64 size)
{
	long err = bpf_ringbuf_output(&events, data, size, BPF_RB_NO_WAKEUP);
	if (err)
		gadget_count_lost();
	return err;
}

#endif
