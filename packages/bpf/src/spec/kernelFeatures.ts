/** Kernel eBPF features a gadget may need, and the pure mapping from probe results to "why not". */

export const kernelFeatureNames = [
  'btf',
  'tracepoint',
  'raw_tp',
  'tp_btf',
  'kprobe',
  'kprobe_multi',
  'fentry',
  'iter_task',
  'socket_filter',
  'ringbuf',
] as const;

export type KernelFeature = (typeof kernelFeatureNames)[number];

/** What probeFeatures() measured: true = loaded and attached here. */
export type KernelFeatures = Readonly<Record<KernelFeature, boolean>>;

const featureLabels: Readonly<Record<KernelFeature, string>> = {
  btf: 'kernel BTF (/sys/kernel/btf/vmlinux, CONFIG_DEBUG_INFO_BTF)',
  tracepoint: 'tracepoint programs',
  raw_tp: 'raw tracepoint programs',
  tp_btf: 'BTF-typed tracepoint programs (tp_btf)',
  kprobe: 'kprobes (CONFIG_KPROBES)',
  kprobe_multi: 'multi-kprobe links',
  fentry: 'fentry/fexit programs',
  iter_task: 'BPF task iterators',
  socket_filter: 'eBPF socket filters',
  ringbuf: 'BPF ring buffers',
};

/** undefined when every need is met, else one sentence naming what is missing (shown as meta.unavailable). */
export function unavailableReason(needs: readonly KernelFeature[], features: KernelFeatures): string | undefined {
  const missing = [...new Set(needs)].filter((n) => !features[n]);
  if (missing.length === 0) return undefined;
  return `this kernel lacks ${missing.map((m) => featureLabels[m]).join(', ')}`;
}
