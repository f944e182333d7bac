/** One output of a run: its facts and stats, the first values, top-k for logits, heat maps, and saving it. */
import { useEffect, useRef, useState } from 'react';
import type { Heatmap, TensorSummary } from '../../src-main/common/tensor/tensor-types';
import { call } from '../bridge/client';
import { getApp, postMessage } from '../state/store';
import { promptText } from '../ui/dialogs';
import { baseName, formatPercent, formatValue } from './format';
import { decodeBase64, heatmapRgba, matrixLayout, nonFiniteCount } from './tensor-view';

const FLAT_SHOWN = 200;

export function OutputView({ runId, output }: { runId: string; output: TensorSummary }) {
  return (
    <div className="mv-card" data-output={output.name}>
      <header className="mv-card-header">
        <span className="mv-mono mv-card-name">{output.name}</span>
        <span className="mv-mono muted">{output.dtype}</span>
        <span className="mv-mono muted">[{output.shape.join(', ')}]</span>
        <span className="muted">{output.count.toLocaleString('en-US')} values</span>
        <span className="spacer" />
        <SaveButtons runId={runId} output={output.name} />
      </header>
      <Stats output={output} />
      {output.topk && output.topk.length > 0 && <TopK output={output} />}
      {output.heatmaps && output.heatmaps.length > 0 && <Heatmaps maps={output.heatmaps} />}
      <Values output={output} />
    </div>
  );
}

function Stats({ output }: { output: TensorSummary }) {
  const s = output.stats;
  if (!s) return <p className="muted">No statistics for {output.dtype} values.</p>;
  const bad = nonFiniteCount(s) > 0;
  const cells: [string, string][] = [
    ['min', formatValue(s.min)],
    ['max', formatValue(s.max)],
    ['mean', formatValue(s.mean)],
    ['std', formatValue(s.std)],
  ];
  return (
    <div className="mv-stats" data-testid="output-stats">
      {cells.map(([k, v]) => (
        <span key={k} className="mv-stat" data-stat={k}>
          <span className="muted">{k}</span> <span className="mv-mono">{v}</span>
        </span>
      ))}
      <span className={`mv-stat ${bad ? 'warn' : ''}`} data-stat="nonfinite" title="NaN, +Inf and −Inf values">
        <span className="muted">NaN</span> {s.nan} <span className="muted">+Inf</span> {s.posInf} <span className="muted">−Inf</span> {s.negInf}
      </span>
    </div>
  );
}

function TopK({ output }: { output: TensorSummary }) {
  const top = output.topk!;
  const max = Math.max(...top.map((t) => t.prob), 1e-12);
  return (
    <div className="mv-topk" data-testid="topk">
      <div className="mv-label">Top {top.length} (softmax over the first row)</div>
      {top.map((t, i) => (
        <div key={t.index} className="mv-bar-row" data-rank={i + 1} data-index={t.index}>
          <span className="mv-bar-label mv-mono">#{t.index}</span>
          <span className="mv-bar-track">
            <span className="mv-bar" style={{ width: `${Math.max(0.5, (t.prob / max) * 100)}%` }} />
          </span>
          <span className="mv-bar-value">{formatPercent(t.prob)}</span>
          <span className="mv-bar-extra muted mv-mono" title="logit">
            {formatValue(t.value)}
          </span>
        </div>
      ))}
    </div>
  );
}

function Heatmaps({ maps }: { maps: readonly Heatmap[] }) {
  return (
    <div className="mv-heatmaps" data-testid="heatmaps">
      <div className="mv-label">Channels as heat maps (viridis, each scaled to its own min..max)</div>
      <div className="mv-heatmap-grid">
        {maps.map((m) => (
          <HeatmapTile key={m.channel} map={m} />
        ))}
      </div>
    </div>
  );
}

