/** Words for a profile: its source, EPs and optimisation, for history rows and the diff's A/B. Pure. */
import type { ProfileEntry, ProfileFile, ProfileMeta, TraceSource } from '../../../src-main/common/onnx/profile-types';

export const SOURCE_LABELS: Readonly<Record<TraceSource, string>> = { ort: 'onnxruntime', torch: 'torch.profiler', chrome: 'Chrome trace' };

export function baseName(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

/** "cpu · disabled", or the file's name for an import without Lathe's metadata. */
export function metaLabel(meta: ProfileMeta | null, file: string): string {
  if (!meta) return baseName(file);
  const parts = [meta.eps.join('→') || '?'];
  if (meta.graphOptimization) parts.push(`opt ${meta.graphOptimization}`);
  if (meta.source === 'import') parts.push('imported');
  return parts.join(' · ');
}

export function profileLabel(p: ProfileFile | ProfileEntry): string {
  return metaLabel(p.meta, p.file);
}

/** This model's profiles first (newest first within each group, as listed). */
export function splitProfiles<T extends { meta: ProfileMeta | null }>(entries: readonly T[], modelPath: string): { mine: T[]; others: T[] } {
  const mine: T[] = [];
  const others: T[] = [];
  for (const e of entries) (e.meta?.model?.path === modelPath ? mine : others).push(e);
  return { mine, others };
}

/** A date as "2026-11-29 05:27" (local time), '' when unreadable. */
export function shortDate(iso: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return '';
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}`;
}
