/**
 * Gradient alerts, as pure logic over a watch's data: vanishing (norm below a threshold for k logged
 * steps in a row), exploding (norm above a threshold, or ×jumpFactor in one logged step), and non-finite
 * (NaN/Inf, naming layer and step). Each fires once per episode (per layer, until the norm is back to
 * normal), so a long bad stretch is one alert, not thousands. Incremental: a scan picks up where the last
 * one stopped, so live batches cost only their own steps.
 */
import type { GradNan } from '../../src-main/common/protocols/grads';
import { CELL_INF, CELL_NAN, CELL_OK, type WatchData } from './grad-data';
import { formatNorm } from './heatmap';

export interface AlertThresholds {
  readonly vanishingNorm: number;
  readonly vanishingSteps: number;
  readonly explodingNorm: number;
  readonly jumpFactor: number;
}

export const DEFAULT_THRESHOLDS: AlertThresholds = { vanishingNorm: 1e-7, vanishingSteps: 5, explodingNorm: 1e3, jumpFactor: 10 };

export type AlertKind = 'vanishing' | 'exploding' | 'jump' | 'nan' | 'inf' | 'first-nan';

export interface GradAlert {
  readonly kind: AlertKind;
  readonly watch: string;
  /** The step it fired at (vanishing: the first of the k steps). */
  readonly step: number;
  readonly layer: string | null;
  /** Index into the watch's layers; -1 for none. */
  readonly layerIndex: number;
  readonly message: string;
  /** `grads-nan`: where the module's class is (opens in the editor). */
  readonly file?: string | null;
  readonly line?: number | null;
}

export interface AlertScan {
  readonly thresholds: AlertThresholds;
  /** Columns scanned so far. */
  column: number;
  /** Per layer: steps in a row under the vanishing threshold. */
  readonly lowRun: Int32Array;
  /** Per layer: an alert's episode is open (bits: 1 vanishing, 2 exploding, 4 non-finite). */
  readonly open: Uint8Array;
  /** Per layer: the last finite norm (for jumps); NaN for none. */
  readonly last: Float64Array;
  readonly alerts: GradAlert[];
}

/** Alerts kept per watch (the oldest go first past this). */
export const ALERTS_KEPT = 2000;

export function newScan(layers: number, thresholds: AlertThresholds): AlertScan {
  return { thresholds, column: 0, lowRun: new Int32Array(layers), open: new Uint8Array(layers), last: new Float64Array(layers).fill(NaN), alerts: [] };
}

const VANISH = 1;
const EXPLODE = 2;
const BAD = 4;

/** Scan the columns a watch gained since the last scan; returns the alerts that fired in them. */
export function scanAlerts(scan: AlertScan, w: WatchData): GradAlert[] {
  const t = scan.thresholds;
  const n = w.layerCount;
  const fired: GradAlert[] = [];
  const name = (l: number) => w.info.layers[l] ?? `#${l}`;
  for (let c = scan.column; c < w.length; c++) {
    const step = w.steps[c]!;
    for (let l = 0; l < n; l++) {
      const i = c * n + l;
      const f = w.flags[i]!;
      if (f === CELL_NAN || f === CELL_INF) {
        if (!(scan.open[l]! & BAD)) {
          scan.open[l]! |= BAD;
          const what = f === CELL_NAN ? 'NaN' : 'Inf';
          fired.push({ kind: f === CELL_NAN ? 'nan' : 'inf', watch: w.info.watch, step, layer: name(l), layerIndex: l, message: `${what} gradient in ${name(l)} at step ${step}` });
        }
        scan.lowRun[l] = 0;
        continue;
      }
      if (f !== CELL_OK) continue;
      scan.open[l]! &= ~BAD;
      const g = w.grad[i]!;
      // Vanishing: k logged steps in a row under the threshold.
      if (g < t.vanishingNorm) {
        scan.lowRun[l]!++;
        if (scan.lowRun[l]! >= t.vanishingSteps && !(scan.open[l]! & VANISH)) {
          scan.open[l]! |= VANISH;
          const first = w.steps[Math.max(0, c - t.vanishingSteps + 1)]!;
          fired.push({
            kind: 'vanishing',
            watch: w.info.watch,
            step: first,
            layer: name(l),
            layerIndex: l,
            message: `Vanishing gradient in ${name(l)}: norm below ${formatNorm(t.vanishingNorm)} for ${t.vanishingSteps} logged steps from step ${first}`,
          });
        }
      } else {
        scan.lowRun[l] = 0;
        scan.open[l]! &= ~VANISH;
      }
      // Exploding: over the threshold, or a jump of ×jumpFactor since the last logged step (not a
      // recovery from a vanishing norm).
      const prev = scan.last[l]!;
      const over = g > t.explodingNorm;
      const jump = Number.isFinite(prev) && prev >= t.vanishingNorm && g > prev * t.jumpFactor;
      if (over || jump) {
        if (!(scan.open[l]! & EXPLODE)) {
          scan.open[l]! |= EXPLODE;
          fired.push(
            over
              ? { kind: 'exploding', watch: w.info.watch, step, layer: name(l), layerIndex: l, message: `Exploding gradient in ${name(l)} at step ${step}: norm ${formatNorm(g)} > ${formatNorm(t.explodingNorm)}` }
              : { kind: 'jump', watch: w.info.watch, step, layer: name(l), layerIndex: l, message: `Gradient jump in ${name(l)} at step ${step}: ${formatNorm(prev)} → ${formatNorm(g)} (×${formatNorm(g / prev)})` },
          );
        }
      } else scan.open[l]! &= ~EXPLODE;
      scan.last[l] = g;
    }
  }
  scan.column = w.length;
  if (fired.length > 0) {
    scan.alerts.push(...fired);
    if (scan.alerts.length > ALERTS_KEPT) scan.alerts.splice(0, scan.alerts.length - ALERTS_KEPT);
  }
  return fired;
}

/** The driver's first-NaN records as alerts (the module, and where its class is). */
export function nanAlerts(nans: readonly GradNan[], w: WatchData | null): GradAlert[] {
  return nans
    .filter((n) => w === null || n.watch === w.info.watch)
    .map((n) => ({
      kind: 'first-nan' as const,
      watch: n.watch,
      step: n.step,
      layer: n.layer ?? n.module,
      layerIndex: w && n.layer !== null ? w.info.layers.indexOf(n.layer) : -1,
      message:
        n.kind === 'forward'
          ? `First non-finite output: ${n.module} (forward) at step ${n.step}`
          : `First non-finite gradient: ${n.layer ?? n.module} (backward) at step ${n.step}`,
      file: n.file,
      line: n.line,
    }));
}

/** Read thresholds from settings values, falling back to the defaults for any missing or invalid. */
export function thresholdsOf(settings: Partial<Record<string, unknown>>): AlertThresholds {
  const pick = (key: string, d: number, ok: (v: number) => boolean) => {
    const v = settings[key];
    return typeof v === 'number' && Number.isFinite(v) && ok(v) ? v : d;
  };
  return {
    vanishingNorm: pick('gradients.vanishingNorm', DEFAULT_THRESHOLDS.vanishingNorm, (v) => v > 0),
    vanishingSteps: pick('gradients.vanishingSteps', DEFAULT_THRESHOLDS.vanishingSteps, (v) => v >= 1),
    explodingNorm: pick('gradients.explodingNorm', DEFAULT_THRESHOLDS.explodingNorm, (v) => v > 0),
    jumpFactor: pick('gradients.jumpFactor', DEFAULT_THRESHOLDS.jumpFactor, (v) => v > 1),
  };
}
