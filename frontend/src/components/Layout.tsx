import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Navigate, NavLink, Outlet, useLocation } from 'react-router-dom';
import { ApiError } from '../api/client';
import { api } from '../api/endpoints';
import { keys, meQuery } from '../api/queries';
import { ErrorView, Loading } from './States';

const NAV = [
  { to: '/runs', label: 'Runs' },
  { to: '/compare', label: 'Compare' },
  { to: '/memory', label: 'Memory savings' },
  { to: '/new', label: 'New run' },
  { to: '/queue', label: 'Queue & workers' },
];

/** The shell: left navigation, who is signed in; no page renders before the session is known. */
export function Layout() {
  const me = useQuery(meQuery());
  const location = useLocation();
  const qc = useQueryClient();
  const signOut = useMutation({
    mutationFn: api.session.signOut,
    onSettled: () => {
      qc.clear();
      qc.setQueryData(keys.me, null);
    },
  });
  const next = encodeURIComponent(location.pathname + location.search);
  if (me.isPending) return <div className="shell-loading"><Loading what="Connecting to NormLab" /></div>;
  if (me.data === null || (me.error instanceof ApiError && me.error.status === 401)) return <Navigate to={`/sign-in?next=${next}`} replace />;
  if (me.error) return <main className="shell-error"><ErrorView error={me.error} retry={() => me.refetch()} /></main>;
  return (
    <div className="shell">
      <a className="skip" href="#main">Skip to content</a>
      <nav className="sidebar" aria-label="Main">
        <div className="brand">NormLab</div>
        <ul>
          {NAV.map((n) => (
            <li key={n.to}>
              <NavLink to={n.to} className={({ isActive }) => (isActive || (n.to === '/runs' && location.pathname === '/') ? 'active' : '')}>
                {n.label}
              </NavLink>
            </li>
          ))}
        </ul>
        <div className="who">
          <div title={me.data.username} className="ellipsis">Signed in as <strong>{me.data.username}</strong>{me.data.admin ? ' (admin)' : ''}</div>
          <button className="link" onClick={() => signOut.mutate()}>Sign out</button>
        </div>
      </nav>
      <main id="main" tabIndex={-1}>
        <Outlet />
      </main>
    </div>
  );
}
