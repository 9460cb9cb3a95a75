import { mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const fixture = (path: string): string => readFileSync(new URL(`./fixtures/${path}`, import.meta.url), 'utf8');

export interface FakeProc {
  pid: number;
  ppid: number;
  comm: string;
  cgroup: string;
  mntns: number;
  netns?: number;
  startTime?: string;
  cmdline?: string[];
}

/** Lays out a /proc-like tree (stat, cgroup, cmdline, ns/mnt and ns/net links) from recorded or written data. */
export function makeProcTree(procs: readonly FakeProc[], root = mkdtempSync(join(tmpdir(), 'podscope-proc-'))): string {
  for (const p of procs) addProc(root, p);
  return root;
}

export function addProc(root: string, p: FakeProc): void {
  const dir = join(root, String(p.pid));
  mkdirSync(join(dir, 'ns'), { recursive: true });
  const fields = ['S', String(p.ppid), ...Array<string>(17).fill('0'), p.startTime ?? String(1000 + p.pid), '0'];
  writeFileSync(join(dir, 'stat'), `${p.pid} (${p.comm}) ${fields.join(' ')}\n`);
  writeFileSync(join(dir, 'cgroup'), p.cgroup);
  writeFileSync(join(dir, 'cmdline'), (p.cmdline ?? [p.comm]).join('\0') + '\0');
  symlinkSync(`mnt:[${p.mntns}]`, join(dir, 'ns', 'mnt'));
  symlinkSync(`net:[${p.netns ?? 4026531840}]`, join(dir, 'ns', 'net'));
}

/** Lays out runtime state files under a fake host root, where the bundle readers look for them. */
export function makeHostRoot(): string {
  const root = mkdtempSync(join(tmpdir(), 'podscope-host-'));
  const put = (path: string, content: string): void => {
    mkdirSync(join(root, path, '..'), { recursive: true });
    writeFileSync(join(root, path), content);
  };
  const cid = fixture('containerd/id.txt').trim();
  put(`run/containerd/io.containerd.runtime.v2.task/k8s.io/${cid}/config.json`, fixture('containerd/config.json'));
  const did = fixture('docker/id.txt').trim();
  put(`var/lib/docker/containers/${did}/config.v2.json`, fixture('docker/config.v2.json'));
  const rid = fixture('crio/id.txt').trim();
  put(`run/containers/storage/overlay-containers/${rid}/userdata/config.json`, fixture('crio/config.json'));
  return root;
}
