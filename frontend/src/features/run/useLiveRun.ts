/**
 * Follows a run over SSE (EventSource; the session cookie authenticates it): state changes refresh the run,
 * metric batches are buffered and merged into the metrics query's cache at most once per animation frame,
 * so a fast stream costs one redraw per frame whatever its rate. The stream is closed on a terminal state
 * (the server ends it then; EventSource would otherwise reconnect).
 */
import { useQueryClient, type QueryKey } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { eventsUrl } from '../../api/endpoints';
import { keys } from '../../api/queries';
import { ENDED, type MetricHistory, type RunStatus, type XAxis } from '../../api/types';
import { mergeLive, type BucketPoint, type LivePoint } from '../../charts/series';

/** Raw live points kept per series, as a multiple of the history's maxPoints, before a re-bucketing refetch. */
const LIVE_REBUCKET_FACTOR = 4;

export type LiveState = 'connecting' | 'live' | 'ended' | 'off' | 'reconnecting';

export function mergeIntoHistory(h: MetricHistory | undefined, points: LivePoint[], x: XAxis, runId: number): MetricHistory | undefined {
  if (!h) return h;
  const xOf = (p: LivePoint) => (x === 'step' ? p.step : x === 'tokens' ? p.tokens : p.seconds);
  const byKey = new Map<string, LivePoint[]>();
  for (const p of points) {
    if (!byKey.has(p.key)) byKey.set(p.key, []);
    byKey.get(p.key)!.push(p);
  }
  const series = h.series.map((s) => {
    const incoming = byKey.get(s.key);
    if (!incoming) return s;
    byKey.delete(s.key);
    const merged = mergeLive(s.points as BucketPoint[], incoming, xOf);
    return merged === s.points ? s : { ...s, points: merged, pointsInRange: merged.length };
  });
  for (const [key, incoming] of byKey) {
    series.push({ runId, key, sampled: false, pointsInRange: incoming.length, points: mergeLive([], incoming, xOf) });
  }
  return { ...h, series };
}

export function useLiveRun(runId: number, status: RunStatus | undefined, metricsKey: QueryKey, x: XAxis): LiveState {
  const qc = useQueryClient();
  const [state, setState] = useState<LiveState>('off');
  const active = status != null && !ENDED.has(status);
  const keyString = JSON.stringify(metricsKey);

  useEffect(() => {
    if (!active) {
      setState(status ? 'ended' : 'off');
      return;
    }
    setState('connecting');
    const es = new EventSource(eventsUrl(runId), { withCredentials: true });
    let buffer: LivePoint[] = [];
    let frame = 0;
    const flush = () => {
      frame = 0;
      const pts = buffer;
      buffer = [];
      performance.mark('normlab:live-flush-start');
      const merged = qc.setQueryData<MetricHistory>(metricsKey, (h) => mergeIntoHistory(h, pts, x, runId));
      performance.mark('normlab:live-flush-end');
      // raw live points pile up on a long run: past a few times maxPoints, ask the server to re-bucket
      // (the chart keeps the user's zoom; a refetch already under way is not restarted, and points that land
      // while it runs come back with the next batch's re-read or the final refetch at the end)
      if (merged && merged.series.some((s) => s.points.length > LIVE_REBUCKET_FACTOR * merged.maxPoints)) {
        qc.invalidateQueries({ queryKey: metricsKey, exact: true }, { cancelRefetch: false });
      }
    };
    es.addEventListener('open', () => setState('live'));
    es.addEventListener('error', () => setState(es.readyState === EventSource.CLOSED ? 'ended' : 'reconnecting'));
    es.addEventListener('metrics', (ev) => {
      const data = JSON.parse((ev as MessageEvent).data) as { points: LivePoint[] };
      buffer.push(...data.points);
      if (!frame) frame = requestAnimationFrame(flush);
    });
    es.addEventListener('state', (ev) => {
      const data = JSON.parse((ev as MessageEvent).data) as { status: RunStatus; attempt: number };
      qc.invalidateQueries({ queryKey: keys.run(runId) });
      qc.invalidateQueries({ queryKey: keys.history(runId) });
      if (ENDED.has(data.status)) {
        es.close();
        setState('ended');
        // the final points may have come after the last batch we saw
        qc.invalidateQueries({ queryKey: metricsKey });
      }
    });
    return () => {
      es.close();
      if (frame) cancelAnimationFrame(frame);
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [runId, active, keyString, x]);
  return state;
}
