import { useCallback } from 'react';
import { useSearchParams } from 'react-router-dom';

/** Page state lives in the URL's search params: a link or a reload restores the same view. */
export function useUrlState() {
  const [params, setParams] = useSearchParams();
  const get = useCallback((k: string, def = '') => params.get(k) ?? def, [params]);
  const list = useCallback((k: string) => (params.get(k) ?? '').split(',').map((s) => s.trim()).filter(Boolean), [params]);
  const set = useCallback(
    (changes: Record<string, string | number | null | undefined | string[]>, opts: { replace?: boolean } = {}) => {
      setParams((prev) => {
        const next = new URLSearchParams(prev);
        for (const [k, v] of Object.entries(changes)) {
          const s = Array.isArray(v) ? v.join(',') : v == null ? '' : String(v);
          if (s === '') next.delete(k);
          else next.set(k, s);
        }
        return next;
      }, { replace: opts.replace ?? false });
    },
    [setParams],
  );
  return { params, get, list, set };
}
