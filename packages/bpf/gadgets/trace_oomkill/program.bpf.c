/*
 * trace_oomkill: every OOM kill, from oom/mark_victim as a BTF tracepoint, whose argument is
 * the victim's task_struct (6.x kernels). proc.* and mntns_id are the VICTIM's, so the agent
 * names the victim's pod; fpid/fcomm are the task that ran the OOM killer (often the victim).
 */
#include <podscope.h>

char LICENSE[] SEC("license") = "GPL";

struct event {
	__u64 timestamp;
	__u64 mntns_id;
	struct gadget_proc proc;
	bool mntns_pending;
	__s16 oom_score_adj;
	__u32 fpid;
	__u32 fuid;
	char fcomm[PODSCOPE_COMM_LEN];
	__u64 pages;		/* total_vm of the victim */
	__u64 anon_rss;		/* pages, as the tracepoint reports them (percpu counter's base value) */
	__u64 file_rss;
	__u64 shmem_rss;
};
GADGET_EVENT_BTF(struct event);

SEC("tp_btf/mark_victim")
int BPF_PROG(mark_victim, struct task_struct *victim, uid_t uid)
{
	struct event ev = {};
	ev.mntns_id = gadget_mntns_id(victim);
	if (!gadget_select_mntns(ev.mntns_id, &ev.mntns_pending))
		return 0;
	gadget_fill_proc_task(&ev.proc, victim);
	if (!gadget_filter_proc(ev.proc.pid, ev.proc.uid, ev.proc.comm))
		return 0;
	ev.timestamp = bpf_ktime_get_boot_ns();
	ev.fpid = bpf_get_current_pid_tgid() >> 32;
	ev.fuid = (__u32)bpf_get_current_uid_gid();
	bpf_get_current_comm(ev.fcomm, sizeof(ev.fcomm));
	ev.oom_score_adj = BPF_CORE_READ(victim, signal, oom_score_adj);
	struct mm_struct *mm = BPF_CORE_READ(victim, mm);
	if (mm) {
		ev.pages = BPF_CORE_READ(mm, total_vm);
		ev.file_rss = BPF_CORE_READ(mm, rss_stat[MM_FILEPAGES].count);
		ev.anon_rss = BPF_CORE_READ(mm, rss_stat[MM_ANONPAGES].count);
		ev.shmem_rss = BPF_CORE_READ(mm, rss_stat[MM_SHMEMPAGES].count);
	}
	gadget_output(&ev, sizeof(ev));
	return 0;
}
