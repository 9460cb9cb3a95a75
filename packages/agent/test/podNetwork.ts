import type { ChildProcess } from 'node:child_process';
import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * A private network for one test, entirely inside namespaces it creates (platform.md network safety): a bridge in its
 * own namespace, a DNS server (dnsmasq) and a web server (busybox httpd) each in their own namespace, and the pod's
 * network namespace joined to the bridge. Nothing touches the root namespace, so nothing can leak to a gateway.
 */
export const WEB_ADDR = '10.200.0.2';
export const DNS_ADDR = '10.200.0.3';
export const POD_ADDR = '10.200.0.5';
export const WEB_NAME = 'example.com';

const sh = (args: readonly string[]): string => execFileSync(args[0]!, args.slice(1), { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });

export class PodNetwork {
  readonly dir: string;
  readonly bridgeNs: string;
  readonly dnsNs: string;
  readonly webNs: string;
  private readonly servers: ChildProcess[] = [];
  private readonly tag: string;

  constructor(tag: string) {
    this.tag = tag.replace(/[^a-z0-9]/gi, '').slice(-8);
    this.bridgeNs = `ps-br-${this.tag}`;
    this.dnsNs = `ps-dns-${this.tag}`;
    this.webNs = `ps-web-${this.tag}`;
    this.dir = join(tmpdir(), `podscope-net-${this.tag}`);
  }

  /** A resolv.conf for the pod that points only at the test's DNS server. */
  get resolvConf(): string {
    return join(this.dir, 'resolv.conf');
  }

  setup(): void {
    mkdirSync(join(this.dir, 'www'), { recursive: true });
    writeFileSync(this.resolvConf, `nameserver ${DNS_ADDR}\noptions timeout:2 attempts:1\n`);
    writeFileSync(join(this.dir, 'www/index.html'), '<html><body>hello from the test web server</body></html>\n');
    for (const ns of [this.bridgeNs, this.dnsNs, this.webNs]) sh(['ip', 'netns', 'add', ns]);
    sh(['ip', '-n', this.bridgeNs, 'link', 'add', 'br0', 'type', 'bridge']);
    sh(['ip', '-n', this.bridgeNs, 'link', 'set', 'br0', 'up']);
    this.plug(this.dnsNs, 'dns', DNS_ADDR);
    this.plug(this.webNs, 'web', WEB_ADDR);
    // --bind-interfaces + a listen address: dnsmasq answers only on the test network. Its config comes from flags only.
    this.serve(this.dnsNs, ['dnsmasq', '--no-daemon', '--conf-file=/dev/null', '--no-resolv', '--no-hosts', '--bind-interfaces', `--listen-address=${DNS_ADDR}`, `--address=/${WEB_NAME}/${WEB_ADDR}`, `--local=/${WEB_NAME}/`, '--pid-file=', '--user=root', '--log-facility=-']);
    this.serve(this.webNs, ['busybox', 'httpd', '-f', '-p', `${WEB_ADDR}:80`, '-h', join(this.dir, 'www')]);
  }

  /** Joins the network namespace of `pid` (the pod) to the bridge as eth1 with the pod address. */
  attachPod(pid: number): void {
    const host = `v${this.tag}p`;
    sh(['ip', '-n', this.bridgeNs, 'link', 'add', host, 'type', 'veth', 'peer', 'name', `p${this.tag}`]);
    sh(['ip', '-n', this.bridgeNs, 'link', 'set', `p${this.tag}`, 'netns', String(pid)]);
    sh(['ip', '-n', this.bridgeNs, 'link', 'set', host, 'master', 'br0', 'up']);
    const inPod = (args: string[]): string => sh(['nsenter', '-t', String(pid), '-n', 'ip', ...args]);
    inPod(['link', 'set', `p${this.tag}`, 'name', 'eth1']);
    inPod(['addr', 'add', `${POD_ADDR}/24`, 'dev', 'eth1']);
    inPod(['link', 'set', 'eth1', 'up']);
    inPod(['link', 'set', 'lo', 'up']);
  }

  private plug(ns: string, name: string, addr: string): void {
    const host = `v${this.tag}${name[0]}`;
    sh(['ip', '-n', this.bridgeNs, 'link', 'add', host, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', ns]);
    sh(['ip', '-n', this.bridgeNs, 'link', 'set', host, 'master', 'br0', 'up']);
    sh(['ip', '-n', ns, 'addr', 'add', `${addr}/24`, 'dev', 'eth0']);
    sh(['ip', '-n', ns, 'link', 'set', 'eth0', 'up']);
    sh(['ip', '-n', ns, 'link', 'set', 'lo', 'up']);
  }

  private serve(ns: string, cmd: string[]): void {
    const child = spawn('ip', ['netns', 'exec', ns, ...cmd], { stdio: ['ignore', 'ignore', 'pipe'] });
    child.stderr?.resume();
    this.servers.push(child);
  }

  teardown(): void {
    for (const c of this.servers) if (c.exitCode === null && c.pid !== undefined) c.kill('SIGTERM');
    for (const ns of [this.bridgeNs, this.dnsNs, this.webNs]) {
      try {
        sh(['ip', 'netns', 'del', ns]);
      } catch {
        // already gone
      }
    }
    rmSync(this.dir, { recursive: true, force: true });
  }
}
