/**
 * The New run form over every RunSpec field: field table (label, default, the backend's rule), form <-> spec
 * and the client-side checks, which mirror the Bean Validation annotations of api/…/spec/*.java so most
 * mistakes are caught before a round trip (the backend stays the judge: its field errors land on the same
 * paths). Form values are strings keyed by the spec's JSON path; an empty string means "the default".
 */
import { DTYPES, OPTIMIZERS, PRESETS } from '../../api/types';

export type FormValues = Record<string, string>;

type Kind = 'text' | 'int' | 'number' | 'select' | 'tags' | 'textarea';

export interface FieldDef {
  path: string;
  label: string;
  kind: Kind;
  group: 'run' | 'model' | 'optimizer' | 'data' | 'schedule' | 'system';
  options?: readonly string[];
  /** the backend's default, shown as the placeholder; a function when it depends on other fields */
  def?: string | ((v: FormValues) => string);
  min?: number;
  minExclusive?: boolean;
  max?: number;
  maxExclusive?: boolean;
  pattern?: RegExp;
  patternMessage?: string;
  required?: boolean;
  maxLength?: number;
  help?: string;
}

/** Defaults as the record constructors resolve them (RunSpec, OptimizerSpec, DataSpec, ScheduleSpec). */
export const DEFAULT_ADAMW_LR = '0.001';
export const DEFAULT_STATELESS_LR = '0.02';

export const FIELDS: FieldDef[] = [
  { path: 'name', label: 'Name', kind: 'text', group: 'run', maxLength: 200 },
  { path: 'project', label: 'Project', kind: 'select', group: 'run', required: true, maxLength: 200 },
  { path: 'tags', label: 'Tags', kind: 'tags', group: 'run', help: 'comma-separated, at most 32 of 64 characters' },
  { path: 'model.preset', label: 'Model preset', kind: 'select', group: 'model', options: PRESETS, def: 'nano' },
  { path: 'model.hidden', label: 'Hidden size', kind: 'int', group: 'model', min: 1, max: 65_536, help: 'overrides the preset' },
  { path: 'model.intermediate', label: 'MLP size', kind: 'int', group: 'model', min: 1, max: 262_144 },
  { path: 'model.heads', label: 'Heads', kind: 'int', group: 'model', min: 1, max: 1024 },
  { path: 'model.layers', label: 'Layers', kind: 'int', group: 'model', min: 1, max: 1024 },
  { path: 'model.vocab', label: 'Vocabulary', kind: 'int', group: 'model', min: 1, max: 1_048_576, help: 'default: the preset’s or the tokenizer’s' },
  { path: 'optimizer.name', label: 'Optimizer', kind: 'select', group: 'optimizer', options: OPTIMIZERS, required: true },
  { path: 'optimizer.lr', label: 'Learning rate (peak)', kind: 'number', group: 'optimizer', min: 0, minExclusive: true, max: 10,
    def: (v) => (v['optimizer.name'] === 'adamw' ? DEFAULT_ADAMW_LR : DEFAULT_STATELESS_LR) },
  { path: 'optimizer.alpha', label: 'Alpha (SinkGD/SWAN step scale)', kind: 'number', group: 'optimizer', min: 0, minExclusive: true, max: 100, def: '0.05' },
  { path: 'optimizer.sinkhornRounds', label: 'Sinkhorn rounds (SinkGD L)', kind: 'int', group: 'optimizer', min: 1, max: 100, def: '5' },
  { path: 'optimizer.newtonSchulzSteps', label: 'Newton–Schulz steps (SWAN k)', kind: 'int', group: 'optimizer', min: 1, max: 100, def: '10' },
  { path: 'optimizer.beta1', label: 'Beta1', kind: 'number', group: 'optimizer', min: 0, max: 1, maxExclusive: true, def: '0.9' },
  { path: 'optimizer.beta2', label: 'Beta2', kind: 'number', group: 'optimizer', min: 0, max: 1, maxExclusive: true, def: '0.999' },
  { path: 'optimizer.eps', label: 'Epsilon', kind: 'number', group: 'optimizer', min: 0, minExclusive: true, def: '1e-8' },
  { path: 'optimizer.weightDecay', label: 'Weight decay', kind: 'number', group: 'optimizer', min: 0, def: '0' },
  { path: 'optimizer.momentum', label: 'SGD momentum', kind: 'number', group: 'optimizer', min: 0, max: 1, maxExclusive: true, def: '0' },
  { path: 'tokenizer', label: 'Tokenizer', kind: 'text', group: 'data', def: 'byte', pattern: /^(byte|gpt2|hf:.+)$/,
    patternMessage: 'must be byte, gpt2 or hf:<path to tokenizer.json>' },
  { path: 'data.corpus', label: 'Corpus', kind: 'text', group: 'data', def: 'europarl', help: 'europarl, or a path/glob on the worker' },
  { path: 'data.format', label: 'Format', kind: 'select', group: 'data', options: ['text', 'jsonl'], def: 'text' },
  { path: 'data.heldOutFraction', label: 'Held-out fraction', kind: 'number', group: 'data', min: 0, minExclusive: true, max: 0.5, def: '0.01' },
  { path: 'seqLen', label: 'Sequence length', kind: 'int', group: 'data', min: 1, max: 32_768, def: '256' },
  { path: 'batchSize', label: 'Batch size', kind: 'int', group: 'data', min: 1, max: 4096, def: '8' },
  { path: 'gradAccum', label: 'Gradient accumulation', kind: 'int', group: 'data', min: 1, max: 1024, def: '1' },
  { path: 'steps', label: 'Steps', kind: 'int', group: 'schedule', min: 1, max: 100_000_000, def: (v) => (v['tokenBudget'] ? '' : '200') },
  { path: 'tokenBudget', label: 'Token budget (instead of steps)', kind: 'int', group: 'schedule', min: 1 },
  { path: 'schedule.warmupFraction', label: 'Warmup fraction', kind: 'number', group: 'schedule', min: 0, max: 1, def: '0.1' },
  { path: 'schedule.minLrRatio', label: 'Min LR ratio', kind: 'number', group: 'schedule', min: 0, max: 1, def: '0.1' },
  { path: 'evalEvery', label: 'Eval every (steps)', kind: 'int', group: 'schedule', min: 0, def: '50' },
  { path: 'evalBatches', label: 'Eval batches', kind: 'int', group: 'schedule', min: 1, max: 10_000, def: '8' },
  { path: 'gradClip', label: 'Gradient clip (0 = off)', kind: 'number', group: 'schedule', min: 0, def: '0' },
  { path: 'checkpointEvery', label: 'Checkpoint every (0 = end only)', kind: 'int', group: 'schedule', min: 0, def: '0' },
  { path: 'seed', label: 'Seed', kind: 'int', group: 'system', def: '42' },
  { path: 'device', label: 'Device', kind: 'select', group: 'system', options: ['any', 'cpu', 'gpu'], def: 'any' },
  { path: 'precision', label: 'Precision', kind: 'select', group: 'system', options: DTYPES, def: 'fp32' },
  { path: 'priority', label: 'Priority', kind: 'int', group: 'system', min: -1000, max: 1000, def: '0' },
];

