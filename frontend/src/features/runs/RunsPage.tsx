import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useMemo, useRef, type ReactNode } from 'react';
import { Link, useNavigate } from 'react-router-dom';
import { api } from '../../api/endpoints';
import { keys, projectsQuery, runListQuery } from '../../api/queries';
import { OPTIMIZERS, RUN_STATUSES, type Run } from '../../api/types';
import { runColor } from '../../charts/colors';
import { between, bytes, compact, duration, num, time } from '../../components/format';
import { Empty, ErrorView, Loading } from '../../components/States';
import { RunSwatch, StatusBadge } from '../../components/StatusBadge';
import { useUrlState } from '../../components/urlState';

interface Column {
  id: string;
  label: string;
  sort?: 'created' | 'finished' | 'finalLoss';
  num?: boolean;
  cell: (r: Run) => ReactNode;
}

const COLUMNS: Column[] = [
  { id: 'name', label: 'Name', cell: (r) => (
    <Link to={`/runs/${r.id}`} className="run-name" title={r.name}>
      <RunSwatch color={runColor(r.id)} /><span className="ellipsis">{r.name || `run ${r.id}`}</span>
    </Link>
  ) },
  { id: 'status', label: 'Status', cell: (r) => <StatusBadge status={r.status} cancelRequested={r.cancelRequested} /> },
  { id: 'optimizer', label: 'Optimizer', cell: (r) => r.spec?.optimizer?.name ?? '—' },
  { id: 'lr', label: 'LR', num: true, cell: (r) => num(r.spec?.optimizer?.lr, 3) },
  { id: 'model', label: 'Model', cell: (r) => r.spec?.model?.preset ?? 'custom' },
  { id: 'tokenizer', label: 'Tokenizer', cell: (r) => r.spec?.tokenizer ?? '—' },
  { id: 'steps', label: 'Steps', num: true, cell: (r) => compact(r.summary?.steps ?? r.spec?.steps ?? null) },
  { id: 'tokens', label: 'Tokens', num: true, cell: (r) => compact(r.summary?.tokens ?? null) },
  { id: 'finalLoss', label: 'Final loss', num: true, sort: 'finalLoss', cell: (r) => num(r.finalLoss ?? r.summary?.finalLoss) },
  { id: 'ppl', label: 'Eval ppl', num: true, cell: (r) => num(r.summary?.perplexity) },
  { id: 'tps', label: 'Tokens/s', num: true, cell: (r) => compact(r.summary?.tokensPerSecond ?? null) },
  { id: 'state', label: 'Opt. state', num: true, cell: (r) => bytes(r.summary?.memory?.optimizerStateBytes ?? r.memory?.stateBytes) },
  { id: 'by', label: 'Submitted by', cell: (r) => r.submittedBy ?? '—' },
  { id: 'created', label: 'Created', sort: 'created', cell: (r) => time(r.createdAt) },
  { id: 'duration', label: 'Duration', num: true, sort: 'finished', cell: (r) => duration(between(r.startedAt, r.finishedAt)) },
  { id: 'worker', label: 'Worker', cell: (r) => <span className="ellipsis" title={r.workerName ?? ''}>{r.workerName ?? '—'}</span> },
];
const DEFAULT_COLS = ['name', 'status', 'optimizer', 'lr', 'model', 'steps', 'finalLoss', 'state', 'by', 'created', 'duration'];

