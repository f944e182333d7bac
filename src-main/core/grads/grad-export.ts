/**
 * A session's gradient samples as files: CSV (one row per step and layer, for pandas or a spreadsheet)
 * or JSON (the whole history, as the panel holds it).
 */
import type { GradHistory } from '../../common/protocols/grads';

const num = (v: number | null | undefined): string => (v === null || v === undefined ? '' : String(v));

export function gradsCsv(h: GradHistory, watch: string | null): string {
  const lines = ['watch,step,layer,grad_norm,weight_norm,update_ratio,nan,inf'];
  const layersOf = new Map(h.watches.map((w) => [w.watch, w.layers]));
  for (const s of h.steps) {
    if (watch !== null && s.watch !== watch) continue;
    const layers = layersOf.get(s.watch) ?? [];
    layers.forEach((layer, i) => {
      const name = /[",\n]/.test(layer) ? `"${layer.replace(/"/g, '""')}"` : layer;
      lines.push(`${s.watch},${s.step},${name},${num(s.gradNorm[i])},${num(s.weightNorm[i])},${num(s.updateRatio[i])},${s.nan[i] ?? 0},${s.inf[i] ?? 0}`);
    });
  }
  for (const sc of h.scalars) lines.push(`,${sc.step},scalar:${sc.name},${num(sc.value)},,,,`);
  return `${lines.join('\n')}\n`;
}

export function gradsJson(h: GradHistory, watch: string | null): string {
  const pick = <T extends { watch: string }>(xs: readonly T[]) => (watch === null ? xs : xs.filter((x) => x.watch === watch));
  return `${JSON.stringify({ ...h, watches: pick(h.watches), steps: pick(h.steps), nans: pick(h.nans) }, null, 1)}\n`;
}
