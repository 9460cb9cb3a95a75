import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { EventRecord, FieldMeta, GadgetMeta } from '@podscope/protocol';
import { commonFields } from '@podscope/protocol';
import type { GadgetStartOptions } from '../../pipeline/gadgetHost.ts';
import type { AgentGadget, AgentGadgetEnv } from '../agentGadget.ts';
import { AgentRunningGadget } from '../agentGadget.ts';
import { readComm } from '../procComm.ts';
import { parseProcNet, socketStates } from './procNet.ts';

const own: FieldMeta[] = [
  { name: 'proto', type: 'enum', enumValues: ['TCP', 'UDP'], description: 'Transport protocol', defaultVisible: true },
  { name: 'src', type: 'endpoint', description: 'Local endpoint addr:port', defaultVisible: true },
  { name: 'dst', type: 'endpoint', description: 'Remote endpoint addr:port (0.0.0.0:0 when unconnected)', defaultVisible: true },
  { name: 'state', type: 'enum', enumValues: socketStates, description: 'Socket state: LISTEN, ESTABLISHED, TIME_WAIT… (UNCONN for unconnected UDP)', defaultVisible: true },
  { name: 'inode', type: 'integer', description: 'Socket inode (matches /proc/<pid>/fd links socket:[inode])', defaultVisible: true },
  { name: 'netns_id', type: 'integer', description: 'Network namespace inode the socket lives in', defaultVisible: false },
];

export const snapshotSocketMeta: GadgetMeta = {
  name: 'snapshot_socket',
  category: 'snapshot',
  description: "TCP and UDP sockets (IPv4 and IPv6) of each selected container's network namespace, from /proc; no eBPF",
  params: [],
  fields: [...commonFields, ...own],
};

const tables = [
  ['tcp', 'TCP'],
  ['tcp6', 'TCP'],
  ['udp', 'UDP'],
  ['udp6', 'UDP'],
] as const;

class SocketSnapshot extends AgentRunningGadget {
  constructor(opts: GadgetStartOptions, env: AgentGadgetEnv) {
    super(opts, env);
    // The select operator writes its verdicts right after start returns; read once they are in.
    setImmediate(() => void this.take());
  }

  private async take(): Promise<void> {
    try {
      const rows: EventRecord[] = [];
      const timestamp = Date.now() * 1e6;
      const seenNetns = new Set<number>();
      for (const c of this.targets.current()) {
        // Containers of one pod share a network namespace: list its sockets once.
        if (c.netns !== undefined) {
          if (seenNetns.has(c.netns)) continue;
          seenNetns.add(c.netns);
        }
        const comm = await readComm(this.env.procRoot, c.pid);
        if (comm === null) continue;
        for (const [file, proto] of tables) {
          let text: string;
          try {
            text = await readFile(join(this.env.procRoot, String(c.pid), 'net', file), 'utf8');
          } catch {
            continue; // no IPv6 in this kernel, or the process is gone
          }
          for (const s of parseProcNet(text, proto)) {
            rows.push({ timestamp, mntns_id: c.mntns, 'proc.pid': c.pid, 'proc.comm': comm, netns_id: c.netns ?? null, ...s });
          }
        }
      }
      this.deliver(rows);
    } catch (err) {
      this.opts.onError?.(err);
    } finally {
      if (!this.closed) this.opts.onDone?.();
    }
  }
}

export const snapshotSocket: AgentGadget = {
  meta: snapshotSocketMeta,
  start: (opts, env) => new SocketSnapshot(opts, env),
};
