/**
 * For `it.skipIf` / `describe.skipIf`: true when a reason is given, and then the reason is printed, so a
 * skipped test always says why it could not run here. `missing(ok ? null : 'why')`.
 */
export function missing(reason: string | null | undefined | false): boolean {
  if (!reason) return false;
  console.warn(`[skip] ${reason}`);
  return true;
}
