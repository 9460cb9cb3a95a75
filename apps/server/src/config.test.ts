import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from './config.ts';

describe('loadConfig', () => {
  it('has the documented defaults', () => {
    const c = loadConfig({});
    expect(c).toMatchObject({ host: '127.0.0.1', port: 7070, dataDir: path.resolve('.podscope'), agentToken: undefined });
    expect(c.webDir.endsWith(path.join('apps', 'web', 'out'))).toBe(true);
    expect(c.clientQueue).toEqual({ maxEvents: 100_000, maxBytes: 32 * 1024 * 1024, highWaterBytes: 4 * 1024 * 1024 });
  });

  it('reads and validates the environment', () => {
    const c = loadConfig({ PODSCOPE_PORT: '0', PODSCOPE_CLIENT_QUEUE_MAX_EVENTS: '500', PODSCOPE_ALLOWED_ORIGINS: 'http://localhost:3000, ', PODSCOPE_HOST: '' });
    expect(c.port).toBe(0);
    expect(c.host).toBe('127.0.0.1');
    expect(c.clientQueue.maxEvents).toBe(500);
    expect(c.allowedOrigins).toEqual(['http://localhost:3000']);
    expect(() => loadConfig({ PODSCOPE_PORT: 'seventy' })).toThrow(/PODSCOPE_PORT/);
    expect(() => loadConfig({ PODSCOPE_ADMIN_PASSWORD: 'short' })).toThrow(/PODSCOPE_ADMIN_PASSWORD/);
  });
});
