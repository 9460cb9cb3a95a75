import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { AuthStore } from './authStore.ts';

let dir: string | undefined;
afterEach(async () => {
  if (dir !== undefined) await rm(dir, { recursive: true, force: true });
  dir = undefined;
});

async function store(): Promise<AuthStore> {
  dir = await mkdtemp(path.join(os.tmpdir(), 'podscope-auth-'));
  const s = await AuthStore.open(dir);
  await s.addUser('admin', 'admin-password-1', 'admin');
  await s.addUser('vera', 'viewer-password-1', 'viewer');
  return s;
}

describe('AuthStore user changes', () => {
  it('keeps at least one admin, whether removing or demoting', async () => {
    const s = await store();
    await expect(s.remove('admin')).rejects.toMatchObject({ code: 'conflict', message: expect.stringMatching(/last admin/) as unknown });
    await expect(s.setRole('admin', 'viewer')).rejects.toMatchObject({ code: 'conflict' });
    await s.setRole('vera', 'admin');
    await s.remove('admin');
    expect(s.list().map((u) => [u.username, u.role])).toEqual([['vera', 'admin']]);
    await expect(s.setRole('vera', 'viewer')).rejects.toMatchObject({ code: 'conflict' });
  });

  it('persists roles, passwords and removals to users.json', async () => {
    const s = await store();
    await s.setRole('vera', 'admin');
    await s.setPassword('vera', 'another-password-1');
    await s.remove('admin');
    const reopened = await AuthStore.open(dir ?? '');
    expect(reopened.has('admin')).toBe(false);
    expect(reopened.roleOf('vera')).toBe('admin');
    expect(await reopened.verify('vera', 'another-password-1')).toBe(true);
    expect(await reopened.verify('vera', 'viewer-password-1')).toBe(false);
  });

  it('answers not_found for unknown users', async () => {
    const s = await store();
    await expect(s.remove('nobody')).rejects.toMatchObject({ code: 'not_found' });
    await expect(s.setRole('nobody', 'admin')).rejects.toMatchObject({ code: 'not_found' });
    await expect(s.setPassword('nobody', 'some-password-1')).rejects.toMatchObject({ code: 'not_found' });
  });
});
