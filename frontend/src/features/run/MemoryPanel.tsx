import type { Run } from '../../api/types';
import { bytes } from '../../components/format';

/**
 * Weights, gradients and optimizer state per parameter group: the analytic estimate (backend, from the
 * model shape) beside what the worker measured (the exact bytes of the NDArrays it held), and why they differ.
 */
export function MemoryPanel({ run }: { run: Run }) {
  const est = run.memory;
  const measured = run.summary?.memory;
  const byGroup = (measured?.optimizerStateBytesByGroup ?? {}) as Record<string, number>;
  if (!est) return <section className="panel"><h2>Memory</h2><p className="muted">No estimate for this run.</p></section>;
  const reasons = explain(run);
  const row = (label: string, analytic: number, meas: number | null | undefined, testid?: string) => {
    const diff = meas != null ? meas - analytic : null;
    return (
      <tr key={label} data-testid={testid}>
        <th scope="row">{label}</th>
        <td className="num">{bytes(analytic)}</td>
        <td className="num">{meas != null ? bytes(meas) : '—'}</td>
        <td className={`num ${diff ? 'warn' : ''}`}>{diff == null ? '' : diff === 0 ? '=' : `${diff > 0 ? '+' : ''}${bytes(diff)}`}</td>
      </tr>
    );
  };
  return (
    <section className="panel" aria-labelledby="mem-title">
      <h2 id="mem-title">Memory <span className="muted small">{est.optimizer} · {est.dtype} · {est.parameters.toLocaleString()} parameters</span></h2>
      <table className="mem">
        <thead><tr><th /> <th className="num">estimate</th><th className="num">measured</th><th className="num">difference</th></tr></thead>
        <tbody>
          {row('Weights', est.weightBytes, measured?.weightBytes)}
          {row('Gradients', est.gradientBytes, measured?.gradientBytes)}
          {row('Optimizer state', est.stateBytes, measured?.optimizerStateBytes, 'mem-state')}
          {est.groups.map((g) => row(`  state · ${g.group} (${g.rule}, ${g.parameters.toLocaleString()} params)`, g.stateBytes, measured ? byGroup[g.group] ?? 0 : null))}
        </tbody>
      </table>
      {!measured && <p className="muted small">Measured values arrive with the worker’s summary at the end of the run.</p>}
      {reasons.length > 0 && <ul className="explain">{reasons.map((r) => <li key={r}>{r}</li>)}</ul>}
      {est.savingVsAdamWBytes > 0 && <p className="saving">Saves <strong>{bytes(est.savingVsAdamWBytes)}</strong> ({(est.savingVsAdamWFraction * 100).toFixed(1)}%) of optimizer state against AdamW.</p>}
    </section>
  );
}

/** Why the measured bytes differ from the estimate, from what the two sides know. */
export function explain(run: Run): string[] {
  const est = run.memory;
  const m = run.summary?.memory;
  if (!est || !m) return [];
  const out: string[] = [];
  const tok = run.spec?.tokenizer ?? '';
  if (m.weightBytes !== est.weightBytes) {
    if (tok.startsWith('hf:')) out.push(`The estimate assumes a 32,000-token vocabulary: the backend cannot read ${tok.slice(3)}; the worker counted the real embedding and head.`);
    else out.push(`Weights differ by ${bytes(m.weightBytes - est.weightBytes)}: the worker counts every parameter array it allocated (the estimate counts the LLaMA shapes of the spec).`);
  }
  if (m.optimizerStateBytes !== est.stateBytes) {
    const d = m.optimizerStateBytes - est.stateBytes;
    if (run.spec?.optimizer?.name === 'sgd' && (run.spec.optimizer.momentum ?? 0) === 0 && d > 0)
      out.push('SGD without momentum keeps no state; the measured bytes are the AdamW groups’ moments.');
    else out.push(`Optimizer state differs by ${bytes(d)}: the measurement is the exact bytes of the state NDArrays the worker held (estimate: ${est.dtype} moments per owned parameter).`);
  }
  return out;
}
