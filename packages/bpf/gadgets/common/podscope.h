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

/*
 * Push-down of the user's simple predicates (proc.pid / proc.uid / proc.comm). Each flag is
 * set before load when the user gave that list; the event must match one entry of every
 * enabled list. Lists live in hash maps filled before attach, so no unfiltered event leaks.
 */
const volatile bool filter_by_pid = false;
const volatile bool filter_by_uid = false;
const volatile bool filter_by_comm = false;

struct gadget_comm_key {
	char comm[PODSCOPE_COMM_LEN];
};

/* max_entries is resized by the loader to the list's length. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u8);
} filter_pid SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u8);
} filter_uid SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 1);
	__type(key, struct gadget_comm_key);
	__type(value, __u8);
} filter_comm SEC(".maps");

/* Events dropped by the pushed-down predicates, so the agent can show filtering happened. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} kernel_filtered SEC(".maps");

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

static __always_inline void gadget_count(void *counter_map)
{
	__u32 zero = 0;
	__u64 *n = bpf_map_lookup_elem(counter_map, &zero);
	if (n)
		*n += 1;
}

/*
 * The pushed-down predicates for the process an event is attributed to (not always current:
 * a signal's sender is, an OOM victim may not be). comm may be NULL when unknown.
 */
static __always_inline bool gadget_filter_proc(__u32 pid, __u32 uid, const char *comm)
{
	if (filter_by_pid && !bpf_map_lookup_elem(&filter_pid, &pid))
		goto drop;
	if (filter_by_uid && !bpf_map_lookup_elem(&filter_uid, &uid))
		goto drop;
	if (filter_by_comm) {
		struct gadget_comm_key key = {};
		if (comm)
			bpf_probe_read_kernel_str(key.comm, sizeof(key.comm), comm);
		if (!bpf_map_lookup_elem(&filter_comm, &key))
			goto drop;
	}
	return true;
drop:
	gadget_count(&kernel_filtered);
	return false;
}

/* The predicates applied to the current task. */
static __always_inline bool gadget_filter_current(void)
{
	if (!filter_by_pid && !filter_by_uid && !filter_by_comm)
		return true;
	struct gadget_comm_key key = {};
	if (filter_by_comm)
		bpf_get_current_comm(key.comm, sizeof(key.comm));
	return gadget_filter_proc(bpf_get_current_pid_tgid() >> 32, (__u32)bpf_get_current_uid_gid(), key.comm);
}

/*
 * The current task as a BTF-typed pointer: its fields are read with plain loads (the verifier turns them
 * into fault-safe loads, a NULL on the way reads as 0) instead of one bpf_probe_read_kernel call per hop,
 * which cost trace_open ~1,400 instructions per event in reads alone.
 */
static __always_inline struct task_struct *gadget_current(void)
{
	return bpf_get_current_task_btf();
}

static __always_inline __u64 gadget_current_mntns_id(void)
{
	return gadget_current()->nsproxy->mnt_ns->ns.inum;
}

/* The one "should I emit" check for events of the current task: selection, then push-down. */
static __always_inline bool gadget_should_emit(__u64 *mntns, bool *pending)
{
	*mntns = gadget_current_mntns_id();
	if (!gadget_select_mntns(*mntns, pending))
		return false;
	return gadget_filter_current();
}

static __always_inline void gadget_copy_comm(char *dst, const char *src)
{
	/* Aligned 8-byte loads from the task; stores as the destination's alignment allows (stack slots must be aligned). */
	__u64 lo = ((const __u64 *)src)[0];
	__u64 hi = ((const __u64 *)src)[1];
	__builtin_memcpy(dst, &lo, 8);
	__builtin_memcpy(dst + 8, &hi, 8);
}

/* Process fields of the current task. */
static __always_inline void gadget_fill_proc(struct gadget_proc *p)
{
	__u64 pid_tgid = bpf_get_current_pid_tgid();
	__u64 uid_gid = bpf_get_current_uid_gid();
	struct task_struct *parent = gadget_current()->real_parent;

	p->pid = pid_tgid >> 32;
	p->tid = (__u32)pid_tgid;
	p->uid = (__u32)uid_gid;
	p->gid = uid_gid >> 32;
	p->ppid = parent->tgid;
	/* comm is NUL-padded within its 16 bytes: two 8-byte loads each, no helper call and no string scan. */
	gadget_copy_comm(p->comm, gadget_current()->comm);
	gadget_copy_comm(p->pcomm, parent->comm);
}

