import { CaptureResponse, CapturesResponse, CreateShareResponse, PodscopeError, type CaptureSummary } from '@podscope/protocol';
import type { HubClient } from './hubClient.ts';
import type { Terminal } from './terminal.ts';

const DURATION = /^(\d+)(s|m|h|d)?$/;
const UNIT_SEC: Readonly<Record<string, number>> = { s: 1, m: 60, h: 3600, d: 86400 };

/** `--expires 7d` / `12h` / `30m` / `90` (seconds) as seconds. */
export function parseExpiry(text: string): number {
  const m = DURATION.exec(text.trim());
  if (!m) throw new PodscopeError('bad_param', `--expires "${text}" is not a duration (e.g. 30m, 12h, 7d)`);
  const sec = Number(m[1]) * (UNIT_SEC[m[2] ?? 's'] ?? 1);
  if (sec <= 0) throw new PodscopeError('bad_param', '--expires must be more than 0');
  return sec;
}

/** kubectl's AGE column: 45s, 12m, 5h, 3d. */
export function age(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  if (s < 120) return `${s}s`;
  if (s < 7200) return `${Math.floor(s / 60)}m`;
  if (s < 172800) return `${Math.floor(s / 3600)}h`;
  return `${Math.floor(s / 86400)}d`;
}

/** Captures as kubectl prints resources: upper-case headers, columns padded to the widest cell. */
export function captureTable(captures: readonly CaptureSummary[], now: number): string {
  const rows = [
    ['ID', 'NAME', 'STATE', 'GADGETS', 'EVENTS', 'SIZE', 'AGE'],
    ...captures.map((c) => [c.id, c.name, c.state, c.gadgets.join(','), String(c.events), String(c.sizeBytes), age(now - c.createdAt)]),
  ];
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  return rows.map((r) => r.map((cell, i) => (i === r.length - 1 ? cell : cell.padEnd(widths[i]! + 3))).join('')).join('\n') + '\n';
}

export async function listCaptures(client: HubClient, output: 'columns' | 'json', term: Terminal): Promise<void> {
  const { captures } = await client.request('GET', '/api/captures', CapturesResponse);
  if (output === 'json') term.out.write(JSON.stringify(captures, null, 2) + '\n');
  else if (captures.length === 0) term.info('No captures found.');
  else term.out.write(captureTable(captures, Date.now()));
}

/** The capture's page in the web UI (after checking it exists). */
export async function openCapture(client: HubClient, id: string, term: Terminal): Promise<void> {
  await client.request('GET', `/api/captures/${encodeURIComponent(id)}`, CaptureResponse);
  term.out.write(client.webUrl(`/capture?id=${encodeURIComponent(id)}`) + '\n');
}

/** A share link: read-only access to one capture, with an expiry, revocable in the web UI. */
export async function shareCapture(client: HubClient, id: string, expiresInSec: number, term: Terminal): Promise<void> {
  const res = await client.request('POST', `/api/captures/${encodeURIComponent(id)}/shares`, CreateShareResponse, { expiresInSec });
  // The hub builds the link from the Host it was asked on; print it on the URL the plugin is configured with.
  const link = new URL(res.url, client.hub);
  const base = new URL(client.hub);
  link.protocol = base.protocol;
  link.host = base.host;
  term.out.write(link.href + '\n');
  term.info(`share ${res.share.id} expires ${new Date(res.expiresAt).toISOString()}; revoke it on the capture's page`);
}
