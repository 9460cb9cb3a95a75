'use client';

import { useCallback, useEffect, useState, type FormEvent } from 'react';
import { UserRole, type ErrorEnvelope, type UserInfo } from '@podscope/protocol';
import { errorEnvelopeOf, hubClient } from '../lib/hubClient.ts';
import { userClient } from '../lib/userClient.ts';
import { AppHeader } from './AppHeader.tsx';
import { AuditTable } from './AuditTable.tsx';

const roles = UserRole.options;

/** Admins list, create, re-role, reset and delete users, and read the audit log. */
export function UsersScreen() {
  const [user, setUser] = useState<string | null>(null);
  /** null while the permissions are loading. */
  const [allowed, setAllowed] = useState<boolean | null>(null);
  const [users, setUsers] = useState<UserInfo[] | null>(null);
  const [error, setError] = useState<ErrorEnvelope | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [confirmDelete, setConfirmDelete] = useState<string | null>(null);
  const [resetting, setResetting] = useState<{ username: string; password: string } | null>(null);
  /** Bumped after every change, so the audit table reloads. */
  const [auditVersion, setAuditVersion] = useState(0);

  const reload = useCallback(
    () =>
      userClient.list().then(
        (list) => setUsers(list),
        (err: unknown) => setError(errorEnvelopeOf(err)),
      ),
    [],
  );

  useEffect(() => {
    hubClient.me().then(setUser, () => undefined);
    hubClient.permissions().then(
      (p) => {
        const ok = p.includes('users:manage');
        setAllowed(ok);
        if (ok) void reload();
      },
      (err: unknown) => setError(errorEnvelopeOf(err)),
    );
  }, [reload]);

  /** Runs one change; the hub's refusal is shown above the table. */
  const act = async (fn: () => Promise<unknown>, done: string): Promise<boolean> => {
    setError(null);
    setNotice(null);
    let ok = false;
    try {
      await fn();
      setNotice(done);
      ok = true;
    } catch (err) {
      setError(errorEnvelopeOf(err));
    }
    setAuditVersion((v) => v + 1);
    await reload();
    return ok;
  };

  const saveReset = async (e: FormEvent) => {
    e.preventDefault();
    if (resetting === null) return;
    const { username, password } = resetting;
    if (await act(() => userClient.update(username, { password }), `New password set for ${username}; their sessions were ended.`)) setResetting(null);
  };

  return (
    <div className="app">
      <AppHeader user={user} active="users" />
      <main className="main users-page" data-testid="users-page">
        {allowed === false && (
          <div className="error-box" role="alert" data-testid="users-forbidden">
            Managing users needs the users:manage permission, which only admins have.
          </div>
        )}
        {allowed === true && (
          <>
            <CreateUserForm onCreate={(req) => act(() => userClient.create(req), `Created ${req.username} (${req.role}).`)} />
            {error !== null && (
              <div className="error-box" role="alert" data-testid="users-error" data-code={error.code}>
                {error.message}
              </div>
            )}
            {notice !== null && error === null && (
              <div className="ok-box" role="status" data-testid="users-notice">
                {notice}
              </div>
            )}
            <section className="panel" aria-label="Users">
              <header className="panel-title">Users</header>
              <table className="rows-table users-table" data-testid="users-table">
                <thead>
                  <tr>
                    <th>name</th>
                    <th>role</th>
                    <th>created</th>
                    <th />
                  </tr>
                </thead>
                <tbody>
                  {users?.map((u) => (
                    <tr key={u.username} data-testid="user-row" data-username={u.username} data-role={u.role}>
                      <td>
                        {u.username} {u.username === user && <span className="chip">you</span>}
                      </td>
                      <td>
                        <select aria-label={`Role of ${u.username}`} data-testid="user-role" value={u.role} onChange={(e) => void act(() => userClient.update(u.username, { role: UserRole.parse(e.target.value) }), `${u.username} is now ${e.target.value}.`)}>
                          {roles.map((r) => (
                            <option key={r} value={r}>
                              {r}
                            </option>
                          ))}
                        </select>
                      </td>
                      <td title={new Date(u.createdAt).toLocaleString()}>{new Date(u.createdAt).toLocaleDateString()}</td>
                      <td>
                        <div className="user-actions">
                          {resetting?.username === u.username ? (
                            <form className="inline-form" onSubmit={(e) => void saveReset(e)}>
                              <input type="password" aria-label={`New password for ${u.username}`} placeholder="new password (8+)" autoComplete="new-password" autoFocus data-testid="user-reset-input" value={resetting.password} onChange={(e) => setResetting({ username: u.username, password: e.target.value })} />
                              <button type="submit" className="btn btn-small btn-primary" data-testid="user-reset-save">
                                Set
                              </button>
                              <button type="button" className="btn btn-small" data-testid="user-reset-cancel" onClick={() => setResetting(null)}>
                                Cancel
                              </button>
                            </form>
                          ) : (
                            <button type="button" className="btn btn-small" data-testid="user-reset" onClick={() => setResetting({ username: u.username, password: '' })}>
                              Reset password
                            </button>
                          )}
                          {confirmDelete === u.username ? (
                            <>
                              <button type="button" className="btn btn-small btn-danger" data-testid="user-delete-confirm" onClick={() => void act(() => userClient.remove(u.username), `Deleted ${u.username}; their sessions and API tokens no longer work.`).then(() => setConfirmDelete(null))}>
                                Delete {u.username} for good
                              </button>
                              <button type="button" className="btn btn-small" data-testid="user-delete-cancel" onClick={() => setConfirmDelete(null)}>
                                Keep
                              </button>
                            </>
                          ) : (
                            <button type="button" className="btn btn-small btn-danger" data-testid="user-delete" disabled={u.username === user} title={u.username === user ? 'Another admin can delete you' : undefined} onClick={() => setConfirmDelete(u.username)}>
                              Delete
                            </button>
                          )}
                        </div>
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
              {users === null && error === null && <div className="muted pad">Loading…</div>}
            </section>
            <AuditTable version={auditVersion} />
          </>
        )}
      </main>
    </div>
  );
}

interface CreateProps {
  /** Resolves true when the hub created the user (the form then clears). */
  onCreate: (req: { username: string; password: string; role: UserRole }) => Promise<boolean>;
}

function CreateUserForm({ onCreate }: CreateProps) {
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [role, setRole] = useState<UserRole>('viewer');
  const [busy, setBusy] = useState(false);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    if (await onCreate({ username: username.trim(), password, role })) {
      setUsername('');
      setPassword('');
      setRole('viewer');
    }
    setBusy(false);
  };

  return (
    <form className="panel" aria-label="Create user" data-testid="user-create-form" onSubmit={(e) => void submit(e)}>
      <header className="panel-title">Create user</header>
      <div className="form-row">
        <label className="inline-field">
          username
          <input required autoComplete="off" data-testid="user-create-username" value={username} onChange={(e) => setUsername(e.target.value)} />
        </label>
        <label className="inline-field">
          password
          <input type="password" required autoComplete="new-password" placeholder="8+ characters" data-testid="user-create-password" value={password} onChange={(e) => setPassword(e.target.value)} />
        </label>
        <label className="inline-field">
          role
          <select data-testid="user-create-role" value={role} onChange={(e) => setRole(UserRole.parse(e.target.value))}>
            {roles.map((r) => (
              <option key={r} value={r}>
                {r}
              </option>
            ))}
          </select>
        </label>
        <button type="submit" className="btn btn-small btn-primary" data-testid="user-create-submit" disabled={busy}>
          Create
        </button>
      </div>
    </form>
  );
}
