/**
 * How a loaded gadget's results reach the agent, by category: trace gadgets stream their ring,
 * profile/top gadgets are polled map reads, snapshot gadgets run their iterator once.
 */
import { PodscopeError, type EventRecord, type ResolvedParams } from '@podscope/protocol';
import type { GadgetSpec } from '../spec/gadgetSpec.ts';
import { libbpf, type BpfLinkHandle, type BpfObjectHandle } from './libBpf.ts';
import { RingReader } from './ringReader.ts';
import { MapPoller } from './mapPoller.ts';
import { readIterator } from './iterReader.ts';

export interface GadgetOutput {
  /** Delivers what is still pending (drains the ring, fetches the map once more) and stops. */
  close(): void;
}

export interface OutputContext {
  readonly obj: BpfObjectHandle;
  readonly spec: GadgetSpec;
  readonly params: ResolvedParams;
  readonly ringSize: number;
  readonly bootOffsetNs: number;
  readonly links: readonly { readonly link: BpfLinkHandle; readonly section: string }[];
  readonly onEvents: (events: EventRecord[]) => void;
  readonly onError: (err: unknown) => void;
  readonly onDone?: () => void;
  readonly isDenied: (mntns: number) => boolean;
}

export const DEFAULT_MAP_FETCH_INTERVAL_MS = 1000;

function fetchIntervalMs(spec: GadgetSpec, params: ResolvedParams): number {
  const raw = params['map-fetch-interval'] ?? spec.manifest.params.find((p) => p.name === 'map-fetch-interval')?.default ?? DEFAULT_MAP_FETCH_INTERVAL_MS;
  if (typeof raw !== 'number' || !Number.isFinite(raw) || raw < 10) {
    throw new PodscopeError('bad_param', `parameter --map-fetch-interval must be a duration of at least 10ms`, { param: 'map-fetch-interval', value: raw });
  }
  return raw;
}

function ringOutput(c: OutputContext): GadgetOutput {
  const ring = new RingReader({
    fd: libbpf.mapFd(libbpf.findMap(c.obj, 'events')),
    size: c.ringSize,
    decode: c.spec.decoder(c.bootOffsetNs).decode,
    onEvents: c.onEvents,
    onError: c.onError,
  });
  ring.start();
  return ring;
}

function pollerOutput(c: OutputContext): GadgetOutput {
  const polled = c.spec.polled;
  if (!polled) throw new PodscopeError('internal', `${c.spec.manifest.name}: a ${c.spec.manifest.category} gadget needs a map in its manifest`);
  const poller = new MapPoller({
    fd: libbpf.mapFd(libbpf.findMap(c.obj, polled.map.name)),
    spec: polled,
    keySize: polled.key.size,
    valueSize: polled.value.size,
    intervalMs: fetchIntervalMs(c.spec, c.params),
    bootOffsetNs: c.bootOffsetNs,
    onEvents: c.onEvents,
    onError: c.onError,
    isDenied: c.isDenied,
  });
  poller.start();
  return poller;
}

/** The iterator runs after startGadget has returned, so the agent's first verdicts are already in the kernel. */
function snapshotOutput(c: OutputContext): GadgetOutput {
  const iters = c.links.filter((l) => l.section.startsWith('iter/'));
  if (iters.length === 0) throw new PodscopeError('internal', `${c.spec.manifest.name}: a snapshot gadget needs an iter/ program`);
  const decode = c.spec.decoder(c.bootOffsetNs).decode;
  let closed = false;
  const timer = setTimeout(() => {
    if (closed) return;
    try {
      const rows: EventRecord[] = [];
      for (const it of iters) {
        for (const row of readIterator(libbpf.linkFd(it.link), c.spec.event.size, decode)) {
          const mntns = row['mntns_id'];
          if (typeof mntns === 'number' && c.isDenied(mntns)) continue;
          rows.push(row);
        }
      }
      c.onEvents(rows);
    } catch (err) {
      c.onError(err);
    }
    c.onDone?.();
  }, 0);
  return {
    close: () => {
      closed = true;
      clearTimeout(timer);
    },
  };
}

export function startOutput(c: OutputContext): GadgetOutput {
  switch (c.spec.manifest.category) {
    case 'trace':
      return ringOutput(c);
    case 'profile':
    case 'top':
      return pollerOutput(c);
    case 'snapshot':
      return snapshotOutput(c);
  }
}