export function RunsPage() {
  const url = useUrlState();
  const navigate = useNavigate();
  const qc = useQueryClient();
  const cols = url.list('cols').length ? url.list('cols') : DEFAULT_COLS;
  const selected = new Set(url.list('sel').map(Number));
  const query = {
    project: url.get('project') || undefined,
    status: url.list('status'),
    optimizer: url.list('optimizer'),
    tag: url.get('tag') || undefined,
    name: url.get('q') || undefined,
    submittedBy: url.get('by') || undefined,
    sort: url.get('sort', 'created'),
    order: url.get('order') || undefined,
    page: Number(url.get('page', '0')),
    size: Number(url.get('size', '50')),
  };
  const runs = useQuery(runListQuery(query));
  const projects = useQuery(projectsQuery());
  const cancel = useMutation({
    mutationFn: async (ids: number[]) => Promise.allSettled(ids.map((id) => api.runs.cancel(id))),
    onSettled: () => qc.invalidateQueries({ queryKey: keys.runs }),
  });

  const marked = useRef(false);
  useEffect(() => {
    if (runs.data && !marked.current) {
      marked.current = true;
      performance.mark('normlab:runs-interactive');
    }
  }, [runs.data]);

  const filtered = !!(query.status.length || query.optimizer.length || query.tag || query.name || query.submittedBy);
  const visible = COLUMNS.filter((c) => cols.includes(c.id));
  const items = runs.data?.items ?? [];
  const cancellable = items.filter((r) => selected.has(r.id) && (r.status === 'QUEUED' || r.status === 'RUNNING'));
  const toggle = (id: number) => {
    const s = new Set(selected);
    if (s.has(id)) s.delete(id); else s.add(id);
    url.set({ sel: Array.from(s).map(String) }, { replace: true });
  };
  const allOnPage = items.length > 0 && items.every((r) => selected.has(r.id));
  const sortBy = (c: Column) => {
    if (!c.sort) return;
    const same = query.sort === c.sort;
    const defaultAsc = c.sort === 'finalLoss';
    const asc = same ? (query.order ? query.order === 'asc' : defaultAsc) : defaultAsc;
    url.set({ sort: c.sort, order: same ? (asc ? 'desc' : 'asc') : null, page: null });
  };
  const ariaSort = (c: Column) => {
    if (!c.sort || query.sort !== c.sort) return undefined;
    const asc = query.order ? query.order === 'asc' : c.sort === 'finalLoss';
    return asc ? 'ascending' : 'descending';
  };
  const statusChoices = useMemo(() => RUN_STATUSES, []);

  return (
    <section aria-labelledby="runs-title">
      <header className="page-head">
        <h1 id="runs-title">Runs</h1>
        <div className="actions">
          <button disabled={selected.size < 2 || selected.size > 50} className="primary"
            onClick={() => navigate(`/compare?runs=${Array.from(selected).join(',')}`)} data-testid="compare-selected">
            Compare {selected.size > 0 ? `(${selected.size})` : ''}
          </button>
          <button disabled={cancellable.length === 0 || cancel.isPending} onClick={() => cancel.mutate(cancellable.map((r) => r.id))}>
            Cancel {cancellable.length > 0 ? `(${cancellable.length})` : 'selected'}
          </button>
          <Link className="button" to="/new">New run</Link>
        </div>
      </header>

      <div className="filters" role="search">
        <label>Project
          <select value={query.project ?? ''} onChange={(e) => url.set({ project: e.target.value, page: null, sel: null })}>
            <option value="">All my projects</option>
            {projects.data?.map((p) => <option key={p.id} value={String(p.id)}>{p.team}/{p.name}</option>)}
          </select>
        </label>
        <label>Name
          <input type="search" defaultValue={query.name ?? ''} placeholder="text in the name"
            onKeyDown={(e) => { if (e.key === 'Enter') url.set({ q: (e.target as HTMLInputElement).value, page: null }); }}
            onBlur={(e) => { if (e.target.value !== (query.name ?? '')) url.set({ q: e.target.value, page: null }); }} />
        </label>
        <label>Tag
          <input defaultValue={query.tag ?? ''} size={10}
            onKeyDown={(e) => { if (e.key === 'Enter') url.set({ tag: (e.target as HTMLInputElement).value, page: null }); }}
            onBlur={(e) => { if (e.target.value !== (query.tag ?? '')) url.set({ tag: e.target.value, page: null }); }} />
        </label>
        <label>Submitted by
          <input defaultValue={query.submittedBy ?? ''} size={10} placeholder="user name"
            onKeyDown={(e) => { if (e.key === 'Enter') url.set({ by: (e.target as HTMLInputElement).value, page: null }); }}
            onBlur={(e) => { if (e.target.value !== (query.submittedBy ?? '')) url.set({ by: e.target.value, page: null }); }} />
        </label>
        <fieldset className="chips"><legend>Status</legend>
          {statusChoices.map((s) => (
            <label key={s} className="chip">
              <input type="checkbox" checked={query.status.includes(s)}
                onChange={(e) => url.set({ status: e.target.checked ? [...query.status, s] : query.status.filter((x) => x !== s), page: null })} />
              {s.toLowerCase()}
            </label>
          ))}
        </fieldset>
        <fieldset className="chips"><legend>Optimizer</legend>
          {OPTIMIZERS.map((o) => (
            <label key={o} className="chip">
              <input type="checkbox" checked={query.optimizer.includes(o)}
                onChange={(e) => url.set({ optimizer: e.target.checked ? [...query.optimizer, o] : query.optimizer.filter((x) => x !== o), page: null })} />
              {o}
            </label>
          ))}
        </fieldset>
        <details className="columns">
          <summary>Columns</summary>
          <div className="menu">
            {COLUMNS.map((c) => (
              <label key={c.id}>
                <input type="checkbox" checked={cols.includes(c.id)} disabled={c.id === 'name'}
                  onChange={(e) => url.set({ cols: e.target.checked ? COLUMNS.filter((x) => x.id === c.id || cols.includes(x.id)).map((x) => x.id) : cols.filter((x) => x !== c.id) }, { replace: true })} />
                {c.label}
              </label>
            ))}
          </div>
        </details>
      </div>

      {runs.isPending ? <Loading what="Loading runs" /> : runs.error ? <ErrorView error={runs.error} retry={() => runs.refetch()} /> :
        items.length === 0 ? (
          filtered ? <Empty title="No run matches these filters"><button onClick={() => url.set({ status: null, optimizer: null, tag: null, q: null, by: null, page: null })}>Clear the filters</button></Empty>
            : <Empty title="No runs yet"><p>Runs you and your team submit appear here, with their live curves.</p><Link className="button primary" to="/new">Submit your first run</Link></Empty>
        ) : (
          <>
            <div className="table-wrap">
              <table className="runs" data-testid="runs-table">
                <thead>
                  <tr>
                    <th className="check"><input type="checkbox" aria-label="Select every run on this page" checked={allOnPage}
                      onChange={(e) => {
                        const s = new Set(selected);
                        for (const r of items) { if (e.target.checked) s.add(r.id); else s.delete(r.id); }
                        url.set({ sel: Array.from(s).map(String) }, { replace: true });
                      }} /></th>
                    {visible.map((c) => (
                      <th key={c.id} className={c.num ? 'num' : undefined} aria-sort={ariaSort(c)}>
                        {c.sort ? <button className="sort" onClick={() => sortBy(c)}>{c.label}{ariaSort(c) === 'ascending' ? ' ▲' : ariaSort(c) === 'descending' ? ' ▼' : ''}</button> : c.label}
                      </th>
                    ))}
                  </tr>
                </thead>
                <tbody>
                  {items.map((r) => (
                    <tr key={r.id} data-run-id={r.id} className={selected.has(r.id) ? 'selected' : undefined}>
                      <td className="check"><input type="checkbox" aria-label={`Select ${r.name}`} checked={selected.has(r.id)} onChange={() => toggle(r.id)} /></td>
                      {visible.map((c) => <td key={c.id} className={c.num ? 'num' : c.id}>{c.cell(r)}</td>)}
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
            <nav className="pager" aria-label="Pages">
              <button disabled={query.page <= 0} onClick={() => url.set({ page: query.page - 1 || null })}>← Newer</button>
              <span>Page {query.page + 1} of {Math.max(1, runs.data.totalPages)} · {runs.data.totalItems.toLocaleString()} runs</span>
              <button disabled={query.page + 1 >= runs.data.totalPages} onClick={() => url.set({ page: query.page + 1 })}>Older →</button>
              <label>Per page
                <select value={query.size} onChange={(e) => url.set({ size: e.target.value === '50' ? null : e.target.value, page: null })}>
                  {[25, 50, 100, 200].map((n) => <option key={n} value={n}>{n}</option>)}
                </select>
              </label>
            </nav>
          </>
        )}
    </section>
  );
}
