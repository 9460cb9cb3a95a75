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

export const ringSizeParam = {
  name: 'ring-size',
  type: 'integer',
  description: 'Ring buffer size in bytes (rounded up to a power of two)',
  default: 16 * 1024 * 1024,
  min: 4096,
  max: 1024 * 1024 * 1024,
} as const;
