import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const here = (p: string): string => fileURLToPath(new URL(p, import.meta.url));

export default function setup(): void {
  execFileSync('bash', [here('../scripts/build-gadgets.sh')], { stdio: 'inherit' });
  // A fixture object with shapes the gadgets do not use yet (bitfields, unions, enums, __u8 arrays).
  execFileSync('clang', ['-g', '-O2', '-target', 'bpf', '-I', '/usr/include/x86_64-linux-gnu', '-c', here('fixtures/layouts.bpf.c'), '-o', here('../build/fixture_layouts.bpf.o')], { stdio: 'inherit' });
}
