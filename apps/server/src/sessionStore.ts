import { randomBytes } from 'node:crypto';

export interface Session {
  user: string;
  expiresAt: number;
}

/** Login sessions kept in memory; expiry slides forward on use. */
export class SessionStore {
  private readonly sessions = new Map<string, Session>();

  constructor(
    private readonly ttlMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  create(user: string): string {
    this.sweep();
    const token = randomBytes(32).toString('base64url');
    this.sessions.set(token, { user, expiresAt: this.now() + this.ttlMs });
    return token;
  }

  get(token: string | undefined): Session | undefined {
    if (token === undefined) return undefined;
    const session = this.sessions.get(token);
    if (session === undefined) return undefined;
    if (session.expiresAt <= this.now()) {
      this.sessions.delete(token);
      return undefined;
    }
    session.expiresAt = this.now() + this.ttlMs;
    return session;
  }

  delete(token: string | undefined): void {
    if (token !== undefined) this.sessions.delete(token);
  }

  /** Ends every session of `user` but `keep` (the caller's own, after a password change); returns how many. */
  deleteUser(user: string, keep?: string): number {
    let n = 0;
    for (const [token, s] of this.sessions) {
      if (s.user === user && token !== keep) {
        this.sessions.delete(token);
        n++;
      }
    }
    return n;
  }

  private sweep(): void {
    const now = this.now();
    for (const [token, s] of this.sessions) if (s.expiresAt <= now) this.sessions.delete(token);
  }
}
