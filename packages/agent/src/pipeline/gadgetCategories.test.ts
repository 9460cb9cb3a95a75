import { describe, expect, it } from 'vitest';
import type { EventRecord } from '@podscope/protocol';
import { TargetSelector, resolveParams } from '@podscope/protocol';
import { fixture, makeProcTree } from '../../test/fakeHost.ts';
import { fakeHost, snapshotFakeMeta, topFakeMeta } from '../../test/fakeGadget.ts';
import { ContainerIndex } from '../discovery/containerIndex.ts';
import { PodmanCli } from '../discovery/podmanCli.ts';
import { ProcReader } from '../discovery/procReader.ts';
import { RunPipeline } from './runPipeline.ts';
import { TopRanker } from './topRanker.ts';

const WEB = 4026532177;
const podmanId = '85786e698b981e59886d83f772a5bdac7f7f890da2898110cb504576cdc42139';

function index(): ContainerIndex {
  const procRoot = makeProcTree([
    { pid: 1, ppid: 0, comm: 'init', cgroup: '0::/\n', mntns: 4026531840 },
    { pid: 9744, ppid: 1, comm: 'sleep', cgroup: fixture('podman/cgroup.txt'), mntns: WEB },
  ]);
  return new ContainerIndex({ node: 'node-a', proc: new ProcReader(procRoot), resolvers: [new PodmanCli(async (_f, a) => (a.includes(podmanId) ? fixture('podman/inspect.json') : null))] });
}

const row = (interval: number, n: number, extra: EventRecord = {}): EventRecord => ({ timestamp: 1, mntns_id: WEB, 'proc.pid': 9744, 'proc.comm': 'sleep', interval, n, ...extra });

function pipeline(gadget: string, raw: Record<string, unknown> = {}, filter?: string) {
  const { host, gadgets } = fakeHost([topFakeMeta, snapshotFakeMeta]);
  const batches: EventRecord[][] = [];
  let finished = 0;
  const meta = host.catalog.get(gadget)!.meta;
  const p = new RunPipeline({
    gadget,
    params: resolveParams(meta, raw),
    selector: TargetSelector.parse({ namespaces: ['demo'] }),
    node: 'node-a',
    index: index(),
    host,
    sink: { offer: (b) => (batches.push(b), true) },
    filter,
    onFinished: () => finished++,
  });
  return { p, gadgets, batches, finished: () => finished };
}

describe('TopRanker', () => {
  it('sorts and cuts each interval separately', () => {
    const r = TopRanker.fromParams(topFakeMeta, { sort: '-n', 'max-entries': 2 });
    const { kept, cut } = r.rank([row(1, 1), row(1, 5), row(1, 3), row(2, 7), row(2, 9)]);
    expect(kept.map((e) => [e['interval'], e['n']])).toEqual([[1, 5], [1, 3], [2, 9], [2, 7]]);
    expect(cut).toBe(1);
    expect(new TopRanker([], 0).rank([row(1, 1), row(1, 2)]).kept).toHaveLength(2);
  });

  it('refuses an unknown sort field as bad_param with a suggestion', () => {
    expect(() => TopRanker.fromParams(topFakeMeta, { sort: '-nn' })).toThrow(/--sort: unknown field "nn"/);
  });
});

describe('RunPipeline per gadget category', () => {
  it('top: sort and max-entries apply per interval after enrichment and the filter; cut rows count as filtered', async () => {
    const { p, gadgets, batches } = pipeline('top_fake', { sort: '-n', 'max-entries': '2' }, 'n!=4');
    await p.start();
    gadgets[0]!.emit([row(1, 1), row(1, 4), row(1, 3), row(1, 2)]);
    gadgets[0]!.emit([row(2, 8), row(2, 9)]);
    await p.stop();
    const out = batches.flat();
    expect(out.map((e) => e['n'])).toEqual([3, 2, 9, 8]);
    expect(out[0]).toMatchObject({ 'k8s.podName': 'web-1', interval: 1 });
    // n==4 removed by the filter, n==1 cut by max-entries.
    expect(p.status()).toMatchObject({ state: 'stopped', filtered: 2, events: 4 });
  });

  it('top: sort by an enrichment field works because ranking runs after enrichment', async () => {
    const { p, gadgets, batches } = pipeline('top_fake', { sort: 'k8s.podName,n', 'max-entries': '1' });
    await p.start();
    gadgets[0]!.emit([row(1, 5), row(1, 2)]);
    await p.stop();
    expect(batches.flat().map((e) => e['n'])).toEqual([2]);
  });

  it('snapshot: after its one batch the run stops by itself and tells its owner', async () => {
    const { p, gadgets, batches, finished } = pipeline('snapshot_fake');
    await p.start();
    expect(p.status().state).toBe('running');
    gadgets[0]!.emit([{ timestamp: 1, mntns_id: WEB, 'proc.pid': 9744, what: 'a' }, { timestamp: 1, mntns_id: WEB, 'proc.pid': 9744, what: 'b' }]);
    await p.finished;
    expect(finished()).toBe(1);
    expect(p.status()).toMatchObject({ state: 'stopped', events: 2 });
    expect(batches.flat().map((e) => e['what'])).toEqual(['a', 'b']);
    expect(gadgets[0]!.closed).toBe(true);
    // Stopping again (the hub's stopRun) is harmless.
    await p.stop();
    expect(finished()).toBe(1);
  });

  it('snapshot: an empty snapshot also completes, through onDone', async () => {
    const { p, gadgets, finished } = pipeline('snapshot_fake');
    await p.start();
    gadgets[0]!.opts.onDone?.();
    await p.finished;
    expect(finished()).toBe(1);
    expect(p.status()).toMatchObject({ state: 'stopped', events: 0 });
  });

  it('trace: rows pass through in arrival order, unsorted and uncut', async () => {
    const { p, gadgets, batches } = pipeline('trace_exec');
    await p.start();
    gadgets[0]!.emit([row(1, 3), row(1, 1), row(1, 2)]);
    await p.stop();
    expect(batches.flat().map((e) => e['n'])).toEqual([3, 1, 2]);
  });
});
