'use client';

import { hubClient } from '../lib/hubClient.ts';
import type { SocketStatus } from '../lib/liveSocket.ts';

interface Props {
  user: string | null;
  socket: SocketStatus;
}

export function AppHeader({ user, socket }: Props) {
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
      <span className={`socket-status socket-${socket}`} data-testid="socket-status" title="Live connection to the hub">
        <span className="dot" aria-hidden="true" />
        {socket === 'open' ? 'live' : socket === 'connecting' ? 'connecting…' : 'reconnecting…'}
      </span>
      <div className="header-spacer" />
      <span className="user" data-testid="current-user">
        {user ?? ''}
      </span>
      <button type="button" className="btn btn-small" data-testid="logout" onClick={() => void logout()}>
        Log out
      </button>
    </header>
  );
}
