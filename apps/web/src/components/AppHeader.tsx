'use client';

import { useEffect, useState } from 'react';
import { hubClient } from '../lib/hubClient.ts';
import type { SocketStatus } from '../lib/liveSocket.ts';
import { ChangePasswordDialog } from './ChangePasswordDialog.tsx';

interface Props {
  user: string | null;
  /** The live socket's state; pages without one (captures) leave it out. */
  socket?: SocketStatus;
  /** Opened from a share link: no session, read-only, no navigation to pages that need a login. */
  shared?: boolean;
  active?: 'live' | 'captures' | 'users';
}

export function AppHeader({ user, socket, shared = false, active }: Props) {
  const [canManageUsers, setCanManageUsers] = useState(false);
  const [changingPassword, setChangingPassword] = useState(false);
  useEffect(() => {
    if (shared) return;
    let alive = true;
    // Only hides the link; the hub refuses /api/users to anyone without users:manage.
    hubClient.permissions().then((p) => alive && setCanManageUsers(p.includes('users:manage')), () => undefined);
    return () => {
      alive = false;
    };
  }, [shared]);
  const logout = async () => {
    try {
      await hubClient.logout();
    } finally {
      window.location.assign('/login');
    }
  };
  return (
    <header className="app-header">
      <div className="brand">
        <span className="brand-mark" aria-hidden="true">◉</span> podscope
      </div>
      {!shared && (
        <nav className="app-nav" aria-label="Pages">
          <a href="/" className={active === 'live' ? 'active' : ''} data-testid="nav-live">
            Live
          </a>
          <a href="/captures" className={active === 'captures' ? 'active' : ''} data-testid="nav-captures">
            Captures
          </a>
          {canManageUsers && (
            <a href="/users" className={active === 'users' ? 'active' : ''} data-testid="nav-users">
              Users
            </a>
          )}
        </nav>
      )}
      {socket !== undefined && (
        <span className={`socket-status socket-${socket}`} data-testid="socket-status" title="Live connection to the hub">
          <span className="dot" aria-hidden="true" />
          {socket === 'open' ? 'live' : socket === 'connecting' ? 'connecting…' : 'reconnecting…'}
        </span>
      )}
      <div className="header-spacer" />
      {shared ? (
        <span className="chip" data-testid="shared-badge" title="Opened from a share link: read-only, no login">
          shared link · read-only
        </span>
      ) : (
        <>
          <span className="user" data-testid="current-user">
            {user ?? ''}
          </span>
          <button type="button" className="btn btn-small" data-testid="change-password" title="Change my password" onClick={() => setChangingPassword(true)}>
            Password
          </button>
          <button type="button" className="btn btn-small" data-testid="logout" onClick={() => void logout()}>
            Log out
          </button>
          {changingPassword && <ChangePasswordDialog user={user} onClose={() => setChangingPassword(false)} />}
        </>
      )}
    </header>
  );
}
