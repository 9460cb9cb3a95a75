/** bpftool's view of an object's BTF: the independent oracle the spec tests compare against. */
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const traceExecObject = fileURLToPath(new URL('../build/trace_exec.bpf.o', import.meta.url));

export interface OracleMember {
  name: string;
  type_id: number;
  bits_offset: number;
}
export interface OracleType {
  id: number;
  kind: string;
  name: string;
  size?: number;
  members?: OracleMember[];
  type_id?: number;
  nr_elems?: number;
}

export function bpftoolTypes(object: string): OracleType[] {
  const out = execFileSync('bpftool', ['-j', 'btf', 'dump', 'file', object], { encoding: 'utf8' });
  const parsed = JSON.parse(out) as { types: OracleType[] };
  return parsed.types;
}

/** Symbols from llvm-readelf: name → { value, size, section index }. */
export function readelfSymbols(object: string): Map<string, { value: number; size: number; ndx: string }> {
  const out = execFileSync('llvm-readelf', ['-sW', object], { encoding: 'utf8' });
  const map = new Map<string, { value: number; size: number; ndx: string }>();
  for (const line of out.split('\n')) {
    const m = /^\s*\d+:\s+([0-9a-f]+)\s+(\d+)\s+(\S+)\s+\S+\s+\S+\s+(\S+)\s+(\S+)$/.exec(line);
    // Section symbols have no name of their own; readelf prints the section's.
    if (m?.[3] === 'SECTION') continue;
    if (m?.[1] !== undefined && m[2] !== undefined && m[4] !== undefined && m[5] !== undefined) {
      map.set(m[5], { value: parseInt(m[1], 16), size: Number(m[2]), ndx: m[4] });
    }
  }
  return map;
}
