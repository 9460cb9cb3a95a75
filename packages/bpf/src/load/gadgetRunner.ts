/** Opens, configures, loads and attaches one compiled gadget, then streams its ring to the caller. */
import { performance } from 'node:perf_hooks';
import { existsSync } from 'node:fs';
import { PodscopeError, type EventRecord, type ResolvedParams } from '@podscope/protocol';
import type { GadgetSpec } from '../spec/gadgetSpec.ts';
import { libbpf, type BpfLinkHandle, type BpfObjectHandle } from './libBpf.ts';
import { bootTimeOffsetNs, pageSize, trimNativeHeap } from './libc.ts';
import { startOutput, type GadgetOutput } from './gadgetOutput.ts';
import { ensureTracefs, tracepointExists, tracepointNamed } from './tracefs.ts';
import { PerCpuCounter } from './perCpuCounter.ts';
import { checkKernelBtf, toLoadError } from './loadErrors.ts';
import { MountNsVerdicts } from './mountNsVerdicts.ts';
import { KernelFilterPlan, type KernelFilter, type KernelFilterPlacement } from './kernelFilter.ts';

export interface MountNsSelection {
  /** false = trace every mount namespace (e.g. --host with -A). */
  enabled: boolean;
}

export interface StartOptions {
  params: ResolvedParams;
  selection: MountNsSelection;
  /** Called once per drained batch, never per event. */
  onEvents: (events: EventRecord[]) => void;
  /** Errors thrown by onEvents or by decoding; by default they are rethrown outside the timer. */
  onError?: (err: unknown) => void;
  /** Predicates applied in the kernel before an event reaches the ring (see kernelFilterableFields). */
  kernelFilter?: KernelFilter;
  /** Snapshot gadgets: called once after their single batch; nothing more will come (the run is done on this node). */
  onDone?: () => void;
}

export interface RunningGadget {
  /** open → attached, in milliseconds. */
  readonly attachMs: number;
  /** Kernel map verdict 1 = traced. */
  allowMountNs(ids: readonly number[]): void;
  /** Kernel map verdict 0 = dropped in the kernel. */
  denyMountNs(ids: readonly number[]): void;
  forgetMountNs(ids: readonly number[]): void;
  /** Ring-buffer reserve failures counted in the kernel. */
  kernelDrops(): number;
  /** Idempotent; drains what is already in the ring before detaching. */
  close(): void;
  /** Events dropped in the kernel by StartOptions.kernelFilter. */
  kernelFiltered?(): number;
  /** Which kernelFilter predicates went where, for the run's metadata. */
  readonly kernelFilterPlacements?: readonly KernelFilterPlacement[];
}

export const DEFAULT_RING_SIZE = 4 * 1024 * 1024;

/** Ring sizes must be a power of two and a page multiple. */
export function ringSizeFor(requested: number | undefined): number {
  const page = pageSize();
  let size = page;
  while (size < (requested ?? DEFAULT_RING_SIZE)) size *= 2;
  return size;
}

function writeRodata(obj: BpfObjectHandle, spec: GadgetSpec, values: ReadonlyMap<string, number | boolean>): void {
  if (values.size === 0) return;
  const image = new DataView(libbpf.initialValue(libbpf.findMap(obj, '.rodata')));
  for (const [name, value] of values) {
    const v = spec.rodata.get(name);
    if (!v) throw new PodscopeError('internal', `${spec.manifest.name}: no .rodata variable ${name}`);
    const n = typeof value === 'boolean' ? (value ? 1 : 0) : value;
    switch (v.size) {
      case 1:
        image.setUint8(v.offset, n);
        break;
      case 4:
        image.setUint32(v.offset, n, true);
        break;
      case 8:
        image.setBigUint64(v.offset, BigInt(n), true);
        break;
      default:
        throw new PodscopeError('internal', `${spec.manifest.name}: .rodata ${name} has unsupported size ${v.size}`);
    }
  }
}

function rodataValues(spec: GadgetSpec, opts: StartOptions, filter: KernelFilterPlan): Map<string, number | boolean> {
  const values = new Map<string, number | boolean>(filter.rodataFlags());
  if (spec.rodata.has('filter_by_mntns')) values.set('filter_by_mntns', opts.selection.enabled);
  // Gadgets that see the tracer's own syscalls (trace_io) skip its process, or its output would feed back.
  if (spec.rodata.has('self_pid')) values.set('self_pid', process.pid);
  for (const [param, variable] of Object.entries(spec.manifest.rodataParams ?? {})) {
    const declared = spec.manifest.params.find((p) => p.name === param);
    const value = opts.params[param] ?? declared?.default;
    if (typeof value === 'number' && declared?.type === 'integer') {
      // The kernel relies on these bounds (e.g. a copy size), so they hold even without resolveParams.
      const outside = (declared.min !== undefined && value < declared.min) || (declared.max !== undefined && value > declared.max) || !Number.isSafeInteger(value);
      if (outside) throw new PodscopeError('bad_param', `parameter --${param}: ${value} is outside ${declared.min ?? '-∞'}..${declared.max ?? '∞'}`, { param, value });
    }
    if (typeof value === 'boolean' || typeof value === 'number') values.set(variable, value);
    else if (value !== undefined) throw new PodscopeError('bad_param', `parameter --${param} must be a boolean or integer`, { param });
  }
  return values;
}

