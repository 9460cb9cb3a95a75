import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

// No base image can be pulled here, so the Containerfiles are linted for structure instead of built: stages,
// the clang build, slim non-root runtimes, and COPY sources that exist in the repository (the build context).
const repo = new URL('../../', import.meta.url).pathname;

interface Instruction {
  op: string;
  args: string;
}
interface Stage {
  name: string;
  from: string;
  steps: Instruction[];
}

function parseContainerfile(file: string): { args: Map<string, string>; stages: Stage[] } {
  const lines = readFileSync(join(repo, file), 'utf8').split('\n').filter((l) => !/^\s*#/.test(l));
  const joined = lines.join('\n').replace(/\\\n/g, ' ');
  const args = new Map<string, string>();
  const stages: Stage[] = [];
  for (const line of joined.split('\n').map((l) => l.trim()).filter((l) => l !== '')) {
    const [op = '', ...rest] = line.split(/\s+/);
    const argText = rest.join(' ');
    if (op === 'FROM') {
      const m = /^(\S+)(?:\s+AS\s+(\S+))?$/i.exec(argText);
      if (!m) throw new Error(`bad FROM: ${line}`);
      const from = m[1]!.replace(/\$\{(\w+)\}/g, (_, k: string) => args.get(k) ?? `\${${k}}`);
      stages.push({ name: m[2] ?? String(stages.length), from, steps: [] });
    } else if (stages.length === 0) {
      if (op !== 'ARG') throw new Error(`${op} before the first FROM`);
      const [k, v] = argText.split('=');
      args.set(k!, v ?? '');
    } else stages.at(-1)!.steps.push({ op: op.toUpperCase(), args: argText });
  }
  return { args, stages };
}

const runs = (s: Stage): string => s.steps.filter((i) => i.op === 'RUN').map((i) => i.args).join('\n');
const copies = (s: Stage): { from: string | undefined; sources: string[]; dest: string }[] =>
  s.steps
    .filter((i) => i.op === 'COPY')
    .map((i) => {
      const parts = i.args.split(/\s+/);
      const from = parts.find((p) => p.startsWith('--from='))?.slice('--from='.length);
      const paths = parts.filter((p) => !p.startsWith('--'));
      return { from, sources: paths.slice(0, -1), dest: paths.at(-1)! };
    });

/** Workspace packages a package needs (its `workspace:*` dependencies, transitively), by directory. */
function workspaceClosure(pkgDir: string): string[] {
  const dirs = new Map<string, string>();
  for (const d of ['packages/protocol', 'packages/bpf', 'packages/agent', 'apps/server', 'apps/web', 'apps/cli']) {
    dirs.set((JSON.parse(readFileSync(join(repo, d, 'package.json'), 'utf8')) as { name: string }).name, d);
  }
  const seen = new Set<string>([pkgDir]);
  const visit = (dir: string): void => {
    const pkg = JSON.parse(readFileSync(join(repo, dir, 'package.json'), 'utf8')) as { dependencies?: Record<string, string> };
    for (const [name, range] of Object.entries(pkg.dependencies ?? {})) {
      const d = dirs.get(name);
      if (range.startsWith('workspace:') && d !== undefined && !seen.has(d)) {
        seen.add(d);
        visit(d);
      }
    }
  };
  visit(pkgDir);
  return [...seen];
}

function commonChecks(file: string): Stage[] {
  const { stages } = parseContainerfile(file);
  expect(stages.length, 'multi-stage').toBeGreaterThanOrEqual(2);
  const names = stages.map((s) => s.name);
  for (const [i, stage] of stages.entries()) {
    for (const c of copies(stage)) {
      if (c.from !== undefined) {
        expect(names.slice(0, i), `${stage.name}: COPY --from=${c.from}`).toContain(c.from);
        continue;
      }
      for (const src of c.sources) expect(existsSync(join(repo, src)), `${stage.name}: COPY ${src} (build context is the repository root)`).toBe(true);
    }
  }
  const final = stages.at(-1)!;
  expect(final.from, 'a slim Node 20 runtime').toMatch(/node:20[\w.-]*-slim$/);
  expect(runs(final), 'no compiler in the runtime').not.toMatch(/\b(clang|g\+\+|gcc|make)\b/);
  expect(final.steps.some((i) => i.op === 'ENTRYPOINT')).toBe(true);
  return stages;
}

/** Every `pnpm install --filter 'X...'` stage copies the package.json of X and of each workspace package X needs. */
function expectInstallableStage(stage: Stage, pkgDir: string): void {
  const copied = copies(stage).flatMap((c) => c.sources);
  for (const dir of workspaceClosure(pkgDir)) expect(copied, `${stage.name} copies ${dir}/package.json`).toContain(`${dir}/package.json`);
  expect(copied).toEqual(expect.arrayContaining(['package.json', 'pnpm-lock.yaml', 'pnpm-workspace.yaml']));
  expect(runs(stage)).toMatch(/pnpm install --frozen-lockfile/);
}

describe('deploy/Containerfile.agent', () => {
  const stages = commonChecks('deploy/Containerfile.agent');
  const byName = (n: string): Stage => stages.find((s) => s.name === n) ?? (() => { throw new Error(`no stage ${n}`); })();

  it('compiles the eBPF objects with clang in a build stage', () => {
    const bpf = byName('bpf-build');
    expect(runs(bpf)).toMatch(/apt-get install .*\bclang\b.*\bbpftool\b.*\blibbpf-dev\b/);
    expect(runs(bpf)).toMatch(/bash scripts\/build-gadgets\.sh/);
    expect(readFileSync(join(repo, 'packages/bpf/scripts/build-gadgets.sh'), 'utf8')).toMatch(/"\$CLANG" -g -O2 -target bpf/);
    // The runtime takes the objects from where that script writes them (its package's build/).
    const workdir = bpf.steps.filter((i) => i.op === 'WORKDIR').at(-1)!.args;
    expect(copies(stages.at(-1)!).find((c) => c.from === 'bpf-build')?.sources).toEqual([`${workdir}/build/`]);
  });

  it("bundles the agent with esbuild and ships the bundle where bin/podscope-agent.mjs's bundle is built", () => {
    const node = byName('node-build');
    expectInstallableStage(node, 'packages/agent');
    expect(runs(node)).toMatch(/node packages\/agent\/scripts\/bundle\.mjs/);
    expect(readFileSync(join(repo, 'packages/agent/scripts/bundle.mjs'), 'utf8')).toContain("'../dist/podscope-agent.mjs'");
    expect(runs(node)).toMatch(/cp packages\/agent\/dist\/podscope-agent\.mjs \/out\//);
    const final = stages.at(-1)!;
    expect(final.steps.find((i) => i.op === 'ENTRYPOINT')?.args).toBe('["node", "/opt/podscope/podscope-agent.mjs"]');
    expect(final.steps.find((i) => i.op === 'ENV')?.args).toMatch(/PODSCOPE_BPF_BUILD_DIR=\/opt\/podscope\/bpf/);
    expect(runs(final)).toMatch(/libbpf1 libpcap0\.8/);
  });
});

describe('deploy/Containerfile.hub', () => {
  const stages = commonChecks('deploy/Containerfile.hub');

  it('builds the web UI and the hub, and runs as an unprivileged user', () => {
    expectInstallableStage(stages.find((s) => s.name === 'web-build')!, 'apps/web');
    expectInstallableStage(stages.find((s) => s.name === 'hub-deps')!, 'apps/server');
    const final = stages.at(-1)!;
    const user = final.steps.filter((i) => i.op === 'USER').at(-1)?.args ?? '0';
    expect(user).toMatch(/^[1-9]\d*:[1-9]\d*$/);
    expect(final.steps.find((i) => i.op === 'ENV')?.args).toMatch(/PODSCOPE_WEB_DIR=\/opt\/podscope\/web/);
    expect(copies(final).find((c) => c.from === 'web-build')?.sources).toEqual(['/src/apps/web/out']);
  });
});
