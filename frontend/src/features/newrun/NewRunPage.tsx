import { useMutation, useQueries, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useMemo, useState, type FormEvent } from 'react';
import { Link, useNavigate } from 'react-router-dom';
import { ApiError } from '../../api/client';
import { api } from '../../api/endpoints';
import { keys, memoryQuery, projectsQuery, runQuery } from '../../api/queries';
import { PRESETS } from '../../api/types';
import { bytes } from '../../components/format';
import { ErrorView, Loading } from '../../components/States';
import { useUrlState } from '../../components/urlState';
import { defaultOf, emptyForm, FIELDS, fromSpec, toSpec, validate, type FieldDef, type FormValues } from './specForm';

const GROUP_TITLES: Record<FieldDef['group'], string> = {
  run: 'Run', model: 'Model', optimizer: 'Optimizer', data: 'Data and batch', schedule: 'Length, schedule, evaluation', system: 'Placement',
};

export function NewRunPage() {
  const url = useUrlState();
  const cloneId = url.get('clone') ? Number(url.get('clone')) : null;
  const source = useQuery({ ...runQuery(cloneId ?? 0), enabled: cloneId != null });
  if (cloneId != null && source.isPending) return <Loading what="Loading the run to clone" />;
  if (cloneId != null && source.error) return <ErrorView error={source.error} />;
  const initial = source.data ? { ...fromSpec(source.data.spec), name: `${source.data.name} (clone)`, project: String(source.data.projectId) } : null;
  return <RunForm key={cloneId ?? 'new'} initial={initial} cloneOf={source.data ? { id: source.data.id, name: source.data.name } : null} />;
}

function RunForm({ initial, cloneOf }: { initial: FormValues | null; cloneOf: { id: number; name: string } | null }) {
  const navigate = useNavigate();
  const qc = useQueryClient();
  const projects = useQuery(projectsQuery());
  const [values, setValues] = useState<FormValues>(() => ({ ...emptyForm(), 'optimizer.name': 'sinkgd', ...(initial ?? {}) }));
  const [touched, setTouched] = useState<Set<string>>(new Set());
  const [submitted, setSubmitted] = useState(false);
  const [serverErrors, setServerErrors] = useState<Record<string, string>>({});

  // a single project: preselect it
  useEffect(() => {
    if (!values.project && projects.data?.length === 1) setValues((v) => ({ ...v, project: String(projects.data![0].id) }));
  }, [projects.data, values.project]);

  const clientErrors = useMemo(() => validate(values), [values]);
  const shown = (path: string) => serverErrors[path] ?? ((submitted || touched.has(path)) ? clientErrors[path] : undefined);

  const submit = useMutation({
    mutationFn: () => api.runs.submit(toSpec(values)),
    onSuccess: (run) => {
      qc.invalidateQueries({ queryKey: keys.runs });
      navigate(`/runs/${run.id}`);
    },
    onError: (e) => {
      if (e instanceof ApiError && e.errors.length) {
        setServerErrors(Object.fromEntries(e.errors.map((f) => [f.field, f.message])));
      }
    },
  });

  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    setSubmitted(true);
    setServerErrors({});
    if (Object.keys(clientErrors).length > 0) {
      const first = FIELDS.find((f) => clientErrors[f.path]);
      if (first) document.getElementById(fieldId(first.path))?.focus();
      return;
    }
    submit.mutate();
  };
  const set = (path: string, value: string) => {
    setValues((v) => ({ ...v, [path]: value }));
    setServerErrors((s) => {
      if (!(path in s)) return s;
      const n = { ...s };
      delete n[path];
      return n;
    });
  };

  const preset = values['model.preset'] || 'nano';
  const precision = values['precision'] || 'fp32';
  const presetCounts = useQueries({ queries: PRESETS.map((p) => memoryQuery(p, 'fp32')) });
  const estimate = useQuery(memoryQuery(preset, precision));
  const optimizer = values['optimizer.name'];
  const mine = estimate.data?.estimates.find((e) => e.optimizer === optimizer);
  const adam = estimate.data?.estimates.find((e) => e.optimizer === 'adamw');
  const unmatched = Object.entries(serverErrors).filter(([f]) => !FIELDS.some((d) => d.path === f));

  return (
    <section aria-labelledby="new-title">
      <header className="page-head">
        <h1 id="new-title">{cloneOf ? <>Clone of <Link to={`/runs/${cloneOf.id}`}>#{cloneOf.id} {cloneOf.name}</Link></> : 'New run'}</h1>
      </header>
      <div className="two-col wide-left">
        <form className="spec-form" onSubmit={onSubmit} noValidate>
          {(Object.keys(GROUP_TITLES) as FieldDef['group'][]).map((g) => (
            <fieldset key={g}>
              <legend>{GROUP_TITLES[g]}</legend>
              {g === 'model' && (shown('model') ?? serverErrors['model']) && <p className="field-error" role="alert">{shown('model') ?? serverErrors['model']}</p>}
              <div className="fields">
                {FIELDS.filter((f) => f.group === g).map((f) => (
                  <Field key={f.path} f={f} values={values} error={shown(f.path)}
                    onChange={(v) => set(f.path, v)} onBlur={() => setTouched((t) => new Set(t).add(f.path))}
                    options={f.path === 'project' ? (projects.data ?? []).map((p) => ({ value: String(p.id), label: `${p.team}/${p.name}` }))
                      : f.path === 'model.preset' ? PRESETS.map((p, i) => {
                        const n = presetCounts[i].data?.parameters;
                        return { value: p, label: n ? `${p} (${n >= 1e9 ? (n / 1e9).toFixed(2) + 'B' : (n / 1e6).toFixed(1) + 'M'} params)` : p };
                      }) : undefined} />
                ))}
              </div>
            </fieldset>
          ))}
          {unmatched.length > 0 && <ul className="field-error" role="alert">{unmatched.map(([f, m]) => <li key={f}><code>{f}</code>: {m}</li>)}</ul>}
          {submit.error && !(submit.error instanceof ApiError && submit.error.errors.length) && <ErrorView error={submit.error} />}
          <div className="actions sticky">
            <button type="submit" className="primary" disabled={submit.isPending} data-testid="submit-run">{submit.isPending ? 'Submitting…' : 'Submit run'}</button>
            <span className="muted small">Empty fields take the default shown in grey.</span>
          </div>
        </form>
        <aside className="panel estimate" aria-live="polite">
          <h2>Memory estimate</h2>
          <p className="muted small">{preset} · {optimizer || '—'} · {precision}{values['model.hidden'] || values['model.layers'] ? ' · preset shape (custom dimensions are not estimated here)' : ''}</p>
          {estimate.isPending ? <Loading /> : estimate.error ? <ErrorView error={estimate.error} /> : mine ? (
            <dl className="kv" data-testid="live-estimate">
              <dt>Parameters</dt><dd>{estimate.data.parameters.toLocaleString()}</dd>
              <dt>Weights</dt><dd>{bytes(mine.weightBytes)}</dd>
              <dt>Gradients</dt><dd>{bytes(mine.gradientBytes)}</dd>
              <dt>Optimizer state</dt><dd>{bytes(mine.stateBytes)}</dd>
              <dt>Total</dt><dd><strong>{bytes(mine.totalBytes)}</strong></dd>
              {adam && optimizer !== 'adamw' && <><dt>vs AdamW</dt><dd className="saving">saves {bytes(mine.savingVsAdamWBytes)} ({(mine.savingVsAdamWFraction * 100).toFixed(1)}%)</dd></>}
            </dl>
          ) : <p className="muted">Pick an optimizer.</p>}
          <p className="muted small">CPU presets (nano, micro) use the tokenizer’s vocabulary; this estimate assumes 32,000 tokens.</p>
        </aside>
      </div>
    </section>
  );
}

