import type { CaptureSummary } from '@podscope/protocol';
import { describe, expect, it } from 'vitest';
import { captureLiveRun, type LivePcapngDeps } from './pcapngDownload.ts';

const summary = (events: number, state: CaptureSummary['state'] = 'recording'): CaptureSummary => ({ id: 'c1', events, state }) as unknown as CaptureSummary;

function deps(progress: number[], log: string[]): LivePcapngDeps {
  let i = 0;
  return {
    runEvents: async () => 10,
    record: async (runId) => {
      log.push(`record ${runId}`);
      return summary(progress[0] ?? 0);
    },
    get: async () => summary(progress[Math.min(++i, progress.length - 1)] ?? 0),
    stop: async (id) => {
      log.push(`stop ${id}`);
      return summary(progress[i] ?? 0, 'complete');
    },
    sleep: async () => undefined,
  };
}

describe('captureLiveRun', () => {
  it('records from the start, waits until the capture holds the run’s events, then stops it', async () => {
    const log: string[] = [];
    const c = await captureLiveRun('r1', deps([2, 6, 10, 12], log));
    expect(log).toEqual(['record r1', 'stop c1']);
    expect(c).toMatchObject({ state: 'complete', events: 10 });
  });
  it('stops after a bounded wait when the capture never catches up', async () => {
    const log: string[] = [];
    const c = await captureLiveRun('r1', deps([1], log), 1000, 250);
    expect(log).toEqual(['record r1', 'stop c1']);
    expect(c.state).toBe('complete');
  });
});
