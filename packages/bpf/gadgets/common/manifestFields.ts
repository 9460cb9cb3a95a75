/** Annotations of the members every gadget's `struct event` shares (common header), spread into each manifest. */
import type { FieldAnnotation } from '../../src/spec/gadgetManifest.ts';

export const processFieldAnnotations: Readonly<Record<string, FieldAnnotation>> = {
  timestamp: { type: 'timestamp', unit: 'ns', description: 'When the kernel saw the event (wall clock)', defaultVisible: true },
  mntns_id: { description: 'Mount namespace inode of the process' },
  'proc.pid': { description: 'Process id (thread group id)', defaultVisible: true },
  'proc.tid': { description: 'Thread id' },
  'proc.ppid': { description: 'Parent process id' },
  'proc.uid': { description: 'User id' },
  'proc.gid': { description: 'Group id' },
  'proc.comm': { description: 'Command name of the process', defaultVisible: true },
  'proc.pcomm': { description: 'Command name of the parent process' },
  mntns_pending: { description: 'The mount namespace was not yet judged by the agent when the event was emitted' },
};

/**
 * The kernel→agent ring. The whole ring is mapped into the agent (twice: the kernel maps the data area back
 * to back) from the start, so its size is resident memory. 4 MiB holds 160 ms of trace_open at 250k events/s
 * (variable-size records of ~100 B), far more than the 1-5 ms drain period; payload gadgets default higher.
 */
export const ringSizeParamOf = (defaultBytes: number) =>
  ({
    name: 'ring-size',
    type: 'integer',
    description: 'Ring buffer size in bytes (rounded up to a power of two); resident in the agent twice over',
    default: defaultBytes,
    min: 4096,
    max: 1024 * 1024 * 1024,
  }) as const;

export const ringSizeParam = ringSizeParamOf(4 * 1024 * 1024);

/** Gadgets whose events are rare per syscall (exec, connect, bind, signal, OOM kill): 1 MiB holds 300+ ms of an exec storm. */
export const quietRingSizeParam = ringSizeParamOf(1024 * 1024);

/** Every profile/top gadget: how often the loader reads the kernel map. */
export const mapFetchIntervalParam = {
  name: 'map-fetch-interval',
  type: 'duration',
  description: 'How often the kernel map is read (one batch of rows per read)',
  default: 1000,
  min: 10,
  max: 3_600_000,
} as const;

/** top gadgets: applied by the agent to each interval's rows. */
export function topParams(defaultSort: string): readonly [
  { readonly name: 'sort'; readonly type: 'string'; readonly description: string; readonly default: string },
  { readonly name: 'max-entries'; readonly type: 'integer'; readonly description: string; readonly default: 20; readonly min: 1; readonly max: 10_000 },
] {
  return [
    { name: 'sort', type: 'string', description: 'Sort rows of each interval by these fields (e.g. -wbytes,file; "-" = descending)', default: defaultSort },
    { name: 'max-entries', type: 'integer', description: 'Rows kept per interval after sorting', default: 20, min: 1, max: 10_000 },
  ];
}
