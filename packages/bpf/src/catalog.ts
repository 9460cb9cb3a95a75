/** The gadgets this package ships: manifest + compiled object, with metadata read from BTF. */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { PodscopeError, type FieldMeta, type GadgetMeta } from '@podscope/protocol';
import type { GadgetManifest } from './spec/gadgetManifest.ts';
import { derivedFieldType, gadgetMeta, readGadgetSpec, type GadgetSpec } from './spec/gadgetSpec.ts';
import { unavailableReason, type KernelFeatures } from './spec/kernelFeatures.ts';
import { manifest as traceExec } from '../gadgets/trace_exec/gadget.ts';
import { manifest as traceOpen } from '../gadgets/trace_open/gadget.ts';
import { manifest as traceFsslower } from '../gadgets/trace_fsslower/gadget.ts';
import { manifest as traceTcp } from '../gadgets/trace_tcp/gadget.ts';
import { manifest as traceBind } from '../gadgets/trace_bind/gadget.ts';
import { manifest as traceSignal } from '../gadgets/trace_signal/gadget.ts';
import { manifest as traceOomkill } from '../gadgets/trace_oomkill/gadget.ts';
import { manifest as profileBlockio } from '../gadgets/profile_blockio/gadget.ts';
import { manifest as profileRunqlat } from '../gadgets/profile_runqlat/gadget.ts';
import { manifest as profileTcprtt } from '../gadgets/profile_tcprtt/gadget.ts';
import { manifest as topFile } from '../gadgets/top_file/gadget.ts';
import { manifest as topTcp } from '../gadgets/top_tcp/gadget.ts';
import { manifest as snapshotProcess } from '../gadgets/snapshot_process/gadget.ts';
import { manifest as traceIo } from '../gadgets/trace_io/gadget.ts';

export interface BpfGadget {
  meta: GadgetMeta;
}

export const manifests: readonly GadgetManifest[] = [traceExec, traceOpen, traceFsslower, traceTcp, traceBind, traceSignal, traceOomkill, profileBlockio, profileRunqlat, profileTcprtt, topFile, topTcp, snapshotProcess, traceIo];

/** Where build-gadgets.sh writes objects; overridable for packaged installs. */
export const buildDir = process.env['PODSCOPE_BPF_BUILD_DIR'] ?? fileURLToPath(new URL('../build', import.meta.url));

export function objectPathOf(name: string): string {
  return join(buildDir, `${name}.bpf.o`);
}

/** Without a build, metadata falls back to what the manifest names, and the gadget is marked unavailable. */
function manifestOnlyFields(m: GadgetManifest): FieldMeta[] {
  const own: FieldMeta[] = [];
  for (const [path, ann] of Object.entries(m.fields)) {
    if (ann.hidden === true) continue;
    own.push({ name: ann.name ?? path, type: ann.type ?? 'string', description: ann.description ?? path, defaultVisible: ann.defaultVisible ?? false });
  }
  for (const d of m.derived ?? []) own.push({ name: d.name, type: derivedFieldType(d.kind), description: d.description, defaultVisible: d.defaultVisible });
  return own;
}

const specs = new Map<string, GadgetSpec>();

function buildCatalog(): Map<string, BpfGadget> {
  const out = new Map<string, BpfGadget>();
  for (const m of manifests) {
    const path = objectPathOf(m.name);
    if (!existsSync(path)) {
      out.set(m.name, { meta: gadgetMeta(m, manifestOnlyFields(m), `not built: ${path} is missing (pnpm --filter @podscope/bpf build)`) });
      continue;
    }
    const spec = readGadgetSpec(path, m);
    specs.set(m.name, spec);
    out.set(m.name, { meta: gadgetMeta(m, spec.fields) });
  }
  return out;
}

export const gadgetCatalog: ReadonlyMap<string, BpfGadget> = buildCatalog();

export function gadgetSpecOf(name: string): GadgetSpec {
  const spec = specs.get(name);
  if (spec) return spec;
  const known = manifests.find((m) => m.name === name);
  if (!known) throw new PodscopeError('unknown_gadget', `no gadget named ${name}`, { known: manifests.map((m) => m.name) });
  // Built after the catalog was read (e.g. in tests): read it now.
  const fresh = readGadgetSpec(objectPathOf(name), known);
  specs.set(name, fresh);
  return fresh;
}

/** Gadget name → why this kernel cannot run it, for every gadget whose declared needs are not met. */
export function unavailableGadgets(all: readonly GadgetManifest[], features: KernelFeatures): Map<string, string> {
  const out = new Map<string, string>();
  for (const m of all) {
    const reason = unavailableReason(m.needs ?? [], features);
    if (reason !== undefined) out.set(m.name, reason);
  }
  return out;
}

/** Marks catalog entries the kernel cannot run; an existing reason (e.g. "not built") is kept. */
export function applyKernelFeatures(features: KernelFeatures): void {
  for (const [name, reason] of unavailableGadgets(manifests, features)) {
    const g = gadgetCatalog.get(name);
    if (g && g.meta.unavailable === undefined) g.meta.unavailable = reason;
  }
}
