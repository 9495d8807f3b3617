/**
 * The one uPlot wrapper (the only file importing uPlot besides styles): created once per structure (the
 * `options` identity), data pushed with setData so live points keep the user's zoom, resized with the
 * container, destroyed on unmount.
 */
import { useEffect, useRef } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';

export type { uPlot };
export type Options = uPlot.Options;
export type AlignedData = uPlot.AlignedData;

interface Props {
  options: Omit<uPlot.Options, 'width' | 'height'>;
  data: uPlot.AlignedData;
  height?: number;
  /** keep the current x/y scales when new data arrives (a live run the user zoomed into) */
  keepZoom?: boolean;
  /** the user dragged a range: [min, max] of x, or null on double-click reset */
  onZoom?: (range: [number, number] | null) => void;
  /** set to the x range that should be shown (a zoom from the URL) */
  xRange?: [number, number] | null;
  onCreate?: (u: uPlot) => void;
  label?: string;
}

export function UPlotChart({ options, data, height = 260, keepZoom = false, onZoom, xRange, onCreate, label }: Props) {
  const host = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);
  const zoomCb = useRef(onZoom);
  zoomCb.current = onZoom;
  const userZoomed = useRef(false);
  const latestData = useRef(data);
  latestData.current = data;

  useEffect(() => {
    const el = host.current!;
    const width = Math.max(200, el.clientWidth);
    let selecting = false;
    const opts: uPlot.Options = {
      ...options,
      width,
      height,
      hooks: {
        ...options.hooks,
        setSelect: [
          ...(options.hooks?.setSelect ?? []),
          (u) => {
            if (u.select.width > 2) selecting = true;
          },
        ],
        setScale: [
          ...(options.hooks?.setScale ?? []),
          (u, key) => {
            if (key !== 'x' || !selecting) return;
            selecting = false;
            userZoomed.current = true;
            const min = u.scales.x.min;
            const max = u.scales.x.max;
            if (zoomCb.current && min != null && max != null) zoomCb.current([min, max]);
          },
        ],
      },
    };
    const u = new uPlot(opts, latestData.current, el);
    plot.current = u;
    // double-click: back to the full range
    const over = u.over;
    const reset = () => {
      userZoomed.current = false;
      if (zoomCb.current) zoomCb.current(null);
    };
    over.addEventListener('dblclick', reset);
    const ro = new ResizeObserver(() => {
      const w = Math.max(200, el.clientWidth);
      if (w !== u.width) u.setSize({ width: w, height });
    });
    ro.observe(el);
    onCreate?.(u);
    return () => {
      ro.disconnect();
      over.removeEventListener('dblclick', reset);
      u.destroy();
      plot.current = null;
    };
    // a new structure (series count, axes, scale kinds) means a new chart; data goes through setData
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [options, height]);

  useEffect(() => {
    const u = plot.current;
    if (!u) return;
    const keep = keepZoom && userZoomed.current;
    if (keep) {
      const { min, max } = u.scales.x;
      u.setData(data, false);
      if (min != null && max != null) u.setScale('x', { min, max });
    } else {
      u.setData(data, true);
    }
    if (xRange) u.setScale('x', { min: xRange[0], max: xRange[1] });
  }, [data, keepZoom, xRange]);

  return <div ref={host} className="chart" role="img" aria-label={label} />;
}