static __always_inline void gadget_count_lost(void)
{
	gadget_count(&lost_events);
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

/*
 * A struct only reached through ringbuf pointers has no BTF of its own; one unused global
 * (in .bss) keeps `struct event` in the object so TypeScript can read its layout.
 */
#define GADGET_EVENT_BTF(type) type *__gadget_event_btf __attribute__((unused))

/* Reserves ring space for a large event (no stack copy); a failure is counted as lost. */
static __always_inline void *gadget_reserve(__u64 size)
{
	void *ev = bpf_ringbuf_reserve(&events, size, 0);
	if (!ev)
		gadget_count_lost();
	return ev;
}

static __always_inline void gadget_submit(void *ev)
{
	bpf_ringbuf_submit(ev, BPF_RB_NO_WAKEUP);
}

/* Process fields of a task that may not be current (an OOM victim, a socket's owner). */
static __always_inline void gadget_fill_proc_task(struct gadget_proc *p, struct task_struct *task)
{
	struct task_struct *parent = BPF_CORE_READ(task, real_parent);

	p->pid = BPF_CORE_READ(task, tgid);
	p->tid = BPF_CORE_READ(task, pid);
	p->uid = BPF_CORE_READ(task, cred, uid.val);
	p->gid = BPF_CORE_READ(task, cred, gid.val);
	p->ppid = BPF_CORE_READ(parent, tgid);
	bpf_probe_read_kernel_str(p->comm, sizeof(p->comm), &task->comm);
	bpf_probe_read_kernel_str(p->pcomm, sizeof(p->pcomm), &parent->comm);
}

/* An address and port, flattened by the decoder into <name>.addr / .port / .version. */
struct gadget_l4endpoint {
	__u8 addr[16];	/* IPv4 in the first 4 bytes */
	__u16 port;	/* host order */
	__u8 version;	/* 4, 6, or 0 when unknown */
	__u8 pad;
};

/* The struct file behind a task's fd, or NULL. */
static __always_inline struct file *gadget_fd_file(struct task_struct *task, int fd)
{
	struct fdtable *fdt = BPF_CORE_READ(task, files, fdt);
	unsigned int max = BPF_CORE_READ(fdt, max_fds);
	struct file **fds = BPF_CORE_READ(fdt, fd);
	struct file *f = NULL;

	if (fd < 0 || (unsigned int)fd >= max)
		return NULL;
	bpf_probe_read_kernel(&f, sizeof(f), &fds[fd]);
	return f;
}

#define GADGET_S_IFMT 00170000
#define GADGET_S_IFREG 0100000
#define GADGET_S_IFSOCK 0140000

static __always_inline __u16 gadget_file_type(struct file *f)
{
	return BPF_CORE_READ(f, f_inode, i_mode) & GADGET_S_IFMT;
}

#endif

/* ---- profile gadgets: log2 histograms kept in hash maps and read by the loader ---- */

/* Slot 0 holds 0, slot i >= 1 holds [2^(i-1), 2^i): the convention of log2Histogram.ts. */
#define GADGET_HIST_SLOTS 32

struct gadget_hist {
	__u64 slots[GADGET_HIST_SLOTS];
};

static __always_inline __u32 gadget_log2_slot(__u64 v)
{
	__u32 slot = 0;
	/* Unrolled binary search for the highest set bit: constant cost, no loop for the verifier. */
	if (v >> 32) { v >>= 32; slot += 32; }
	if (v >> 16) { v >>= 16; slot += 16; }
	if (v >> 8) { v >>= 8; slot += 8; }
	if (v >> 4) { v >>= 4; slot += 4; }
	if (v >> 2) { v >>= 2; slot += 2; }
	if (v >> 1) { v >>= 1; slot += 1; }
	slot += v; /* v is now 0 or 1 */
	return slot < GADGET_HIST_SLOTS ? slot : GADGET_HIST_SLOTS - 1;
}

/* Adds one sample to the histogram at key, creating it zeroed; the value must be a struct gadget_hist. */
static __always_inline void gadget_hist_add(void *map, const void *key, __u64 value)
{
	struct gadget_hist *h = bpf_map_lookup_elem(map, key);
	if (!h) {
		static const struct gadget_hist zero;
		bpf_map_update_elem(map, key, &zero, BPF_NOEXIST);
		h = bpf_map_lookup_elem(map, key);
		if (!h)
			return;
	}
	__u32 slot = gadget_log2_slot(value);
	if (slot < GADGET_HIST_SLOTS)
		__sync_fetch_and_add(&h->slots[slot], 1);
}
