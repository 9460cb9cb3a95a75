import { expect, it } from 'vitest';
import type { EventRecord } from '@podscope/protocol';
import { TargetSelector } from '@podscope/protocol';
import { fixture, makeHostRoot, makeProcTree } from '../../test/fakeHost.ts';
import { execEvent, fakeHost } from '../../test/fakeGadget.ts';
import { ContainerIndex } from '../discovery/containerIndex.ts';
import { PodmanCli } from '../discovery/podmanCli.ts';
import { ProcReader } from '../discovery/procReader.ts';
import { ContainerdBundles } from '../discovery/bundleRuntimes.ts';
import { RunPipeline } from './runPipeline.ts';

const HOST = 4026531840;
const WEB = 4026532177;
const podmanId = '85786e698b981e59886d83f772a5bdac7f7f890da2898110cb504576cdc42139';

// Cluster mode: the hub narrows a node's run to exactly the pods the API server places there, and retargets it when
// they change; the kernel verdicts follow at once.
it('retargets a running pipeline to another pod list (the hub resolved the selector again)', async () => {
  const procRoot = makeProcTree([
    { pid: 1, ppid: 0, comm: 'init', cgroup: '0::/\n', mntns: HOST },
    { pid: 9744, ppid: 1, comm: 'sleep', cgroup: fixture('podman/cgroup.txt'), mntns: WEB },
  ]);
  const podman = new PodmanCli(async (_f, args) => (args[0] === 'inspect' && args.includes(podmanId) ? fixture('podman/inspect.json') : null));
  const index = new ContainerIndex({ node: 'node-a', proc: new ProcReader(procRoot), resolvers: [new ContainerdBundles(makeHostRoot()), podman] });
  const { host, gadgets } = fakeHost();
  const out: EventRecord[] = [];
  const sink = { offer: (e: EventRecord[]) => (out.push(...e), true) };
  const target = (pods: string[]): TargetSelector => TargetSelector.parse({ namespaces: ['demo'], pods });
  const p = new RunPipeline({ gadget: 'trace_exec', params: {}, selector: target(['demo/web-1']), node: 'node-a', index, host, sink });
  await p.start();
  const g = gadgets[0]!;
  expect(g.opts.selection.enabled).toBe(true);
  expect(g.verdicts.get(WEB)).toBe(1);
  p.selector.retarget(target([]));
  expect(g.verdicts.get(WEB)).toBe(0);
  expect(g.verdicts.get(HOST)).toBe(0);
  p.selector.retarget(target(['demo/web-1', 'demo/other']));
  expect(g.verdicts.get(WEB)).toBe(1);
  g.emit([execEvent(WEB, 9750, 'ls /')]);
  await p.stop();
  expect(out.map((e) => e['k8s.podName'])).toEqual(['web-1']);
});
