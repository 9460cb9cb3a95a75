/*
 * snapshot_process: every process (or thread, with --threads) on the node at one instant, from a
 * BPF task iterator. The loader reads the iterator's fd once; each task is one fixed-size record.
 */
#include <podscope.h>

char LICENSE[] SEC("license") = "GPL";

/* --threads: one row per thread instead of per process. */
const volatile bool threads = false;

/* ps(1) state letters; the manifest strips the prefix. */
enum task_state_letter {
	PROCSTATE_R = 0,	/* running or runnable */
	PROCSTATE_S = 1,	/* interruptible sleep */
	PROCSTATE_D = 2,	/* uninterruptible sleep */
	PROCSTATE_T = 3,	/* stopped */
	PROCSTATE_t = 4,	/* traced */
	PROCSTATE_Z = 5,	/* zombie */
	PROCSTATE_X = 6,	/* dead */
	PROCSTATE_I = 7,	/* idle kernel thread */
};

struct event {
	__u64 timestamp;
	__u64 mntns_id;
	struct gadget_proc proc;
	bool mntns_pending;
	enum task_state_letter state;
	__u64 start_time;
};
GADGET_EVENT_BTF(struct event);

#define S_INTERRUPTIBLE 0x1
#define S_UNINTERRUPTIBLE 0x2
#define S_STOPPED 0x4
#define S_TRACED 0x8
#define S_NOLOAD 0x400
#define X_DEAD 0x10
#define X_ZOMBIE 0x20

struct task_struct___old {
	long state;
} __attribute__((preserve_access_index));

static __always_inline enum task_state_letter state_letter(struct task_struct *t)
{
	unsigned int state;
	if (bpf_core_field_exists(t->__state))
		state = BPF_CORE_READ(t, __state);
	else
		state = BPF_CORE_READ((struct task_struct___old *)t, state);
	int exit_state = BPF_CORE_READ(t, exit_state);
	if (exit_state & X_ZOMBIE)
		return PROCSTATE_Z;
	if (exit_state & X_DEAD)
		return PROCSTATE_X;
	if ((state & (S_UNINTERRUPTIBLE | S_NOLOAD)) == (S_UNINTERRUPTIBLE | S_NOLOAD))
		return PROCSTATE_I;
	if (state & S_UNINTERRUPTIBLE)
		return PROCSTATE_D;
	if (state & S_INTERRUPTIBLE)
		return PROCSTATE_S;
	if (state & S_TRACED)
		return PROCSTATE_t;
	if (state & S_STOPPED)
		return PROCSTATE_T;
	return PROCSTATE_R;
}

SEC("iter/task")
int dump_task(struct bpf_iter__task *ctx)
{
	struct seq_file *seq = ctx->meta->seq;
	struct task_struct *task = ctx->task;
	if (!task)
		return 0;
	if (!threads && task->pid != task->tgid)
		return 0;

	struct event ev = {};
	ev.mntns_id = gadget_mntns_id(task);
	if (!gadget_select_mntns(ev.mntns_id, &ev.mntns_pending))
		return 0;
	gadget_fill_proc_task(&ev.proc, task);
	if ((filter_by_pid || filter_by_uid || filter_by_comm) && !gadget_filter_proc(ev.proc.pid, ev.proc.uid, ev.proc.comm))
		return 0;
	ev.timestamp = bpf_ktime_get_boot_ns();
	ev.state = state_letter(task);
	ev.start_time = BPF_CORE_READ(task, start_boottime);
	bpf_seq_write(seq, &ev, sizeof(ev));
	return 0;
}
