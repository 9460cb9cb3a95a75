/** Opens, configures, loads and attaches one compiled gadget, then streams its ring to the caller. */
import { performance } from 'node:perf_hooks';
import { existsSync } from 'node:fs';
import { PodscopeError, type EventRecord, type ResolvedParams } from '@podscope/protocol';
import type { GadgetSpec } from '../spec/gadgetSpec.ts';
import { libbpf, type BpfLinkHandle, type BpfObjectHandle } from './libBpf.ts';
import { bootTimeOffsetNs, pageSize } from './libc.ts';
import { RingReader } from './ringReader.ts';
import { ensureTracefs } from './tracefs.ts';
import { checkKernelBtf, toLoadError } from './loadErrors.ts';
import { MountNsVerdicts } from './mountNsVerdicts.ts';

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
}

export const DEFAULT_RING_SIZE = 16 * 1024 * 1024;

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

function rodataValues(spec: GadgetSpec, opts: StartOptions): Map<string, number | boolean> {
  const values = new Map<string, number | boolean>();
  if (spec.rodata.has('filter_by_mntns')) values.set('filter_by_mntns', opts.selection.enabled);
  for (const [param, variable] of Object.entries(spec.manifest.rodataParams ?? {})) {
    const value = opts.params[param] ?? spec.manifest.params.find((p) => p.name === param)?.default;
    if (typeof value === 'boolean' || typeof value === 'number') values.set(variable, value);
    else if (value !== undefined) throw new PodscopeError('bad_param', `parameter --${param} must be a boolean or integer`, { param });
  }
  return values;
}

export async function startCompiledGadget(spec: GadgetSpec, objectPath: string, opts: StartOptions): Promise<RunningGadget> {
  const name = spec.manifest.name;
  if (!existsSync(objectPath)) throw new PodscopeError('internal', `${name}: ${objectPath} is missing; run pnpm --filter @podscope/bpf build`);
  checkKernelBtf();
  ensureTracefs();
  const started = performance.now();

  let obj: BpfObjectHandle;
  try {
    obj = libbpf.openFile(objectPath);
  } catch (err) {
    throw toLoadError(name, 'open', err);
  }
  const links: BpfLinkHandle[] = [];
  let ring: RingReader | undefined;
  const cleanup = (): void => {
    for (const l of links.splice(0)) libbpf.destroyLink(l);
    ring?.close();
    libbpf.close(obj);
  };

  try {
    writeRodata(obj, spec, rodataValues(spec, opts));
    const requested = opts.params['ring-size'];
    const ringSize = ringSizeFor(typeof requested === 'number' ? requested : undefined);
    libbpf.setMaxEntries(libbpf.findMap(obj, 'events'), ringSize);
    try {
      libbpf.load(obj);
    } catch (err) {
      throw toLoadError(name, 'load', err);
    }
    for (const prog of libbpf.programs(obj)) {
      try {
        links.push(libbpf.attach(prog.handle, prog.name));
      } catch (err) {
        throw toLoadError(name, 'attach', err);
      }
    }
    const attachMs = performance.now() - started;

    const verdicts = new MountNsVerdicts(libbpf.mapFd(libbpf.findMap(obj, 'mntns_verdict')));
    const lostFd = libbpf.mapFd(libbpf.findMap(obj, 'lost_events'));
    const cpus = libbpf.possibleCpus();
    const onError =
      opts.onError ??
      ((err: unknown) => {
        // Library code must not swallow a consumer's failure; surface it outside the timer.
        setImmediate(() => {
          throw err;
        });
      });
    ring = new RingReader({
      fd: libbpf.mapFd(libbpf.findMap(obj, 'events')),
      size: ringSize,
      decode: spec.decoder(bootTimeOffsetNs()).decode,
      onEvents: opts.onEvents,
      onError,
    });
    ring.start();

    let closed = false;
    let dropsAtClose = 0;
    const zeroKey = new Uint8Array(4);
    const perCpu = Buffer.alloc(8 * cpus);
    const readDrops = (): number => {
      if (closed) return dropsAtClose;
      if (!libbpf.lookup(lostFd, zeroKey, perCpu)) return 0;
      let sum = 0;
      for (let cpu = 0; cpu < cpus; cpu++) sum += Number(perCpu.readBigUint64LE(cpu * 8));
      return sum;
    };
    return {
      attachMs,
      allowMountNs: (ids) => verdicts.set(ids, 1),
      denyMountNs: (ids) => verdicts.set(ids, 0),
      forgetMountNs: (ids) => verdicts.forget(ids),
      kernelDrops: readDrops,
      close: () => {
        if (closed) return;
        dropsAtClose = readDrops();
        closed = true;
        cleanup();
      },
    };
  } catch (err) {
    cleanup();
    throw err;
  }
}
