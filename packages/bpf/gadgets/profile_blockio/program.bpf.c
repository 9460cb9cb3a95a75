/*
 * profile_blockio: block device I/O latency (issue to the driver → completion) as a log2 histogram
 * in microseconds, per disk and per mount namespace of the task that started the request.
 * tp_btf hands over the struct request pointer, which keys the in-flight request exactly.
 */
#include <podscope.h>

char LICENSE[] SEC("license") = "GPL";

#define DISK_NAME_LEN 32

struct hist_key {
	__u64 mntns_id;
	char disk[DISK_NAME_LEN];
};

/* Cumulative: never cleared by the loader (profile category). */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 4096);
	__type(key, struct hist_key);
	__type(value, struct gadget_hist);
} hists SEC(".maps");

/* Who started a request: recorded in the submitter's context, where mntns means something. */
struct owner {
	__u64 mntns_id;
	bool counted;	/* false: a deselected or filtered-out task; the request is never counted */
};

/* LRU: requests merged away after block_io_start are never issued, so their entries must age out. */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 16384);
	__type(key, __u64);
	__type(value, struct owner);
} owners SEC(".maps");

struct inflight {
	__u64 issue_ns;
	__u64 mntns_id;
};

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 16384);
	__type(key, __u64);
	__type(value, struct inflight);
} inflights SEC(".maps");

/* Kernels before 5.17 kept the disk in the request itself. */
struct request___old {
	struct gendisk *rq_disk;
} __attribute__((preserve_access_index));

static __always_inline struct gendisk *request_disk(struct request *rq)
{
	struct request___old *old = (void *)rq;
	if (bpf_core_field_exists(old->rq_disk))
		return BPF_CORE_READ(old, rq_disk);
	return BPF_CORE_READ(rq, q, disk);
}

static __always_inline struct owner current_owner(void)
{
	struct owner o = {};
	bool pending;
	o.counted = gadget_should_emit(&o.mntns_id, &pending);
	return o;
}

/* Runs in the submitting task (blk_account_io_start). Optional: missing before 6.5. */
SEC("tp_btf/block_io_start")
int BPF_PROG(on_io_start, struct request *rq)
{
	__u64 key = (__u64)rq;
	struct owner o = current_owner();
	bpf_map_update_elem(&owners, &key, &o, BPF_ANY);
	return 0;
}

SEC("tp_btf/block_rq_issue")
int BPF_PROG(on_issue, struct request *rq)
{
	__u64 key = (__u64)rq;
	struct owner o;
	struct owner *known = bpf_map_lookup_elem(&owners, &key);
	if (known) {
		o = *known;
		bpf_map_delete_elem(&owners, &key);
	} else {
		/* No block_io_start here (or the request predates attach): sync I/O issues in the task's context. */
		o = current_owner();
	}
	if (!o.counted)
		return 0;
	struct inflight f = { .issue_ns = bpf_ktime_get_ns(), .mntns_id = o.mntns_id };
	bpf_map_update_elem(&inflights, &key, &f, BPF_ANY);
	return 0;
}

SEC("tp_btf/block_rq_complete")
int BPF_PROG(on_complete, struct request *rq, int error, unsigned int nr_bytes)
{
	__u64 key = (__u64)rq;
	struct inflight *f = bpf_map_lookup_elem(&inflights, &key);
	if (!f)
		return 0;
	__u64 delta_us = (bpf_ktime_get_ns() - f->issue_ns) / 1000;
	struct hist_key hk = { .mntns_id = f->mntns_id };
	struct gendisk *disk = request_disk(rq);
	if (disk)
		bpf_probe_read_kernel_str(hk.disk, sizeof(hk.disk), &disk->disk_name);
	bpf_map_delete_elem(&inflights, &key);
	gadget_hist_add(&hists, &hk, delta_us);
	return 0;
}
