import { useEffect, useState } from 'react';
import type { FormEvent } from 'react';
import { api, ApiError } from './api';
import { CapabilitiesContext, EMPTY_CAPABILITIES, loadCapabilities } from './capabilities';
import type { Capabilities } from './capabilities';
import { ErrorBox } from './components';
import { Link, match, navigate, usePath } from './router';
import { clearToken, readToken, saveToken } from './session';
import type { Me } from './types';
import { isProviderRole } from './roles';
import { FleetPage } from './pages/Fleet';
import { InstancePage } from './pages/Instance';
import { PolicyPage } from './pages/Policy';
import { RollbackRequestPage, RollbackRequestsPage } from './pages/RollbackRequest';
import { DefectsPage } from './pages/Defects';
import { InfrastructureChangesPage } from './pages/InfrastructureChanges';
import { UpgradePage, UpgradesPage } from './pages/Upgrades';

type Session = { state: 'checking' } | { state: 'anonymous'; error?: ApiError } | { state: 'in'; me: Me };

export function App() {
  const [session, setSession] = useState<Session>(() =>
    readToken() ? { state: 'checking' } : { state: 'anonymous' },
  );
  // null until /openapi.json answered: pages must not claim a workflow is missing before we know.
  const [capabilities, setCapabilities] = useState<Capabilities | null>(null);

  useEffect(() => {
    void loadCapabilities().then(setCapabilities, () => setCapabilities(EMPTY_CAPABILITIES));
  }, []);

  useEffect(() => {
    if (session.state !== 'checking') return;
    api<Me>('/api/v1/me').then(
      (me) => setSession({ state: 'in', me }),
      (error: unknown) => {
        clearToken();
        setSession({ state: 'anonymous', ...(error instanceof ApiError ? { error } : {}) });
      },
    );
  }, [session.state]);

  useEffect(() => {
    const expired = (): void => {
      clearToken();
      setSession({
        state: 'anonymous',
        error: new ApiError(401, {
          title: 'Signed out',
          detail: 'The server no longer accepts your token (expired or revoked).',
          remedy: 'Sign in again with a current token.',
        }),
      });
    };
    window.addEventListener('ratchet:unauthorized', expired);
    return () => window.removeEventListener('ratchet:unauthorized', expired);
  }, []);

  function logOut(): void {
    clearToken();
    setSession({ state: 'anonymous' });
    navigate('/');
  }

  if (session.state === 'checking' || (session.state === 'in' && capabilities === null)) {
    return (
      <main className="login">
        <p role="status">Checking your session…</p>
      </main>
    );
  }
  if (session.state === 'anonymous') {
    return (
      <Login
        error={session.error}
        onToken={(token) => {
          saveToken(token);
          setSession({ state: 'checking' });
        }}
      />
    );
  }
  return (
    <CapabilitiesContext.Provider value={capabilities ?? EMPTY_CAPABILITIES}>
      <Shell me={session.me} onLogOut={logOut} />
    </CapabilitiesContext.Provider>
  );
}

function Login({ error, onToken }: { error?: ApiError; onToken: (token: string) => void }) {
  const [token, setToken] = useState('');
  function submit(event: FormEvent): void {
    event.preventDefault();
    if (token.trim() !== '') onToken(token.trim());
  }
  return (
    <main className="login">
      <h1>Ratchet</h1>
      <p className="muted">Change control for managed dbt + Airflow platforms.</p>
      <form onSubmit={submit} className="card">
        <label htmlFor="token">API token</label>
        <input
          id="token"
          name="token"
          type="password"
          autoComplete="off"
          spellCheck={false}
          value={token}
          onChange={(event) => setToken(event.target.value)}
          aria-describedby="token-help"
          required
        />
        <p id="token-help" className="muted">
          Paste the bearer token you were given (<code>ratchet demo</code> prints one per demo user). It is
          kept in this browser tab only.
        </p>
        <button type="submit" className="primary">
          Sign in
        </button>
      </form>
      {error ? <ErrorBox error={error} title="Sign-in failed" /> : null}
    </main>
  );
}

interface NavItem {
  to: string;
  label: string;
}

function Shell({ me, onLogOut }: { me: Me; onLogOut: () => void }) {
  const path = usePath();
  const provider = isProviderRole(me.role);
  const nav: NavItem[] = [
    { to: '/', label: provider ? 'Fleet' : 'Your tenant' },
    { to: '/upgrades', label: 'Upgrades' },
    { to: '/rollback-requests', label: 'Rollback requests' },
    { to: '/defects', label: 'Defects' },
    { to: '/infrastructure-changes', label: 'Infrastructure changes' },
    { to: '/policy', label: 'Policy' },
  ];
  const current = nav.find((item) => (item.to === '/' ? path === '/' : path.startsWith(item.to)));

  useEffect(() => {
    document.title = `${current?.label ?? 'Ratchet'} · Ratchet`;
  }, [current]);

  return (
    <>
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="topbar">
        <Link to="/" className="brand">
          Ratchet
        </Link>
        <nav aria-label="Main">
          <ul>
            {nav.map((item) => (
              <li key={item.to}>
                <Link to={item.to} aria-current={item === current ? 'page' : undefined}>
                  {item.label}
                </Link>
              </li>
            ))}
          </ul>
        </nav>
        <div className="who">
          <span data-testid="whoami">
            {me.name} <span className="role">{me.role}</span>
          </span>
          <button type="button" onClick={onLogOut}>
            Log out
          </button>
        </div>
      </header>
      <main id="main" tabIndex={-1}>
        <Page path={path} me={me} />
      </main>
    </>
  );
}

function Page({ path, me }: { path: string; me: Me }) {
  if (path === '/' || path === '/fleet') return <FleetPage me={me} />;
  if (path === '/policy') return <PolicyPage />;
  if (path === '/defects') return <DefectsPage me={me} />;
  if (path === '/infrastructure-changes') return <InfrastructureChangesPage me={me} />;
  if (path === '/rollback-requests') return <RollbackRequestsPage me={me} />;
  if (path === '/upgrades') return <UpgradesPage me={me} />;
  const upgrade = match('/upgrades/:id', path);
  if (upgrade) return <UpgradePage me={me} id={upgrade.id!} />;
  const request = match('/rollback-requests/:id', path);
  if (request) return <RollbackRequestPage me={me} id={request.id!} />;
  const instance = match('/instances/:id', path);
  if (instance) return <InstancePage me={me} id={instance.id!} />;
  return (
    <div className="empty" role="alert">
      <h1>Page not found</h1>
      <p>
        There is no page at <code>{path}</code>. <Link to="/">Go to the start page</Link>.
      </p>
    </div>
  );
}
