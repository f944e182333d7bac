/**
 * Benchmark history: the records in .lathe/benchmarks/ for this model (others under a toggle); tick two
 * or more to compare them side by side, with ratios against the first ticked.
 */
import { useEffect, useMemo, useState } from 'react';
import type { BenchmarkFile } from '../../src-main/common/onnx/benchmark-record';
import { openDocument } from '../editor/documents';
import { formatMs, formatRate } from './format';
import { loadHistory, useModels } from './model-store';
import { Section } from './parts';
import { compareRecords, historyRow, ratioVerdict, splitByModel, type ComparisonRow } from './stats';

export function HistoryView({ path }: { path: string }) {
  const history = useModels((s) => s.history);
  const [showOthers, setShowOthers] = useState(false);
  // Ticked records, in the order they were ticked (the first is the baseline).
  const [ticked, setTicked] = useState<readonly string[]>([]);
  useEffect(() => {
    void loadHistory();
  }, []);
  const { mine, others } = useMemo(() => splitByModel(history.files, path), [history.files, path]);
  const shown = showOthers ? [...mine, ...others] : mine;
  const byFile = new Map(history.files.map((f) => [f.file, f]));
  const compared = ticked.map((f) => byFile.get(f)).filter((f): f is BenchmarkFile => f !== undefined);
  const toggle = (file: string) => setTicked((t) => (t.includes(file) ? t.filter((x) => x !== file) : [...t, file]));
  return (
    <Section
      title="History"
      testid="model-history"
      actions={
        <span className="mv-buttons">
          <label className="mv-inline">
            <input type="checkbox" checked={showOthers} onChange={(e) => setShowOthers(e.target.checked)} />
            <span className="muted">Other models ({others.length})</span>
          </label>
          <button className="icon-button" title="Reload the records" aria-label="Reload benchmark history" onClick={() => void loadHistory()}>
            ↻
          </button>
        </span>
      }
    >
      {history.status === 'error' && <p className="mv-problem">Could not read the records: {history.message}</p>}
      {history.status === 'loading' && history.files.length === 0 && <p className="muted">Reading .lathe/benchmarks/…</p>}
      {history.status === 'ready' && shown.length === 0 && <p className="muted">No benchmarks of this model yet. Start one above: each is saved under .lathe/benchmarks/.</p>}
      {shown.length > 0 && (
        <div className="mv-values-scroll">
          <table className="mv-table mv-history">
            <thead>
              <tr>
                <th aria-label="Compare" />
                <th>Date</th>
                {showOthers && <th>Model</th>}
                <th>EPs</th>
                <th>Mode</th>
                <th>Optimisation</th>
                <th title="intra/inter-op">Threads</th>
                <th>p50</th>
                <th>p90</th>
                <th>p99</th>
                <th>Throughput</th>
                <th>Create</th>
                <th>Machine</th>
              </tr>
            </thead>
            <tbody>
              {shown.map((f) => {
                const row = historyRow(f);
                const index = ticked.indexOf(f.file);
                return (
                  <tr key={f.file} data-file={f.file} className={index >= 0 ? 'ticked' : ''}>
                    <td>
                      <input type="checkbox" aria-label={`Compare ${f.file}`} checked={index >= 0} onChange={() => toggle(f.file)} />
                      {index >= 0 && <span className="mv-tick-index">{index + 1}</span>}
                    </td>
                    <td>
                      <button className="link-button" title={`Open ${f.file}`} onClick={() => void openDocument(f.file)}>
                        {new Date(row.date).toLocaleString()}
                      </button>
                      {row.cancelled && <span className="mv-badge no-device">cancelled</span>}
                    </td>
                    {showOthers && <td className="mv-mono">{row.modelPath}</td>}
                    <td>{row.eps}</td>
                    <td>{row.mode}</td>
                    <td>{row.optimization}</td>
                    <td>{row.threads}</td>
                    <td className="mv-mono">{formatMs(row.p50)}</td>
                    <td className="mv-mono">{formatMs(row.p90)}</td>
                    <td className="mv-mono">{formatMs(row.p99)}</td>
                    <td className="mv-mono">{formatRate(row.throughput)}</td>
                    <td className="mv-mono">{formatMs(row.createMs)}</td>
                    <td className="muted">{row.machine}</td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
      {compared.length === 1 && <p className="muted">Tick another record to compare it with this one.</p>}
      {compared.length >= 2 && <Comparison rows={compareRecords(compared)} count={compared.length} />}
    </Section>
  );
}

function Comparison({ rows, count }: { rows: ComparisonRow[]; count: number }) {
  const show = (row: ComparisonRow, v: number | string) => (typeof v === 'string' ? v : row.unit === 'ms' ? formatMs(v) : formatRate(v));
  return (
    <div className="mv-values-scroll" data-testid="model-compare">
      <table className="mv-table mv-compare">
        <thead>
          <tr>
            <th />
            {Array.from({ length: count }, (_, i) => (
              <th key={i}>{i === 0 ? '1 (baseline)' : i + 1}</th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => (
            <tr key={row.key} data-row={row.key}>
              <th scope="row">{row.label}</th>
              {row.values.map((v, i) => {
                const ratio = row.ratios[i] ?? null;
                const verdict = ratioVerdict(ratio, row.better);
                return (
                  <td key={i} className={row.unit === 'text' ? '' : 'mv-mono'}>
                    {show(row, v)}
                    {ratio !== null && (
                      <span className={`mv-ratio ${verdict ?? ''}`} title="against the baseline">
                        {' '}
                        ×{ratio.toFixed(2)}
                      </span>
                    )}
                  </td>
                );
              })}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