const fieldId = (path: string) => `f-${path.replace(/\./g, '-')}`;

function Field({ f, values, error, onChange, onBlur, options }: {
  f: FieldDef; values: FormValues; error?: string; onChange: (v: string) => void; onBlur: () => void; options?: { value: string; label: string }[];
}) {
  const id = fieldId(f.path);
  const def = defaultOf(f, values);
  const errId = `${id}-err`;
  const common = {
    id, name: f.path, onBlur, 'aria-invalid': error ? true : undefined, 'aria-describedby': error ? errId : undefined,
  };
  const opts = options ?? f.options?.map((o) => ({ value: o, label: o }));
  return (
    <div className={`field ${error ? 'has-error' : ''}`} data-field={f.path}>
      <label htmlFor={id}>{f.label}{f.required ? ' *' : ''}</label>
      {f.kind === 'select' && opts ? (
        <select {...common} value={values[f.path]} onChange={(e) => onChange(e.target.value)}>
          {!f.required ? <option value="">default{def ? ` (${def})` : ''}</option> : <option value="" disabled>choose…</option>}
          {opts.map((o) => <option key={o.value} value={o.value}>{o.label}</option>)}
        </select>
      ) : (
        <input {...common} value={values[f.path]} placeholder={def} inputMode={f.kind === 'int' || f.kind === 'number' ? 'decimal' : undefined}
          onChange={(e) => onChange(e.target.value)} autoComplete="off" spellCheck={false} />
      )}
      {error ? <span id={errId} className="field-error" role="alert" data-testid={`error-${f.path}`}>{error}</span> : f.help ? <span className="help">{f.help}</span> : null}
    </div>
  );
}
