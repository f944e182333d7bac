/** Pick a project file of some extensions (a .npy, an image) with the quick pick over the core's file search. */
import { useEffect, useState } from 'react';
import { call } from '../bridge/client';
import { showItemsPick, type PickItem } from '../quickpick/QuickPick';

/** Resolves with the project-relative path picked (a dismissed pick never resolves; nothing waits on it). */
export function pickProjectFile(title: string, extensions: readonly string[]): Promise<string> {
  return new Promise((resolve) => {
    showItemsPick({
      label: title,
      placeholder: `Type to filter the project's ${extensions.join(' / ')} files`,
      useItems: () => useProjectFiles(extensions, resolve),
    });
  });
}

function useProjectFiles(extensions: readonly string[], pick: (path: string) => void): { items: readonly PickItem[]; loading: boolean } {
  const [state, setState] = useState<{ items: readonly PickItem[]; loading: boolean }>({ items: [], loading: true });
  useEffect(() => {
    let live = true;
    void Promise.all(extensions.map((ext) => call('workspace.findFiles', { query: ext, limit: 1000 }))).then((results) => {
      if (!live) return;
      const paths = new Set<string>();
      for (const r of results) if (r.ok) for (const m of r.value.matches) if (extensions.some((e) => m.path.toLowerCase().endsWith(e))) paths.add(m.path);
      const items = [...paths].sort().map((path): PickItem => {
        const slash = path.lastIndexOf('/');
        return { id: path, label: path.slice(slash + 1), detail: slash > 0 ? path.slice(0, slash) : '', run: () => pick(path) };
      });
      setState({ items, loading: false });
    });
    return () => {
      live = false;
    };
  }, [extensions, pick]);
  return state;
}
