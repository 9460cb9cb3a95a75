import type { TargetSelector } from '@podscope/protocol';
import { TargetSelector as TargetSelectorSchema } from '@podscope/protocol';

export interface SelectorFlags {
  namespace?: string | undefined;
  allNamespaces?: boolean | undefined;
  podname?: string | undefined;
  containername?: string | undefined;
  selector?: string | undefined;
  host?: boolean | undefined;
}

const list = (s: string | undefined): string[] => (s ?? '').split(',').map((x) => x.trim()).filter((x) => x.length > 0);

/** IG's -n ns1,!ns2 / -A / -p / -c / -l k=v,!k2 / --host as a protocol TargetSelector. Standalone default: all containers. */
export function selectorFromFlags(f: SelectorFlags): TargetSelector {
  const ns = f.allNamespaces === true ? [] : list(f.namespace);
  const input = {
    namespaces: ns.filter((n) => !n.startsWith('!')),
    excludeNamespaces: ns.filter((n) => n.startsWith('!')).map((n) => n.slice(1)),
    // One Kubernetes selector text: its commas may sit inside `in (a,b)`, so it is parsed whole, not split here.
    labels: f.selector !== undefined && f.selector.trim() !== '' ? [f.selector] : [],
    host: f.host === true,
    ...(f.podname !== undefined ? { podName: f.podname } : {}),
    ...(f.containername !== undefined ? { containerName: f.containername } : {}),
  };
  return TargetSelectorSchema.parse(input);
}
