import { createReadStream } from 'node:fs';
import { realpath, stat } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import path from 'node:path';

const contentTypes: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.wasm': 'application/wasm',
  '.webmanifest': 'application/manifest+json',
};

interface Found {
  file: string;
  size: number;
  status: number;
}

/** Serves a Next.js static export: `/login` → `login.html` or `login/index.html`, unknown pages → `404.html`. */
export class StaticFiles {
  private rootReal: string | undefined;

  constructor(readonly root: string) {}

  async serve(req: IncomingMessage, res: ServerResponse, pathname: string): Promise<void> {
    if (req.method !== 'GET' && req.method !== 'HEAD') return this.plain(res, 405, 'method not allowed', { allow: 'GET, HEAD' });
    let decoded: string;
    try {
      decoded = decodeURIComponent(pathname);
    } catch {
      return this.plain(res, 400, 'bad path encoding');
    }
    if (decoded.includes('\0') || decoded.includes('\\')) return this.plain(res, 400, 'bad path');
    const rootReal = await this.resolveRoot();
    if (rootReal === undefined) return this.notBuilt(res, pathname);
    const found = await this.find(rootReal, path.posix.normalize(decoded));
    if (found === undefined) return this.plain(res, 404, 'not found');
    const ext = path.extname(found.file).toLowerCase();
    res.writeHead(found.status, {
      'content-type': contentTypes[ext] ?? 'application/octet-stream',
      'content-length': found.size,
      // Next puts content hashes in /_next/static names; pages must be revalidated.
      'cache-control': pathname.startsWith('/_next/static/') ? 'public, max-age=31536000, immutable' : 'no-cache',
    });
    if (req.method === 'HEAD') return void res.end();
    const stream = createReadStream(found.file);
    stream.on('error', () => res.destroy());
    stream.pipe(res);
  }

  private async resolveRoot(): Promise<string | undefined> {
    if (this.rootReal !== undefined) return this.rootReal;
    try {
      this.rootReal = await realpath(this.root);
      return this.rootReal;
    } catch {
      return undefined;
    }
  }

  private async find(root: string, clean: string): Promise<Found | undefined> {
    const rel = clean.replace(/^\/+/, '');
    const candidates = rel === '' || rel.endsWith('/') ? [`${rel}index.html`] : [rel, `${rel}.html`, `${rel}/index.html`];
    for (const c of candidates) {
      const hit = await this.fileInRoot(root, c);
      if (hit !== undefined) return { ...hit, status: 200 };
    }
    // A page route (no extension) that is not in the export gets the export's 404 page.
    if (path.posix.extname(rel) === '') {
      const notFound = await this.fileInRoot(root, '404.html');
      if (notFound !== undefined) return { ...notFound, status: 404 };
    }
    return undefined;
  }

  private async fileInRoot(root: string, rel: string): Promise<{ file: string; size: number } | undefined> {
    const joined = path.resolve(root, rel);
    if (joined !== root && !joined.startsWith(root + path.sep)) return undefined;
    try {
      const real = await realpath(joined);
      if (!real.startsWith(root + path.sep)) return undefined;
      const st = await stat(real);
      return st.isFile() ? { file: real, size: st.size } : undefined;
    } catch {
      return undefined;
    }
  }

  private notBuilt(res: ServerResponse, pathname: string): void {
    if (pathname !== '/') return this.plain(res, 404, 'not found');
    const html = `<!doctype html><meta charset="utf-8"><title>podscope</title><p>The podscope hub is running, but the web UI is not built (looked in ${escapeHtml(this.root)}). Run <code>pnpm --filter @podscope/web build</code>.</p>`;
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'content-length': Buffer.byteLength(html) });
    res.end(html);
  }

  private plain(res: ServerResponse, status: number, text: string, headers: Record<string, string> = {}): void {
    res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', 'content-length': Buffer.byteLength(text), ...headers });
    res.end(text);
  }
}

function escapeHtml(s: string): string {
  return s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c] ?? c);
}
