import { loadBpfHost } from '../bpfHost.ts';
import type { GadgetHost } from '../pipeline/gadgetHost.ts';
import type { AgentGadget, AgentGadgetEnv } from './agentGadget.ts';
import { CgroupResolver } from './cgroupDirs.ts';
import { composeHosts } from './composedHost.ts';
import type { ContainerSource } from './containerTargets.ts';
import { snapshotSocket } from './snapshot_socket/gadget.ts';
import { tcpdump } from './tcpdump/gadget.ts';
import { traceDns } from './trace_dns/gadget.ts';
import { topCpuThrottle } from './top_cpu_throttle/gadget.ts';

/** Gadgets the agent implements itself from /proc and cgroup files, and packet sockets (no eBPF program). */
export const agentGadgets: readonly AgentGadget[] = [topCpuThrottle, snapshotSocket, tcpdump, traceDns];

/** The agent's own gadgets as a GadgetHost; nothing of theirs is filtered in the kernel. */
export function agentGadgetHost(env: AgentGadgetEnv, gadgets: readonly AgentGadget[] = agentGadgets): GadgetHost {
  const byName = new Map(gadgets.map((g) => [g.meta.name, g]));
  return {
    catalog: byName,
    kernelFilterableFields: [],
    startGadget: async (name, opts) => {
      const g = byName.get(name);
      if (!g) throw new Error(`no agent gadget ${name}`);
      return g.start(opts, env);
    },
  };
}

/** Everything this node can run: the eBPF catalog plus the agent's own gadgets. */
export async function createAgentHost(containers: ContainerSource, procRoot = '/proc'): Promise<GadgetHost> {
  return composeHosts([await loadBpfHost(), agentGadgetHost({ containers, procRoot, cgroups: new CgroupResolver(procRoot) })]);
}
