import { z } from 'zod';
import { isDecodedEventBatch } from './eventColumns.ts';

/** Types a gadget field can have; the UI and the filter language format and compare by these. */
export const FieldType = z.enum([
  'string',
  'integer',
  'boolean',
  'duration',
  'timestamp',
  'bytes',
  'ip',
  'endpoint',
  'enum',
  'errno',
]);
export type FieldType = z.infer<typeof FieldType>;

export const FieldMeta = z.object({
  /** Dotted name used everywhere: UI, CLI, API, URL and captures. */
  name: z.string().min(1),
  type: FieldType,
  /** Unit of a numeric value, e.g. "ns", "us", "B". */
  unit: z.string().optional(),
  description: z.string(),
  /** Shown as a column unless the user hides it. */
  defaultVisible: z.boolean(),
  enumValues: z.array(z.string()).optional(),
});
export type FieldMeta = z.infer<typeof FieldMeta>;

/** A value of one field of one event. Timestamps are nanoseconds since the Unix epoch. */
export const EventValue = z.union([z.string(), z.number(), z.boolean(), z.null()]);
export type EventValue = z.infer<typeof EventValue>;

/** One event: a flat record keyed by dotted field names. */
export const EventRecord = z.record(z.string(), EventValue);
export type EventRecord = z.infer<typeof EventRecord>;

/** Why a decoded batch is not an array of flat event records, or null when it is. */
export function eventBatchProblem(value: unknown): string | null {
  if (!Array.isArray(value)) return 'expected an array of events';
  if (isDecodedEventBatch(value)) return null;
  for (let i = 0; i < value.length; i++) {
    const e: unknown = value[i];
    if (typeof e !== 'object' || e === null || Array.isArray(e) || Object.getPrototypeOf(e) !== Object.prototype) return `events.${i}: expected a plain object`;
    const rec = e as Record<string, unknown>;
    for (const key of Object.keys(rec)) {
      const v = rec[key];
      if (v !== null && typeof v !== 'string' && typeof v !== 'number' && typeof v !== 'boolean') return `events.${i}.${key}: expected a string, number, boolean or null`;
    }
  }
  return null;
}

/**
 * A batch of events. Same meaning as `z.array(EventRecord)`, checked by one tight loop: batches are the hot path
 * (hundreds of thousands of events per second through the hub), where per-value schema dispatch costs ~10×.
 */
export const EventBatch = z.custom<EventRecord[]>().superRefine((value, ctx) => {
  const problem = eventBatchProblem(value);
  if (problem !== null) ctx.addIssue({ code: 'custom', message: problem });
});

/** Fields every event carries, whatever the gadget (process, container and Kubernetes enrichment). */
export const commonFields: readonly FieldMeta[] = [
  { name: 'timestamp', type: 'timestamp', unit: 'ns', description: 'When the kernel saw the event (wall clock)', defaultVisible: true },
  { name: 'k8s.node', type: 'string', description: 'Node the event happened on', defaultVisible: true },
  { name: 'k8s.namespace', type: 'string', description: 'Kubernetes namespace of the pod', defaultVisible: true },
  { name: 'k8s.podName', type: 'string', description: 'Pod name', defaultVisible: true },
  { name: 'k8s.containerName', type: 'string', description: 'Container name within the pod', defaultVisible: true },
  { name: 'runtime.containerId', type: 'string', description: 'Container id from the runtime', defaultVisible: false },
  { name: 'runtime.containerName', type: 'string', description: 'Container name from the runtime', defaultVisible: false },
  { name: 'runtime.containerImageName', type: 'string', description: 'Container image', defaultVisible: false },
  { name: 'runtime.runtimeName', type: 'string', description: 'Container runtime (podman, containerd, docker, cri-o)', defaultVisible: false },
  { name: 'proc.comm', type: 'string', description: 'Command name of the process', defaultVisible: true },
  { name: 'proc.pid', type: 'integer', description: 'Process id (thread group id)', defaultVisible: true },
  { name: 'proc.tid', type: 'integer', description: 'Thread id', defaultVisible: false },
  { name: 'proc.ppid', type: 'integer', description: 'Parent process id', defaultVisible: false },
  { name: 'proc.pcomm', type: 'string', description: 'Command name of the parent process', defaultVisible: false },
  { name: 'proc.uid', type: 'integer', description: 'User id', defaultVisible: false },
  { name: 'proc.gid', type: 'integer', description: 'Group id', defaultVisible: false },
  { name: 'mntns_id', type: 'integer', description: 'Mount namespace inode of the process', defaultVisible: false },
];
