import { describe, expect, it } from 'vitest';
import type { Operator } from './operator.ts';
import { OperatorChain } from './operator.ts';

function fake(name: string, calls: string[], failOn?: 'start' | 'stop'): Operator {
  return {
    name,
    start: async () => {
      calls.push(`${name}.start`);
      if (failOn === 'start') throw new Error(`${name} failed`);
    },
    stop: async () => {
      calls.push(`${name}.stop`);
      if (failOn === 'stop') throw new Error(`${name} stop failed`);
    },
    close: async () => {
      calls.push(`${name}.close`);
    },
  };
}

describe('OperatorChain', () => {
  it('starts in order, stops in reverse, then closes every operator in reverse', async () => {
    const calls: string[] = [];
    const chain = new OperatorChain(['discover', 'select', 'run', 'enrich', 'filter', 'encode'].map((n) => fake(n, calls)));
    await chain.start();
    await chain.stop();
    await chain.stop();
    expect(calls).toEqual([
      'discover.start', 'select.start', 'run.start', 'enrich.start', 'filter.start', 'encode.start',
      'encode.stop', 'filter.stop', 'enrich.stop', 'run.stop', 'select.stop', 'discover.stop',
      'encode.close', 'filter.close', 'enrich.close', 'run.close', 'select.close', 'discover.close',
    ]);
  });

  it('after a start failure, stops only the started operators and still closes all of them', async () => {
    const calls: string[] = [];
    const chain = new OperatorChain([fake('discover', calls), fake('select', calls), fake('run', calls, 'start'), fake('enrich', calls)]);
    await expect(chain.start()).rejects.toThrow('run failed');
    expect(calls).toEqual([
      'discover.start', 'select.start', 'run.start',
      'select.stop', 'discover.stop',
      'enrich.close', 'run.close', 'select.close', 'discover.close',
    ]);
  });

  it('closes every operator even when a stop throws, and reports that error', async () => {
    const calls: string[] = [];
    const chain = new OperatorChain([fake('a', calls), fake('b', calls, 'stop'), fake('c', calls)]);
    await chain.start();
    await expect(chain.stop()).rejects.toThrow('b stop failed');
    expect(calls.slice(3)).toEqual(['c.stop', 'b.stop', 'a.stop', 'c.close', 'b.close', 'a.close']);
  });
});
