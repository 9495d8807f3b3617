import type { ReactNode } from 'react';
import { Link } from 'react-router-dom';
import { ApiError } from '../api/client';

export function Loading({ what = 'Loading' }: { what?: string }) {
  return <div className="state" role="status" aria-live="polite"><span className="spinner" aria-hidden /> {what}…</div>;
}

export function Empty({ title, children }: { title: string; children?: ReactNode }) {
  return (
    <div className="state empty">
      <h2>{title}</h2>
      {children}
    </div>
  );
}

export function NotFound({ what = 'run' }: { what?: string }) {
  return (
    <div className="state error" data-testid="not-found">
      <h2>{what === 'page' ? 'No such page' : `This ${what} was not found, or it is not yours`}</h2>
      <p>{what === 'page' ? 'The address names no page of the dashboard.' : `It does not exist, or it belongs to a project of a team you are not in.`}</p>
      <Link to="/runs">Back to the runs</Link>
    </div>
  );
}

/** The error states every page shares: backend down, not found, anything else with the API's own words. */
export function ErrorView({ error, retry, what }: { error: unknown; retry?: () => void; what?: string }) {
  if (error instanceof ApiError && error.status === 404) return <NotFound what={what} />;
  if (error instanceof ApiError && error.unreachable) {
    return (
      <div className="state error" role="alert" data-testid="backend-down">
        <h2>The backend is not reachable</h2>
        <p>NormLab’s server did not answer. Start it with <code>./normlab start</code>, then try again.</p>
        {retry && <button onClick={retry}>Try again</button>}
      </div>
    );
  }
  const e = error instanceof ApiError ? error : null;
  return (
    <div className="state error" role="alert">
      <h2>{e ? `${e.status} ${e.title}` : 'Something went wrong'}</h2>
      <p>{e ? e.detail : String(error)}</p>
      {retry && <button onClick={retry}>Try again</button>}
    </div>
  );
}
