/** One function per endpoint the dashboard calls; everything goes through client.ts. */
import { http, type Query } from './client';
import type { HistoryEntry, Me, MemoryComparison, MetricHistory, ProjectView, Run, RunPage, RunSpec, Worker, XAxis } from './types';

export interface RunListQuery {
  project?: string;
  status?: string[];
  optimizer?: string[];
  tag?: string;
  name?: string;
  submittedBy?: string;
  sort?: string;
  order?: string;
  page?: number;
  size?: number;
}

export interface RangeQuery {
  x: XAxis;
  from?: number | null;
  to?: number | null;
  maxPoints: number;
}

export const api = {
  session: {
    me: (signal?: AbortSignal) => http.get<Me>('/api/v1/me', undefined, signal),
    signIn: (username: string, password: string) => http.post<Me>('/api/v1/session', { username, password }),
    signOut: () => http.del<void>('/api/v1/session'),
  },
  projects: {
    list: (signal?: AbortSignal) => http.get<ProjectView[]>('/api/v1/projects', undefined, signal),
  },
  runs: {
    list: (q: RunListQuery, signal?: AbortSignal) => http.get<RunPage>('/api/v1/runs', q as Query, signal),
    get: (id: number, signal?: AbortSignal) => http.get<Run>(`/api/v1/runs/${id}`, undefined, signal),
    history: (id: number, signal?: AbortSignal) => http.get<HistoryEntry[]>(`/api/v1/runs/${id}/history`, undefined, signal),
    submit: (spec: Partial<RunSpec> & Record<string, unknown>) => http.post<Run>('/api/v1/runs', spec),
    cancel: (id: number) => http.post<Run>(`/api/v1/runs/${id}/cancel`),
    clone: (id: number, overrides: Record<string, unknown>) => http.post<Run>(`/api/v1/runs/${id}/clone`, overrides),
    patch: (id: number, patch: { name?: string; tags?: string[]; notes?: string }) => http.patch<Run>(`/api/v1/runs/${id}`, patch),
    remove: (id: number) => http.del<void>(`/api/v1/runs/${id}`),
    metrics: (id: number, keys: string[], range: RangeQuery, signal?: AbortSignal) =>
      http.get<MetricHistory>(`/api/v1/runs/${id}/metrics`, { keys, ...range } as Query, signal),
  },
  compare: (runs: number[], key: string, range: RangeQuery, signal?: AbortSignal) =>
    http.get<MetricHistory>('/api/v1/compare', { runs, key, ...range } as Query, signal),
  memory: {
    estimate: (model: string, dtype: string, signal?: AbortSignal) =>
      http.get<MemoryComparison>('/api/v1/memory/estimate', { model, dtype }, signal),
  },
  workers: {
    list: (signal?: AbortSignal) => http.get<Worker[]>('/api/v1/workers', undefined, signal),
  },
};

export const eventsUrl = (runId: number) => `/api/v1/runs/${runId}/events`;
