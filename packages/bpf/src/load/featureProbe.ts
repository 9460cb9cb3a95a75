/**
 * Measures which eBPF features this kernel really has by loading and attaching one tiny program
 * per feature (probes/features.bpf.c). Measured once per process; the catalog marks gadgets whose
 * `needs` are not met as unavailable, so the UI disables them instead of failing at start.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { kernelFeatureNames, type KernelFeature, type KernelFeatures } from '../spec/kernelFeatures.ts';
import { libbpf, takeLibbpfLog, type BpfObjectHandle } from './libBpf.ts';
import { closeFd, setsockoptInt, socket, trimNativeHeap } from './libc.ts';
import { ensureTracefs } from './tracefs.ts';

const AF_INET = 2;
const SOCK_DGRAM = 2;
const SOL_SOCKET = 1;
const SO_ATTACH_BPF = 50;

/** The probe program for each feature (btf is a file check). */
const probePrograms: Readonly<Record<Exclude<KernelFeature, 'btf'>, string>> = {
  tracepoint: 'probe_tracepoint',
  raw_tp: 'probe_raw_tp',
  tp_btf: 'probe_tp_btf',
  kprobe: 'probe_kprobe',
  kprobe_multi: 'probe_kprobe_multi',
  fentry: 'probe_fentry',
  iter_task: 'probe_iter_task',
  socket_filter: 'probe_socket_filter',
  ringbuf: 'probe_ringbuf',
};

/** Socket filters have no link: attaching means SO_ATTACH_BPF on a real socket. */
function attachSocketFilter(progFd: number): boolean {
  const fd = socket(AF_INET, SOCK_DGRAM, 0);
  try {
    return setsockoptInt(fd, SOL_SOCKET, SO_ATTACH_BPF, progFd) === 0;
  } finally {
    closeFd(fd);
  }
}

function probeOne(objectPath: string, feature: Exclude<KernelFeature, 'btf'>): boolean {
  let obj: BpfObjectHandle | undefined;
  try {
    obj = libbpf.openFile(objectPath);
    const wanted = probePrograms[feature];
    let target: ReturnType<typeof libbpf.programs>[number] | undefined;
    for (const p of libbpf.programs(obj)) {
      if (p.name === wanted) target = p;
      else libbpf.setAutoload(p.handle, false);
    }
    if (!target) throw new Error(`probe object lacks ${wanted}`);
    // Only the ring buffer probe creates the ring: on a kernel without one, the map would fail every probe.
    libbpf.setAutocreate(libbpf.findMap(obj, 'probe_ring'), feature === 'ringbuf');
    libbpf.load(obj);
    if (feature === 'socket_filter') return attachSocketFilter(libbpf.programFd(target.handle));
    libbpf.destroyLink(libbpf.attach(target.handle, target.name));
    return true;
  } catch {
    return false;
  } finally {
    if (obj) libbpf.close(obj);
    // Expected failures (no kprobes here) must not show up in a later gadget's error message.
    takeLibbpfLog();
  }
}

/** Synchronous measurement; objectPath is build/probe_features.bpf.o. */
export function measureKernelFeatures(objectPath: string): KernelFeatures {
  if (!existsSync(objectPath)) throw new Error(`${objectPath} is missing; run pnpm --filter @podscope/bpf build`);
  try {
    ensureTracefs();
  } catch {
    // Without tracefs, tracepoint probes fail below, which is the truth.
  }
  const out = {} as Record<KernelFeature, boolean>;
  for (const f of kernelFeatureNames) out[f] = f === 'btf' ? existsSync('/sys/kernel/btf/vmlinux') : probeOne(objectPath, f);
  trimNativeHeap();
  return out;
}

export function featureProbeObject(buildDir: string): string {
  return join(buildDir, 'probe_features.bpf.o');
}