function skipMissingOptionalPrograms(obj: BpfObjectHandle, spec: GadgetSpec): void {
  const optional = new Set(spec.manifest.optionalPrograms ?? []);
  if (optional.size === 0) return;
  for (const prog of libbpf.programs(obj)) {
    if (!optional.has(prog.name)) continue;
    const tp = /^tracepoint\/([^/]+)\/([^/]+)$/.exec(prog.section);
    const btfTp = /^(?:tp_btf|raw_tp|raw_tracepoint)\/([^/]+)$/.exec(prog.section);
    const exists = tp?.[1] !== undefined && tp[2] !== undefined ? tracepointExists(tp[1], tp[2]) : btfTp?.[1] !== undefined ? tracepointNamed(btfTp[1]) : true;
    if (!exists) libbpf.setAutoload(prog.handle, false);
  }
}

export async function startCompiledGadget(spec: GadgetSpec, objectPath: string, opts: StartOptions): Promise<RunningGadget> {
  const name = spec.manifest.name;
  if (!existsSync(objectPath)) throw new PodscopeError('internal', `${name}: ${objectPath} is missing; run pnpm --filter @podscope/bpf build`);
  checkKernelBtf();
  ensureTracefs();
  const filter = new KernelFilterPlan(name, opts.kernelFilter, new Set(spec.rodata.keys()));
  const started = performance.now();

  let obj: BpfObjectHandle;
  try {
    obj = libbpf.openFile(objectPath);
  } catch (err) {
    throw toLoadError(name, 'open', err);
  }
  const links: { link: BpfLinkHandle; section: string }[] = [];
  let output: GadgetOutput | undefined;
  const cleanup = (): void => {
    // Detach first, then the output's last delivery (ring drain, final map fetch) while the maps still exist.
    for (const l of links.splice(0)) libbpf.destroyLink(l.link);
    output?.close();
    libbpf.close(obj);
  };

  try {
    writeRodata(obj, spec, rodataValues(spec, opts, filter));
    filter.sizeMaps(obj);
    skipMissingOptionalPrograms(obj, spec);
    // The manifest's default when the caller resolved no params (direct library use).
    const requested = opts.params['ring-size'] ?? spec.manifest.params.find((p) => p.name === 'ring-size')?.default;
    const ringSize = ringSizeFor(typeof requested === 'number' ? requested : undefined);
    const ringMap = libbpf.findMap(obj, 'events');
    // Only trace gadgets stream through the common header's ring; the others never create it (no ring buffer needed).
    if (spec.manifest.category === 'trace') libbpf.setMaxEntries(ringMap, ringSize);
    else libbpf.setAutocreate(ringMap, false);
    try {
      libbpf.load(obj);
    } catch (err) {
      throw toLoadError(name, 'load', err);
    } finally {
      trimNativeHeap();
    }
    filter.fillMaps(obj);
    for (const prog of libbpf.programs(obj)) {
      if (!prog.autoload) continue;
      try {
        links.push({ link: libbpf.attach(prog.handle, prog.name), section: prog.section });
      } catch (err) {
        throw toLoadError(name, 'attach', err);
      }
    }
    const attachMs = performance.now() - started;

    const verdicts = new MountNsVerdicts(libbpf.mapFd(libbpf.findMap(obj, 'mntns_verdict')));
    const lost = new PerCpuCounter(libbpf.mapFd(libbpf.findMap(obj, 'lost_events')));
    const filtered = new PerCpuCounter(libbpf.mapFd(libbpf.findMap(obj, 'kernel_filtered')));
    const onError =
      opts.onError ??
      ((err: unknown) => {
        // Library code must not swallow a consumer's failure; surface it outside the timer.
        setImmediate(() => {
          throw err;
        });
      });
    // Counts taken while a namespace was pending stay in polled maps; its rows are dropped once it is denied.
    const denied = new Set<number>();
    output = startOutput({
      obj,
      spec,
      params: opts.params,
      ringSize,
      bootOffsetNs: bootTimeOffsetNs(),
      links,
      onEvents: opts.onEvents,
      onError,
      ...(opts.onDone ? { onDone: opts.onDone } : {}),
      isDenied: (mntns) => opts.selection.enabled && denied.has(mntns),
    });

    let closed = false;
    return {
      attachMs,
      allowMountNs: (ids) => {
        verdicts.set(ids, 1);
        for (const id of ids) denied.delete(id);
      },
      denyMountNs: (ids) => {
        verdicts.set(ids, 0);
        for (const id of ids) denied.add(id);
      },
      forgetMountNs: (ids) => {
        verdicts.forget(ids);
        for (const id of ids) denied.delete(id);
      },
      kernelDrops: () => lost.read(),
      kernelFiltered: () => filtered.read(),
      kernelFilterPlacements: filter.placements(),
      close: () => {
        if (closed) return;
        lost.freeze();
        filtered.freeze();
        closed = true;
        cleanup();
      },
    };
  } catch (err) {
    cleanup();
    throw err;
  }
}
