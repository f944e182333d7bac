/**
 * Subsequence fuzzy matching for the file picker (VS Code's Quick Open style). Pure.
 *
 * Every query character must appear in the candidate, in order, case-insensitively. Among all the
 * ways the query can be laid over the candidate, the best-scoring one is chosen by dynamic programming:
 * consecutive runs, starts of words/segments and characters in the basename earn points, gaps cost
 * points. A basename that starts with (or equals) the query earns an extra bonus on top.
 */

export interface FuzzyMatch {
  readonly score: number;
  /** Indices into the candidate of the matched characters, ascending. */
  readonly positions: number[];
}

export interface FuzzyResult<T> extends FuzzyMatch {
  readonly item: T;
}

const SCORE_MATCH = 1;
const BONUS_SEGMENT_START = 8; // first char, or after '/'
const BONUS_WORD_START = 6; // after - _ . space, or a camelCase hump
const BONUS_BASENAME = 2; // per matched char in the last path segment
const BONUS_CONSECUTIVE = 5; // per char that directly follows the previous match
const BONUS_CONSECUTIVE_STEP = 1; // ...growing with the run, so long runs beat scattered hits
const BONUS_CONSECUTIVE_MAX = 9;
const PENALTY_GAP_START = 3;
// Linear, so the best predecessor can be kept as a running max; a power of two keeps sums exact (ties stay ties).
const PENALTY_GAP_PER_CHAR = 0.25;
const BONUS_BASENAME_PREFIX = 10;
const BONUS_BASENAME_EXACT = 10; // on top of the prefix bonus: `main` for main.ts or main

const NONE = -1;
/** Above this many query×candidate cells the DP tables would cost more than the match is worth. */
const MAX_CELLS = 1 << 20;

// Scratch tables reused across calls: fuzzyFilter runs this over up to 200k paths per keystroke.
let scores = new Float64Array(0);
let runs = new Int32Array(0);
let back = new Int32Array(0);

function ensureCapacity(size: number): void {
  if (scores.length >= size) return;
  const capacity = Math.max(size, Math.min(scores.length * 2, MAX_CELLS), 256);
  scores = new Float64Array(capacity);
  runs = new Int32Array(capacity);
  back = new Int32Array(capacity);
}

/** Lowercase per UTF-16 unit, keeping indices aligned (some lowercasings change a string's length). */
function fold(s: string): string {
  const lower = s.toLowerCase();
  if (lower.length === s.length) return lower;
  let out = '';
  for (const ch of s) {
    const l = ch.toLowerCase();
    out += l.length === ch.length ? l : ch;
  }
  return out;
}

function isWordSeparator(ch: string): boolean {
  return ch === '-' || ch === '_' || ch === '.' || ch === ' ';
}

/** Lower-case letter (ASCII fast path; other scripts compare their case mappings). */
function isLower(ch: string): boolean {
  const code = ch.charCodeAt(0);
  if (code < 128) return code >= 97 && code <= 122;
  return ch !== ch.toUpperCase() && ch === ch.toLowerCase();
}

function isUpper(ch: string): boolean {
  const code = ch.charCodeAt(0);
  if (code < 128) return code >= 65 && code <= 90;
  return ch !== ch.toLowerCase() && ch === ch.toUpperCase();
}

function positionBonus(candidate: string, j: number, basenameStart: number): number {
  let bonus = j >= basenameStart ? BONUS_BASENAME : 0;
  if (j === 0) return bonus + BONUS_SEGMENT_START;
  const prev = candidate.charAt(j - 1);
  if (prev === '/') bonus += BONUS_SEGMENT_START;
  else if (isWordSeparator(prev) || (isUpper(candidate.charAt(j)) && isLower(prev))) bonus += BONUS_WORD_START;
  return bonus;
}

function isSubsequence(query: string, target: string): boolean {
  let j = 0;
  for (let i = 0; i < query.length; i++) {
    j = target.indexOf(query.charAt(i), j);
    if (j === -1) return false;
    j++;
  }
  return true;
}

/**
 * Score `candidate` (a project-relative POSIX path) against `query`; null when it does not match.
 * Whitespace in the query is ignored. An empty query matches everything with score 0.
 */
export function fuzzyMatch(query: string, candidate: string): FuzzyMatch | null {
  const q = fold(query.replace(/\s+/g, ''));
  if (q.length === 0) return { score: 0, positions: [] };
  const c = fold(candidate);
  if (q.length > c.length || !isSubsequence(q, c)) return null;

  const basenameStart = candidate.lastIndexOf('/') + 1;
  // Pathological sizes (a pasted paragraph against a 4 KB path) take the leftmost match instead.
  const positions = q.length * c.length <= MAX_CELLS ? bestAlignment(q, c, candidate, basenameStart) : leftmostAlignment(q, c);
  let score = scoreAlignment(candidate, positions, basenameStart);
  const basename = c.slice(basenameStart);
  if (basename.startsWith(q)) {
    score += BONUS_BASENAME_PREFIX;
    const dot = basename.lastIndexOf('.');
    if (basename === q || (dot > 0 && basename.slice(0, dot) === q)) score += BONUS_BASENAME_EXACT;
  }
  return { score, positions };
}

