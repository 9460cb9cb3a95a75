import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';
import path from 'node:path';
import { z } from 'zod';
import { PodscopeError, UserRole, rolePermissions, type Permission, type UserInfo } from '@podscope/protocol';
import { readJsonFile, writeJsonFile } from './jsonFile.ts';

// `role` is absent in files written before roles existed: `admin` stays admin, anyone else is a viewer.
const UserRecord = z.object({ username: z.string().min(1), hash: z.string().min(1), createdAt: z.number(), role: UserRole.optional() });
type UserRecord = z.infer<typeof UserRecord>;
const UsersFile = z.object({ version: z.literal(1), users: z.array(UserRecord) });

const SCRYPT = { N: 16384, r: 8, p: 1, keylen: 64 } as const;

function scryptAsync(password: string, salt: Buffer, keylen: number, options: ScryptOptions): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    scrypt(password, salt, keylen, options, (err, key) => (err ? reject(err) : resolve(key)));
  });
}

/** `scrypt$N$r$p$salt$hash` with base64url salt and hash. */
export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const key = await scryptAsync(password, salt, SCRYPT.keylen, { N: SCRYPT.N, r: SCRYPT.r, p: SCRYPT.p });
  return ['scrypt', SCRYPT.N, SCRYPT.r, SCRYPT.p, salt.toString('base64url'), key.toString('base64url')].join('$');
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [scheme, n, r, p, salt, hash] = stored.split('$');
  if (scheme !== 'scrypt' || salt === undefined || hash === undefined) return false;
  const expected = Buffer.from(hash, 'base64url');
  const key = await scryptAsync(password, Buffer.from(salt, 'base64url'), expected.length, { N: Number(n), r: Number(r), p: Number(p) });
  return key.length === expected.length && timingSafeEqual(key, expected);
}

export interface InitialAdmin {
  /** `created` on first start, `reset` with PODSCOPE_RESET_ADMIN=1. */
  action: 'created' | 'reset';
  username: string;
  /** The generated password, or undefined when it came from PODSCOPE_ADMIN_PASSWORD. */
  generatedPassword: string | undefined;
  file: string;
}

/** Users and their scrypt hashes in `<dataDir>/users.json`. */
export class AuthStore {
  private readonly users = new Map<string, UserRecord>();
  // Unknown users are checked against this so a miss costs as long as a wrong password.
  private dummyHash: string | undefined;

  private constructor(readonly file: string) {}

  static async open(dataDir: string): Promise<AuthStore> {
    const store = new AuthStore(path.join(dataDir, 'users.json'));
    const data = await readJsonFile(store.file, UsersFile);
    for (const u of data?.users ?? []) store.users.set(u.username, u);
    return store;
  }

  /** With no users yet, creates `admin` with the given or a random password. */
  async ensureInitialAdmin(password: string | undefined): Promise<InitialAdmin | undefined> {
    if (this.users.size > 0) return undefined;
    const generated = password === undefined ? randomBytes(18).toString('base64url') : undefined;
    await this.addUser('admin', password ?? generated ?? '', 'admin');
    return { action: 'created', username: 'admin', generatedPassword: generated, file: this.file };
  }

  /** Gives `admin` a new (given or random) password, creating the user if needed. */
  async resetAdmin(password: string | undefined): Promise<InitialAdmin> {
    const generated = password === undefined ? randomBytes(18).toString('base64url') : undefined;
    const existing = this.users.get('admin');
    const next = password ?? generated ?? '';
    if (existing === undefined) await this.addUser('admin', next, 'admin');
    else {
      this.users.set('admin', { ...existing, hash: await hashPassword(next) });
      await this.save();
    }
    return { action: 'reset', username: 'admin', generatedPassword: generated, file: this.file };
  }

  has(username: string): boolean {
    return this.users.has(username);
  }

  async addUser(username: string, password: string, role: UserRole = 'viewer'): Promise<UserInfo> {
    if (this.users.has(username)) throw new PodscopeError('conflict', `user ${username} already exists`);
    if (password.length < 8) throw new PodscopeError('bad_request', 'a password needs at least 8 characters');
    const record = { username, hash: await hashPassword(password), createdAt: Date.now(), role };
    this.users.set(username, record);
    await this.save();
    return { username, role, createdAt: record.createdAt };
  }

  /** Changes a user's role; refuses to demote the last admin. */
  async setRole(username: string, role: UserRole): Promise<UserInfo> {
    const user = this.existing(username);
    if (role !== 'admin' && this.roleOf(username) === 'admin') this.requireAnotherAdmin(username, 'demote');
    this.users.set(username, { ...user, role });
    await this.save();
    return this.userInfo(username);
  }

  async setPassword(username: string, password: string): Promise<void> {
    this.existing(username);
    if (password.length < 8) throw new PodscopeError('bad_request', 'a password needs at least 8 characters');
    const hash = await hashPassword(password);
    // Looked up again: the user may have been removed while the hash was computed.
    const user = this.existing(username);
    this.users.set(username, { ...user, hash });
    await this.save();
  }

  /** Removes a user; refuses to remove the last admin. */
  async remove(username: string): Promise<void> {
    this.existing(username);
    if (this.roleOf(username) === 'admin') this.requireAnotherAdmin(username, 'delete');
    this.users.delete(username);
    await this.save();
  }

  private existing(username: string): UserRecord {
    const user = this.users.get(username);
    if (user === undefined) throw new PodscopeError('not_found', `there is no user ${username}`, { username });
    return user;
  }

  private requireAnotherAdmin(username: string, verb: string): void {
    const admins = [...this.users.keys()].filter((u) => this.roleOf(u) === 'admin');
    if (admins.every((u) => u === username)) {
      throw new PodscopeError('conflict', `cannot ${verb} ${username}: it is the last admin (make another user admin first)`, { username });
    }
  }

  /** Throws `not_found` for an unknown user. */
  userInfo(username: string): UserInfo {
    const user = this.existing(username);
    return { username, role: this.roleOf(username) ?? 'viewer', createdAt: user.createdAt };
  }

  /** A user's role; unknown users (and share links) have none. */
  roleOf(username: string): UserRole | undefined {
    const user = this.users.get(username);
    if (user === undefined) return undefined;
    return user.role ?? (username === 'admin' ? 'admin' : 'viewer');
  }

  permissionsOf(username: string): readonly Permission[] {
    const role = this.roleOf(username);
    return role === undefined ? [] : rolePermissions[role];
  }

  list(): UserInfo[] {
    return [...this.users.keys()].map((u) => this.userInfo(u)).sort((a, b) => a.username.localeCompare(b.username));
  }

  private save(): Promise<void> {
    return writeJsonFile(this.file, { version: 1, users: [...this.users.values()] });
  }

  async verify(username: string, password: string): Promise<boolean> {
    const user = this.users.get(username);
    if (user === undefined) {
      this.dummyHash ??= await hashPassword(randomBytes(16).toString('hex'));
      await verifyPassword(password, this.dummyHash);
      return false;
    }
    return verifyPassword(password, user.hash);
  }
}
