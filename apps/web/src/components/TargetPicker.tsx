'use client';

import { useMemo, useState } from 'react';
import type { ContainerInfo, InventoryResponse } from '@podscope/protocol';
import { buildTargetTree } from '../lib/targetTree.ts';

export interface TargetSelection {
  namespaces: string[];
  pod?: string;
  container?: string;
}

interface Props {
  inventory: InventoryResponse | null;
  selection: TargetSelection;
  host: boolean;
  onSelect: (selection: TargetSelection) => void;
  onHostChange: (host: boolean) => void;
}

function ContainerRow({ c, testId, selected, onClick }: { c: ContainerInfo; testId: string; selected: boolean; onClick: () => void }) {
  const name = c.k8s?.containerName ?? c.name;
  return (
    <li>
      <button type="button" className={`tree-item tree-container${selected ? ' selected' : ''}`} data-testid={testId} aria-pressed={selected} onClick={onClick} title={`${c.image}\nid ${c.id}`}>
        <span className="tree-label">{name}</span>
        <span className="chip">{c.runtime}</span>
        {c.state !== undefined && c.state !== 'running' && (
          // Cluster mode lists pods the API server knows before their containers run.
          <span className="chip" data-testid="container-state">
            {c.state}
          </span>
        )}
        <span className="tree-meta">{c.image}</span>
      </button>
    </li>
  );
}

/** Namespace → pod → container tree from the hub's inventory; a click narrows the run's target. */
export function TargetPicker({ inventory, selection, host, onSelect, onHostChange }: Props) {
  const [search, setSearch] = useState('');
  const [collapsed, setCollapsed] = useState<ReadonlySet<string>>(new Set());
  const tree = useMemo(() => buildTargetTree(inventory?.containers ?? [], search), [inventory, search]);
  const allSelected = selection.namespaces.length === 0 && selection.pod === undefined && selection.container === undefined;
  const nsOnly = (ns: string) => selection.namespaces.length === 1 && selection.namespaces[0] === ns && selection.pod === undefined && selection.container === undefined;
  const podSel = (ns: string, pod: string) => selection.namespaces[0] === ns && selection.pod === pod && selection.container === undefined;
  const toggle = (key: string) =>
    setCollapsed((prev) => {
      const next = new Set(prev);
      if (next.has(key)) next.delete(key);
      else next.add(key);
      return next;
    });

  return (
    <section className="panel target-picker" aria-label="Target">
      <header className="panel-title">
        Target
        <span className="panel-sub">
          {inventory === null
            ? 'loading…'
            : `${inventory.containers.length} containers · ${inventory.nodes.filter((n) => n.connected).length}/${inventory.nodes.length} nodes`}
        </span>
      </header>
      {inventory !== null && inventory.nodes.length > 0 && (
        <div className="node-list">
          {inventory.nodes.map((n) => (
            <span key={n.node} className={`node-pill ${n.connected ? 'ok' : 'down'}`} title={`last seen ${new Date(n.lastSeen).toLocaleTimeString()}`}>
              {n.node}
            </span>
          ))}
        </div>
      )}
      <input className="search" type="search" placeholder="Search namespace, pod, container, image…" data-testid="target-search" aria-label="Search targets" value={search} onChange={(e) => setSearch(e.target.value)} />
      <div className="target-options">
        <button type="button" className={`tree-item${allSelected ? ' selected' : ''}`} data-testid="target-all" aria-pressed={allSelected} onClick={() => onSelect({ namespaces: [] })}>
          <span className="tree-label">All namespaces</span>
        </button>
        <label className="checkbox">
          <input type="checkbox" data-testid="target-host" checked={host} onChange={(e) => onHostChange(e.target.checked)} />
          include host processes
        </label>
      </div>
      <ul className="tree" role="tree">
        {tree.map((ns) => {
          const key = ns.namespace ?? '';
          const open = !collapsed.has(key);
          return (
            <li key={key} role="treeitem" aria-expanded={open}>
              <div className="tree-ns-row">
                <button type="button" className="twisty" aria-label={open ? 'collapse' : 'expand'} onClick={() => toggle(key)}>
                  {open ? '▾' : '▸'}
                </button>
                {ns.namespace === null ? (
                  <span className="tree-item tree-ns muted" data-testid="target-namespace-none">
                    (no namespace)
                  </span>
                ) : (
                  <button type="button" className={`tree-item tree-ns${nsOnly(ns.namespace) ? ' selected' : ''}`} data-testid={`target-namespace-${ns.namespace}`} aria-pressed={nsOnly(ns.namespace)} onClick={() => onSelect({ namespaces: [ns.namespace ?? ''] })}>
                    <span className="tree-label">{ns.namespace}</span>
                    <span className="tree-meta">{ns.pods.length} pods</span>
                  </button>
                )}
              </div>
              {open && (
                <ul className="tree-children">
                  {ns.pods.map((p) => (
                    <li key={p.pod}>
                      <button type="button" className={`tree-item tree-pod${podSel(p.namespace, p.pod) ? ' selected' : ''}`} data-testid={`target-pod-${p.namespace}-${p.pod}`} aria-pressed={podSel(p.namespace, p.pod)} onClick={() => onSelect({ namespaces: [p.namespace], pod: p.pod })}>
                        <span className="tree-label">{p.pod}</span>
                        <span className="tree-meta">{p.nodes.join(', ')}</span>
                      </button>
                      <ul className="tree-children">
                        {p.containers.map((c) => {
                          const name = c.k8s?.containerName ?? c.name;
                          const sel = selection.namespaces[0] === p.namespace && selection.pod === p.pod && selection.container === name;
                          return <ContainerRow key={c.id} c={c} testId={`target-container-${p.namespace}-${p.pod}-${name}`} selected={sel} onClick={() => onSelect({ namespaces: [p.namespace], pod: p.pod, container: name })} />;
                        })}
                      </ul>
                    </li>
                  ))}
                  {ns.bare.map((c) => {
                    const sel = selection.namespaces.length === 0 && selection.pod === undefined && selection.container === c.name;
                    return <ContainerRow key={c.id} c={c} testId={`target-container---${c.name}`} selected={sel} onClick={() => onSelect({ namespaces: [], container: c.name })} />;
                  })}
                </ul>
              )}
            </li>
          );
        })}
        {inventory !== null && tree.length === 0 && <li className="muted empty">{search === '' ? 'No containers reported by any node yet.' : 'Nothing matches the search.'}</li>}
      </ul>
    </section>
  );
}
