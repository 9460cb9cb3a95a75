/*
 * profile_runqlat: CPU run-queue latency, the time a runnable task waits for a CPU (woken or
 * preempted → switched in), as a log2 histogram in microseconds per mount namespace (= per pod).
 * tp_btf gives the task pointers, so the wakee and the preempted task are exact, not `current`.
 */
#include <podscope.h>

char LICENSE[] SEC("license") = "GPL";

#define TASK_RUNNING 0

struct hist_key {
	__u64 mntns_id;
};

/* Per CPU: sched_switch runs on every CPU constantly, and shared counters would bounce between them. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_HASH);
	__uint(max_entries, 1024);
	__type(key, struct hist_key);
	__type(value, struct gadget_hist);
} hists SEC(".maps");

struct queued {
	__u64 since_ns;
	__u64 mntns_id;
};

/* tid → when it became runnable; removed when it runs. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 16384);
	__type(key, __u32);
	__type(value, struct queued);
} queued_at SEC(".maps");

/* Kernels before 5.14 named the field `state`. */
struct task_struct___old {
	long state;
} __attribute__((preserve_access_index));

static __always_inline long task_state(struct task_struct *t)
{
	if (bpf_core_field_exists(t->__state))
		return BPF_CORE_READ(t, __state);
	return BPF_CORE_READ((struct task_struct___old *)t, state);
}

/* Selection and push-down are judged for the waiting task, so unselected pods never touch the map. */
static __always_inline void enqueue(struct task_struct *p)
{
	__u32 tid = BPF_CORE_READ(p, pid);
	if (tid == 0)
		return;
	struct queued q = { .mntns_id = gadget_mntns_id(p) };
	/* An exiting task has dropped its namespaces (nsproxy is NULL): it belongs to no pod any more. */
	if (q.mntns_id == 0)
		return;
	bool pending;
	if (!gadget_select_mntns(q.mntns_id, &pending))
		return;
	if (filter_by_pid || filter_by_uid || filter_by_comm) {
		if (!gadget_filter_proc(BPF_CORE_READ(p, tgid), BPF_CORE_READ(p, cred, uid.val), (const char *)p->comm))
			return;
	}
	q.since_ns = bpf_ktime_get_ns();
	bpf_map_update_elem(&queued_at, &tid, &q, BPF_ANY);
}

SEC("tp_btf/sched_wakeup")
int BPF_PROG(on_wakeup, struct task_struct *p)
{
	enqueue(p);
	return 0;
}

SEC("tp_btf/sched_wakeup_new")
int BPF_PROG(on_wakeup_new, struct task_struct *p)
{
	enqueue(p);
	return 0;
}

SEC("tp_btf/sched_switch")
int BPF_PROG(on_switch, bool preempt, struct task_struct *prev, struct task_struct *next)
{
	/* Preempted while runnable: it waits in the queue again from now. */
	if (task_state(prev) == TASK_RUNNING)
		enqueue(prev);

	__u32 tid = BPF_CORE_READ(next, pid);
	struct queued *q = bpf_map_lookup_elem(&queued_at, &tid);
	if (!q)
		return 0;
	__u64 delta_us = (bpf_ktime_get_ns() - q->since_ns) / 1000;
	struct hist_key key = { .mntns_id = q->mntns_id };
	bpf_map_delete_elem(&queued_at, &tid);
	gadget_hist_add(&hists, &key, delta_us);
	return 0;
}