function HeatmapTile({ map }: { map: Heatmap }) {
  const canvas = useRef<HTMLCanvasElement>(null);
  useEffect(() => {
    const ctx = canvas.current?.getContext('2d');
    if (!ctx || map.width < 1 || map.height < 1) return;
    const grey = decodeBase64(map.pixels);
    if (grey.length < map.width * map.height) return;
    ctx.putImageData(new ImageData(heatmapRgba(grey.subarray(0, map.width * map.height)), map.width, map.height), 0, 0);
  }, [map]);
  return (
    <figure className="mv-heatmap" data-channel={map.channel}>
      <canvas ref={canvas} width={map.width} height={map.height} aria-label={`Channel ${map.channel}`} />
      <figcaption>
        <span>ch {map.channel}</span>
        <span className="muted mv-mono">
          {formatValue(map.min)}…{formatValue(map.max)}
        </span>
      </figcaption>
    </figure>
  );
}

function Values({ output }: { output: TensorSummary }) {
  const [open, setOpen] = useState(false);
  const head = output.head;
  if (head.length === 0) return null;
  const matrix = matrixLayout(output.shape, head.length);
  return (
    <details className="mv-values" open={open} onToggle={(e) => setOpen((e.target as HTMLDetailsElement).open)}>
      <summary>
        First values ({Math.min(head.length, matrix ? matrix.rows * matrix.cols : FLAT_SHOWN)} of {output.count.toLocaleString('en-US')})
      </summary>
      {open &&
        (matrix ? (
          <div className="mv-values-scroll">
            <table className="mv-table mv-matrix">
              <thead>
                <tr>
                  <th />
                  {Array.from({ length: matrix.cols }, (_, c) => (
                    <th key={c}>{c}</th>
                  ))}
                </tr>
              </thead>
              <tbody>
                {Array.from({ length: matrix.rows }, (_, r) => (
                  <tr key={r}>
                    <th scope="row">{r}</th>
                    {Array.from({ length: matrix.cols }, (_, c) => (
                      <td key={c} className="mv-mono">
                        {formatValue(head[r * matrix.cols + c]!)}
                      </td>
                    ))}
                  </tr>
                ))}
              </tbody>
            </table>
            {matrix.rows < matrix.totalRows && <p className="muted">{matrix.totalRows - matrix.rows} more rows not shown.</p>}
          </div>
        ) : (
          <div className="mv-values-flat mv-mono">
            {head.slice(0, FLAT_SHOWN).map((v, i) => (
              <span key={i} title={`[${i}]`}>
                {formatValue(v)}
              </span>
            ))}
            {output.count > FLAT_SHOWN && <span className="muted">…</span>}
          </div>
        ))}
    </details>
  );
}

function SaveButtons({ runId, output }: { runId: string; output: string }) {
  const save = async (format: 'npy' | 'json') => {
    const model = baseName(getApp().active ?? 'model').replace(/\.onnx$/i, '');
    const safe = (s: string) => s.replace(/[^A-Za-z0-9_.-]+/g, '_');
    const path = await promptText({
      title: `Save ${output} as ${format === 'npy' ? '.npy' : 'JSON'}`,
      message: 'A path in the project:',
      value: `outputs/${safe(model)}-${safe(output)}.${format}`,
      okLabel: 'Save',
      validate: (v) => (v.trim() === '' ? 'Give a path' : v.startsWith('/') || v.split('/').includes('..') ? 'A path inside the project' : null),
    });
    if (path === null) return;
    const r = await call('models.saveOutput', { runId, output, format, path: path.trim() });
    if (r.ok) postMessage('info', `Saved ${output} to ${path.trim()}`);
    else postMessage('error', `Could not save ${output}: ${r.message}`);
  };
  return (
    <span className="mv-buttons">
      <button className="btn mv-small" onClick={() => void save('npy')}>
        Save as .npy
      </button>
      <button className="btn mv-small" onClick={() => void save('json')}>
        Save as JSON
      </button>
    </span>
  );
}
