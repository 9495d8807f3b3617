/** Query keys and options: every input of a query is in its key (STYLE.md). */
import { queryOptions } from '@tanstack/react-query';
import { api, type RangeQuery, type RunListQuery } from './endpoints';
import { ApiError } from './client';

const notFoundIsEmpty = <T,>(empty: T) => (e: unknown): T => {
  if (e instanceof ApiError && (e.status === 404 || e.status === 405)) return empty;
  throw e;
};

export const keys = {
  me: ['me'] as const,
  projects: ['projects'] as const,
  runs: ['runs'] as const,
  runList: (q: RunListQuery) => ['runs', 'list', q] as const,
  run: (id: number) => ['runs', 'detail', id] as const,
  history: (id: number) => ['runs', 'history', id] as const,
  metrics: (id: number, keys: string[], r: RangeQuery) => ['runs', 'metrics', id, keys, r] as const,
  compare: (runs: number[], key: string, r: RangeQuery) => ['compare', runs, key, r] as const,
  memory: (model: string, dtype: string) => ['memory', model, dtype] as const,
  workers: ['workers'] as const,
};

export const meQuery = () =>
  queryOptions({ queryKey: keys.me, queryFn: ({ signal }) => api.session.me(signal), staleTime: 60_000, retry: false });

export const projectsQuery = () =>
  queryOptions({ queryKey: keys.projects, queryFn: ({ signal }) => api.projects.list(signal), staleTime: 60_000 });

export const runListQuery = (q: RunListQuery) =>
  queryOptions({
    queryKey: keys.runList(q),
    queryFn: ({ signal }) => api.runs.list(q, signal),
    placeholderData: (prev) => prev,
    // statuses update live: re-ask while anything on the page is still moving
    refetchInterval: (query) => (query.state.data?.items.some((r) => r.status === 'QUEUED' || r.status === 'RUNNING') ? 3000 : false),
  });

export const runQuery = (id: number) =>
  queryOptions({ queryKey: keys.run(id), queryFn: ({ signal }) => api.runs.get(id, signal) });

/** Older backends have no history endpoint: an empty list then. */
export const historyQuery = (id: number) =>
  queryOptions({ queryKey: keys.history(id), queryFn: ({ signal }) => api.runs.history(id, signal).catch(notFoundIsEmpty(null)) });

export const metricsQuery = (id: number, metricKeys: string[], r: RangeQuery) =>
  queryOptions({
    queryKey: keys.metrics(id, metricKeys, r),
    queryFn: ({ signal }) => api.runs.metrics(id, metricKeys, r, signal),
    placeholderData: (prev) => prev,
  });

export const compareQuery = (runs: number[], key: string, r: RangeQuery) =>
  queryOptions({
    queryKey: keys.compare(runs, key, r),
    queryFn: ({ signal }) => api.compare(runs, key, r, signal),
    placeholderData: (prev) => prev,
    enabled: runs.length > 0 && key !== '',
  });

export const memoryQuery = (model: string, dtype: string) =>
  queryOptions({ queryKey: keys.memory(model, dtype), queryFn: ({ signal }) => api.memory.estimate(model, dtype, signal), staleTime: Infinity });

/** Older backends have no workers endpoint: null then (the page says so). */
export const workersQuery = () =>
  queryOptions({
    queryKey: keys.workers,
    queryFn: ({ signal }) => api.workers.list(signal).catch(notFoundIsEmpty(null)),
    refetchInterval: 5000,
  });