function consecutiveBonus(run: number): number {
  return Math.min(BONUS_CONSECUTIVE + BONUS_CONSECUTIVE_STEP * (run - 1), BONUS_CONSECUTIVE_MAX);
}

function gapPenalty(gap: number): number {
  return PENALTY_GAP_START + PENALTY_GAP_PER_CHAR * gap;
}

/** The score of one way of laying the query over the candidate (`positions` ascending). */
function scoreAlignment(candidate: string, positions: readonly number[], basenameStart: number): number {
  let score = 0;
  let run = 0;
  let prev = NONE;
  for (const j of positions) {
    score += SCORE_MATCH + positionBonus(candidate, j, basenameStart);
    if (prev !== NONE && j === prev + 1) {
      score += consecutiveBonus(run);
      run++;
    } else {
      if (prev !== NONE) score -= gapPenalty(j - prev - 1);
      run = 1;
    }
    prev = j;
  }
  return score;
}

function leftmostAlignment(q: string, c: string): number[] {
  const positions: number[] = [];
  for (let i = 0, j = 0; i < q.length; i++, j++) {
    j = c.indexOf(q.charAt(i), j);
    positions.push(j);
  }
  return positions;
}

/**
 * The alignment that (nearly) maximises scoreAlignment, by dynamic programming in O(n·m).
 * The consecutive bonus grows with the run, which plain DP cannot track exactly: each cell keeps the
 * run of its own best path, which is what makes it "nearly".
 */
function bestAlignment(q: string, c: string, candidate: string, basenameStart: number): number[] {
  const n = q.length;
  const m = c.length;
  ensureCapacity(n * m);
  // scores[i*m + j]: best score of q[0..i] with q[i] matched at c[j] (NaN: impossible);
  // runs: length of the consecutive run ending there; back: where q[i-1] was matched.
  for (let i = 0; i < n; i++) {
    const row = i * m;
    const prevRow = row - m;
    const qc = q.charAt(i);
    // Running best of (scores[i-1][k] + PENALTY_GAP_PER_CHAR * k) over k <= j - 2: with a linear gap
    // penalty this is the best predecessor across a gap, without scanning every k.
    let bestGap = Number.NEGATIVE_INFINITY;
    let bestGapAt = NONE;
    for (let j = 0; j < m; j++) {
      if (i > 0 && j >= 2) {
        const k = j - 2;
        const s = scores[prevRow + k] ?? Number.NaN;
        if (!Number.isNaN(s) && s + PENALTY_GAP_PER_CHAR * k > bestGap) {
          bestGap = s + PENALTY_GAP_PER_CHAR * k;
          bestGapAt = k;
        }
      }
      // q[i] can only sit at j if the rest of the query still fits after it.
      if (c.charAt(j) !== qc || j < i || m - j < n - i) {
        scores[row + j] = Number.NaN;
        continue;
      }
      const here = SCORE_MATCH + positionBonus(candidate, j, basenameStart);
      let best = i === 0 ? 0 : Number.NaN;
      let run = 1;
      let from = NONE;
      const adjacent = i > 0 && j > 0 ? (scores[prevRow + j - 1] ?? Number.NaN) : Number.NaN;
      if (!Number.isNaN(adjacent)) {
        const prevRun = runs[prevRow + j - 1] ?? 1;
        best = adjacent + consecutiveBonus(prevRun);
        run = prevRun + 1;
        from = j - 1;
      }
      if (bestGapAt !== NONE) {
        const viaGap = bestGap - PENALTY_GAP_PER_CHAR * (j - 1) - PENALTY_GAP_START;
        if (Number.isNaN(best) || viaGap > best) {
          best = viaGap;
          run = 1;
          from = bestGapAt;
        }
      }
      scores[row + j] = Number.isNaN(best) ? Number.NaN : best + here;
      runs[row + j] = run;
      back[row + j] = from;
    }
  }

  const lastRow = (n - 1) * m;
  let end = NONE;
  let top = Number.NEGATIVE_INFINITY;
  for (let j = 0; j < m; j++) {
    const s = scores[lastRow + j] ?? Number.NaN;
    if (!Number.isNaN(s) && s > top) {
      top = s;
      end = j;
    }
  }
  const positions = new Array<number>(n);
  for (let i = n - 1, j = end; i >= 0; i--) {
    positions[i] = j;
    j = back[i * m + j] ?? NONE;
  }
  return positions;
}

/**
 * Match every item's key against `query` and return at most `limit` matches, best first.
 * Ties go to the shorter key, then to the earlier item (stable).
 */
export function fuzzyFilter<T>(query: string, items: readonly T[], key: (item: T) => string, limit: number): FuzzyResult<T>[] {
  const found: { item: T; score: number; positions: number[]; length: number; index: number }[] = [];
  items.forEach((item, index) => {
    const k = key(item);
    const match = fuzzyMatch(query, k);
    if (match) found.push({ item, score: match.score, positions: match.positions, length: k.length, index });
  });
  found.sort((a, b) => b.score - a.score || a.length - b.length || a.index - b.index);
  return found.slice(0, Math.max(0, limit)).map(({ item, score, positions }) => ({ item, score, positions }));
}
