import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { GadgetMeta, commonFields } from '@podscope/protocol';
import { gadgetMeta, parseGadgetSpec } from './gadgetSpec.ts';
import type { GadgetManifest } from './gadgetManifest.ts';
import { manifest } from '../../gadgets/trace_exec/gadget.ts';
import { readelfSymbols, traceExecObject } from '../../test/btfOracle.ts';

describe('trace_exec gadget spec', () => {
  const object = readFileSync(traceExecObject);
  const spec = parseGadgetSpec(object, manifest);

  it('produces valid protocol metadata: own fields plus the common ones, each once', () => {
    const meta = GadgetMeta.parse(gadgetMeta(manifest, spec.fields));
    const names = meta.fields.map((f) => f.name);
    expect(new Set(names).size).toBe(names.length);
    expect(names).toEqual(expect.arrayContaining([...commonFields.map((f) => f.name), 'args', 'args_truncated', 'retval', 'error', 'mntns_pending']));
    expect(names).not.toContain('args_size');
    expect(meta.fields.find((f) => f.name === 'args_truncated')?.type).toBe('boolean');
    expect(meta.fields.find((f) => f.name === 'error')?.type).toBe('errno');
    expect(meta.category).toBe('trace');
    // Metadata only: running it needs the weaker permission.
    expect(meta.payload).toBeUndefined();
    expect(GadgetMeta.parse(gadgetMeta({ ...manifest, payload: true }, spec.fields)).payload).toBe(true);
  });

  it('takes .rodata offsets from .symtab, not from the zeroed DATASEC', () => {
    const syms = readelfSymbols(traceExecObject);
    expect(spec.rodata.get('ignore_failed')).toEqual({ offset: syms.get('ignore_failed')?.value, size: 1 });
    expect(spec.rodata.get('filter_by_mntns')).toEqual({ offset: syms.get('filter_by_mntns')?.value, size: 1 });
    expect(spec.programs).toEqual(expect.arrayContaining(['enter_execve', 'enter_execveat', 'exit_execve', 'exit_execveat']));
  });

  it('rejects a manifest that annotates a member the struct lacks', () => {
    const bad: GadgetManifest = { ...manifest, fields: { ...manifest.fields, 'proc.cwd': { description: 'x' } } };
    expect(() => parseGadgetSpec(object, bad)).toThrow(/proc\.cwd/);
  });

  it('derives defaults for members the manifest does not mention', () => {
    const bare: GadgetManifest = { ...manifest, fields: {}, derived: [] };
    const fields = parseGadgetSpec(object, bare).fields;
    expect(fields.find((f) => f.name === 'proc.comm')).toMatchObject({ type: 'string', defaultVisible: false });
    expect(fields.find((f) => f.name === 'args_size')).toMatchObject({ type: 'integer' });
  });
});
