import type { RunStatus } from '../api/types';

export function StatusBadge({ status, cancelRequested }: { status: RunStatus; cancelRequested?: boolean }) {
  return (
    <span className={`badge badge-${status.toLowerCase()}`} data-status={status}>
      {status === 'RUNNING' && <span className="pulse" aria-hidden />}
      {status.toLowerCase()}
      {cancelRequested && status === 'RUNNING' ? ' · cancelling' : ''}
    </span>
  );
}

export function RunSwatch({ color }: { color: string }) {
  return <span className="swatch" style={{ background: color }} aria-hidden />;
}
