import { describe, expect, it } from 'vitest';
import { PodscopeError, TargetSelector, type ContainerInfo } from '@podscope/protocol';
import { checkTargetsExist } from './gadgetLookup.ts';

const ctr = (namespace: string, podName: string): ContainerInfo => ({
  id: `${namespace}-${podName}`,
  name: 'c',
  runtime: 'podman',
  image: 'busybox',
  labels: {},
  node: 'n1',
  k8s: { namespace, podName, containerName: 'c' },
});
const containers = [ctr('ticket-generator', 'ticket-balancer-1'), ctr('demo', 'web-1')];
const check = (sel: object) => () => checkTargetsExist(TargetSelector.parse(sel), containers, 'n1');

describe('checkTargetsExist (standalone runs)', () => {
  it('accepts a pod that has containers, in its namespace or in any', () => {
    expect(check({ namespaces: ['ticket-generator'], podName: 'ticket-balancer-1' })).not.toThrow();
    expect(check({ podName: 'web-1' })).not.toThrow();
  });

  it('refuses a pod with no containers, naming the pods there are', () => {
    expect(check({ namespaces: ['ticket-generator'], podName: 'ticket-balancer-gone' })).toThrow(PodscopeError);
    expect(check({ namespaces: ['ticket-generator'], podName: 'ticket-balancer-gone' })).toThrow(
      'pod "ticket-balancer-gone" in namespace "ticket-generator" has no containers on node n1 (pods: ticket-generator/ticket-balancer-1)',
    );
    // A pod of another namespace does not count.
    expect(check({ namespaces: ['demo'], podName: 'ticket-balancer-1' })).toThrow(/pod "ticket-balancer-1" in namespace "demo" has no containers/);
    expect(check({ namespaces: ['nope'] })).toThrow(/namespace "nope" has no containers on node n1 \(namespaces with containers: demo, ticket-generator\)/);
  });
});
