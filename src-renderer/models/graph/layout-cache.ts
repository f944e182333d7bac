/**
 * Layouts are cached so reopening a model (or going back out of a subgraph) does not lay it out again:
 * an in-memory LRU keyed by model key + subgraph path, backed by IndexedDB across reloads when the page
 * has it (tests and odd browsers without it just keep the memory cache).
 */
import type { GraphLayout, SubgraphStep } from './layout';

/** Bump when the layout's shape or algorithm changes: older stored layouts are then ignored. */
export const LAYOUT_VERSION = 1;

export function layoutKey(modelKey: string, path: readonly SubgraphStep[]): string {
  return `v${LAYOUT_VERSION}|${modelKey}|${path.map((s) => `${s.nodeId}.${s.attribute}`).join('/')}`;
}

export class LayoutCache {
  private readonly entries = new Map<string, GraphLayout>();

  constructor(private readonly capacity = 12) {}

  get(key: string): GraphLayout | undefined {
    const hit = this.entries.get(key);
    if (hit) {
      // Most recently used last: Map keeps insertion order.
      this.entries.delete(key);
      this.entries.set(key, hit);
    }
    return hit;
  }

  set(key: string, layout: GraphLayout): void {
    this.entries.delete(key);
    this.entries.set(key, layout);
    while (this.entries.size > this.capacity) this.entries.delete(this.entries.keys().next().value!);
  }

  get size(): number {
    return this.entries.size;
  }
}

/** The renderer's one cache. */
export const layoutCache = new LayoutCache();

const DB = 'lathe-graph-layouts';
const STORE = 'layouts';
/** Stored layouts beyond this many are dropped (any but the one just stored: a cap, not an LRU). */
const STORED_MAX = 40;

let db: Promise<IDBDatabase | null> | null = null;

function open(): Promise<IDBDatabase | null> {
  db ??= new Promise((resolve) => {
    if (typeof indexedDB === 'undefined') return resolve(null);
    const req = indexedDB.open(DB, 1);
    req.onupgradeneeded = () => req.result.createObjectStore(STORE);
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => resolve(null);
    req.onblocked = () => resolve(null);
  });
  return db;
}

/** A stored layout, or undefined (none, or no IndexedDB). Never throws: the cache is an optimisation. */
export async function loadStored(key: string): Promise<GraphLayout | undefined> {
  const database = await open();
  if (!database) return undefined;
  return new Promise((resolve) => {
    try {
      const req = database.transaction(STORE, 'readonly').objectStore(STORE).get(key);
      req.onsuccess = () => resolve((req.result as { layout: GraphLayout } | undefined)?.layout);
      req.onerror = () => resolve(undefined);
    } catch {
      resolve(undefined);
    }
  });
}

export async function store(key: string, layout: GraphLayout): Promise<void> {
  const database = await open();
  if (!database) return;
  try {
    const tx = database.transaction(STORE, 'readwrite');
    const os = tx.objectStore(STORE);
    os.put({ layout, at: Date.now() }, key);
    const keys = os.getAllKeys();
    keys.onsuccess = () => {
      const all = keys.result;
      for (const k of all.slice(0, Math.max(0, all.length - STORED_MAX))) if (k !== key) os.delete(k);
    };
  } catch {
    // Quota or a closed database: the memory cache still works.
  }
}