const BY_PATH = new Map(FIELDS.map((f) => [f.path, f]));

export function fieldDef(path: string): FieldDef | undefined {
  return BY_PATH.get(path);
}

export function defaultOf(f: FieldDef, v: FormValues): string {
  return typeof f.def === 'function' ? f.def(v) : (f.def ?? '');
}

function parse(f: FieldDef, raw: string): unknown {
  const s = raw.trim();
  switch (f.kind) {
    case 'int':
    case 'number':
      return Number(s);
    case 'tags':
      return s.split(',').map((t) => t.trim()).filter((t) => t !== '');
    default:
      return s;
  }
}

function setPath(target: Record<string, unknown>, path: string, value: unknown) {
  const parts = path.split('.');
  let o = target;
  for (const p of parts.slice(0, -1)) {
    o[p] = (o[p] as Record<string, unknown>) ?? {};
    o = o[p] as Record<string, unknown>;
  }
  o[parts[parts.length - 1]] = value;
}

function getPath(source: unknown, path: string): unknown {
  let o = source as Record<string, unknown> | undefined;
  for (const p of path.split('.')) {
    if (o == null || typeof o !== 'object') return undefined;
    o = o[p] as Record<string, unknown> | undefined;
  }
  return o;
}

/** The spec to submit: only the fields the user filled in (the backend resolves the rest). */
export function toSpec(v: FormValues): Record<string, unknown> {
  const spec: Record<string, unknown> = {};
  for (const f of FIELDS) {
    const raw = v[f.path];
    if (raw == null || raw.trim() === '') continue;
    setPath(spec, f.path, parse(f, raw));
  }
  // dimensions override a preset; the backend needs it named (an empty preset field means the default, nano)
  const model = spec.model as Record<string, unknown> | undefined;
  if (model && model.preset == null) spec.model = { preset: defaultOf(BY_PATH.get('model.preset')!, v), ...model };
  return spec;
}

function format(value: unknown): string {
  if (value == null) return '';
  if (Array.isArray(value)) return value.join(', ');
  return String(value);
}

/**
 * A stored (resolved) spec as form values: a value equal to its default is left empty, so the form shows
 * what differs from the defaults (the clone's real choices) and the placeholders show the rest.
 * `project` and `name` are left to the caller (a clone goes to a chosen project under a new name).
 */
