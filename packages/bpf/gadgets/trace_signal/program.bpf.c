/*
 * trace_signal: every signal generated (kill, tgkill, kernel-sent SIGCHLD/SIGSEGV, ...), from
 * signal/signal_generate. proc.* is the sender (current); the target is tpid/tcomm.
 */
#include <podscope.h>

char LICENSE[] SEC("license") = "GPL";

#define SIGKILL 9

/* The kernel's TRACE_SIGNAL_* results, prefixed for C; the manifest strips SIGNAL_RESULT_. */
enum signal_result {
	SIGNAL_RESULT_delivered = 0,
	SIGNAL_RESULT_ignored = 1,
	SIGNAL_RESULT_already_pending = 2,
	SIGNAL_RESULT_overflow_fail = 3,
	SIGNAL_RESULT_lose_info = 4,
};

const volatile bool failed_only = false;
const volatile bool kill_only = false;

struct event {
	__u64 timestamp;
	__u64 mntns_id;
	struct gadget_proc proc;
	bool mntns_pending;
	bool group;		/* sent to the whole thread group */
	__u32 tpid;		/* target thread id */
	__s32 sig_raw;
	__s32 code;		/* si_code: SI_USER 0, SI_KERNEL 128, SI_TKILL -6, ... */
	enum signal_result result;
	char tcomm[PODSCOPE_COMM_LEN];
};
GADGET_EVENT_BTF(struct event);

SEC("tracepoint/signal/signal_generate")
int signal_generate(struct trace_event_raw_signal_generate *ctx)
{
	int sig = ctx->sig;
	int result = ctx->result;
	if (kill_only && sig != SIGKILL)
		return 0;
	if (failed_only && result == SIGNAL_RESULT_delivered)
		return 0;
	struct event ev = {};
	if (!gadget_should_emit(&ev.mntns_id, &ev.mntns_pending))
		return 0;
	ev.timestamp = bpf_ktime_get_boot_ns();
	gadget_fill_proc(&ev.proc);
	ev.sig_raw = sig;
	ev.code = ctx->code;
	ev.group = ctx->group != 0;
	ev.result = result;
	ev.tpid = ctx->pid;
	bpf_probe_read_kernel_str(ev.tcomm, sizeof(ev.tcomm), ctx->comm);
	gadget_output(&ev, sizeof(ev));
	return 0;
}
