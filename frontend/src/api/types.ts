/**
 * The API's shapes, from the backend's own OpenAPI document (schema.d.ts, `npm run api:refresh`), so the
 * client cannot drift from the API: a renamed field fails `tsc` in the build. Endpoints an older backend may
 * lack (history, workers, sort=queue) degrade in queries.ts / the queue page instead of breaking a page.
 */
import type { components } from './schema';

/**
 * springdoc marks no record component as required, so every generated field is optional; the backend
 * always writes them (null where the docs say so). Required here, nullable where the API says so.
 */
type DeepRequired<T> = T extends (infer U)[] ? DeepRequired<U>[] : T extends object ? { [K in keyof T]-?: DeepRequired<NonNullable<T[K]>> } : T;
type S = DeepRequired<components['schemas']>;

export type RunStatus = 'QUEUED' | 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'CANCELLED';
export const RUN_STATUSES: RunStatus[] = ['QUEUED', 'RUNNING', 'SUCCEEDED', 'FAILED', 'CANCELLED'];
export const ENDED: ReadonlySet<RunStatus> = new Set(['SUCCEEDED', 'FAILED', 'CANCELLED']);

export type RunSpec = S['RunSpec'];
export type MemoryView = S['MemoryView'];
export type GroupMemory = S['GroupMemory'];
export type RunSummary = S['RunSummary'];
export type ProjectView = S['ProjectView'];
/** A raw point has bucket null (the schema cannot say so). */
export type SeriesPoint = Omit<S['SeriesPoint'], 'bucket'> & { bucket: number | null };
export type MetricSeries = Omit<S['MetricSeries'], 'points'> & { points: SeriesPoint[] };
export type MetricHistory = Omit<S['MetricHistory'], 'series'> & { series: MetricSeries[] };
export type MemoryComparison = S['Comparison'];

type Nullable<T, K extends keyof T> = Omit<T, K> & { [P in K]: T[P] | null };

export type Run = Omit<
  Nullable<S['RunView'], 'notes' | 'workerName' | 'leaseUntil' | 'notBefore' | 'checkpoint' | 'error' | 'finalLoss' | 'summary'
    | 'memory' | 'startedAt' | 'finishedAt' | 'submittedBy' | 'waitingReason'>,
  'status'
> & { status: RunStatus };

export interface RunPage {
  items: Run[];
  page: number;
  size: number;
  totalItems: number;
  totalPages: number;
}

export type Me = S['MeView'];
export type TeamRole = Me['teams'][number]['role'];

export type HistoryEntry = Omit<S['Event'], 'detail' | 'actor'> & { actor: { kind: S['Actor']['kind']; name: string | null }; detail: string | null };

export type Worker = Nullable<S['WorkerView'], 'deviceMemoryBytes' | 'team' | 'currentRunId'> & { engine: Record<string, unknown> | null };

export type XAxis = 'step' | 'tokens' | 'seconds';

export const OPTIMIZERS = ['adamw', 'sgd', 'sinkgd', 'swan'] as const;
export type OptimizerName = (typeof OPTIMIZERS)[number];
export const PRESETS = ['nano', 'micro', 'llama-60m', 'llama-130m', 'llama-350m', 'llama-1b', 'llama-7b'] as const;
export const DTYPES = ['fp32', 'bf16'] as const;