export function fromSpec(spec: unknown): FormValues {
  const v: FormValues = {};
  for (const f of FIELDS) v[f.path] = format(getPath(spec, f.path));
  // preset dims are resolved by the backend's spec only when custom; a value equal to the default is noise
  for (const f of FIELDS) {
    const d = defaultOf(f, v);
    if (d !== '' && v[f.path] !== '' && Number.isFinite(Number(d)) && Number(d) === Number(v[f.path])) v[f.path] = '';
    else if (d !== '' && v[f.path] === d) v[f.path] = '';
  }
  // a steps count the backend derived from tokenBudget is not a choice
  if (v['tokenBudget'] !== '') v['steps'] = '';
  return v;
}

export const emptyForm = (): FormValues => Object.fromEntries(FIELDS.map((f) => [f.path, '']));

/** Client-side checks, same rules and messages as the backend's annotations. Keys are field paths. */
export function validate(v: FormValues): Record<string, string> {
  const errors: Record<string, string> = {};
  const num = (p: string) => (v[p] != null && v[p].trim() !== '' ? Number(v[p]) : null);
  for (const f of FIELDS) {
    const raw = (v[f.path] ?? '').trim();
    if (raw === '') {
      if (f.required) errors[f.path] = 'must not be blank';
      continue;
    }
    if (f.maxLength != null && raw.length > f.maxLength) errors[f.path] = `size must be between 0 and ${f.maxLength}`;
    if (f.kind === 'int' || f.kind === 'number') {
      const n = Number(raw);
      if (!Number.isFinite(n)) { errors[f.path] = 'must be a number'; continue; }
      if (f.kind === 'int' && !Number.isInteger(n)) { errors[f.path] = 'must be a whole number'; continue; }
      if (f.min != null && (f.minExclusive ? n <= f.min : n < f.min))
        errors[f.path] = f.minExclusive && f.min === 0 ? 'must be greater than 0' : `must be greater than ${f.minExclusive ? '' : 'or equal to '}${f.min}`;
      else if (f.max != null && (f.maxExclusive ? n >= f.max : n > f.max))
        errors[f.path] = `must be less than ${f.maxExclusive ? '' : 'or equal to '}${f.max}`;
    }
    if (f.options && f.kind === 'select' && f.path !== 'project' && !f.options.includes(raw)) errors[f.path] = `must be one of ${f.options.join(', ')}`;
    if (f.pattern && !f.pattern.test(raw)) errors[f.path] = f.patternMessage ?? 'invalid';
    if (f.kind === 'tags') {
      const tags = raw.split(',').map((t) => t.trim()).filter(Boolean);
      if (tags.length > 32) errors[f.path] = 'at most 32 tags';
      else if (tags.some((t) => t.length > 64)) errors[f.path] = 'a tag has at most 64 characters';
    }
  }
  if (num('steps') != null && num('tokenBudget') != null) errors['tokenBudget'] = 'give steps or tokenBudget, not both';
  const tps = (num('batchSize') ?? 8) * (num('gradAccum') ?? 1) * (num('seqLen') ?? 256);
  const budget = num('tokenBudget');
  if (budget != null && !errors['tokenBudget'] && budget < tps)
    errors['tokenBudget'] = `tokenBudget is smaller than one step (batchSize x gradAccum x seqLen tokens = ${tps})`;
  if ((v['precision'] ?? '').trim() === 'bf16' && (v['device'] ?? '').trim() !== 'gpu')
    errors['precision'] = 'bf16 needs device gpu: CPU training runs in fp32';
  const hidden = num('model.hidden') ?? PRESET_DIMS[v['model.preset'] || 'nano']?.hidden;
  const heads = num('model.heads') ?? PRESET_DIMS[v['model.preset'] || 'nano']?.heads;
  if (hidden != null && heads != null && heads > 0 && hidden % heads !== 0 && !errors['model.heads'])
    errors['model.heads'] = 'hidden must be divisible by heads';
  return errors;
}

/** The presets' shapes (api/…/model/ModelPreset.java); vocab 0 = follows the tokenizer. */
export const PRESET_DIMS: Record<string, { hidden: number; intermediate: number; heads: number; layers: number; vocab: number }> = {
  nano: { hidden: 128, intermediate: 352, heads: 4, layers: 6, vocab: 0 },
  micro: { hidden: 256, intermediate: 688, heads: 8, layers: 8, vocab: 0 },
  'llama-60m': { hidden: 512, intermediate: 1376, heads: 8, layers: 8, vocab: 32_000 },
  'llama-130m': { hidden: 768, intermediate: 2048, heads: 12, layers: 12, vocab: 32_000 },
  'llama-350m': { hidden: 1024, intermediate: 2736, heads: 16, layers: 24, vocab: 32_000 },
  'llama-1b': { hidden: 2048, intermediate: 5461, heads: 32, layers: 24, vocab: 32_000 },
  'llama-7b': { hidden: 4096, intermediate: 11008, heads: 32, layers: 32, vocab: 32_000 },
};
