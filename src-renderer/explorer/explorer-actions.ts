/** Create, rename and delete from the explorer: names are asked for, deletes are confirmed. */
import { call } from '../bridge/client';
import { closeDocument, holdReloads, openDocument, renameDocuments } from '../editor/documents';
import { getApp, postMessage, setApp } from '../state/store';
import { ask, promptText } from '../ui/dialogs';
import { listDir, setExpanded } from '../workbench/project';
import { joinPath, parentOf, validateName } from './tree-model';

/** The folder new entries go into: the selected folder, or the selected file's folder, or the root. */
function targetDir(): string {
  const { selected, listings } = getApp();
  if (selected === null) return '';
  if (listings.has(selected)) return selected;
  const parent = parentOf(selected);
  const entry = listings.get(parent)?.entries.find((e) => e.path === selected);
  return entry?.kind === 'directory' ? selected : parent;
}

export async function newEntry(kind: 'file' | 'directory'): Promise<void> {
  const dir = targetDir();
  const siblings = getApp().listings.get(dir)?.entries ?? [];
  const name = await promptText({
    title: kind === 'file' ? 'New file' : 'New folder',
    message: `In ${dir === '' ? 'the project root' : dir}:`,
    placeholder: kind === 'file' ? 'name.py' : 'folder',
    okLabel: 'Create',
    validate: (v) => validateName(v, siblings),
  });
  if (name === null) return;
  // "pkg/mod.py" creates the folders on the way, as VS Code does.
  const parts = name.split('/');
  let path = dir;
  for (const [i, part] of parts.entries()) {
    path = joinPath(path, part);
    const last = i === parts.length - 1;
    const r = await call('workspace.create', { path, kind: last ? kind : 'directory' });
    if (!r.ok && !(r.code === 'ALREADY_EXISTS' && !last)) {
      postMessage('error', r.message);
      return;
    }
  }
  if (dir !== '') setExpanded(dir, true);
  await listDir(dir);
  for (let i = 1, p = dir; i < parts.length; i++) {
    p = joinPath(p, parts[i - 1]!);
    setExpanded(p, true);
  }
  setApp({ selected: path });
  if (kind === 'file') await openDocument(path);
}

export async function renameSelected(): Promise<void> {
  const { selected } = getApp();
  if (!selected) return;
  const dir = parentOf(selected);
  const current = selected.slice(dir === '' ? 0 : dir.length + 1);
  const siblings = getApp().listings.get(dir)?.entries ?? [];
  const name = await promptText({
    title: 'Rename',
    message: `New name for ${current}:`,
    value: current,
    okLabel: 'Rename',
    validate: (v) => (v.includes('/') ? 'Use a name, not a path' : validateName(v, siblings, current)),
  });
  if (name === null || name === current) return;
  const to = joinPath(dir, name);
  const release = holdReloads(selected);
  try {
    const r = await call('workspace.rename', { from: selected, to });
    if (!r.ok) {
      postMessage('error', r.message);
      return;
    }
    // Keep the folder's expansion and its open tabs under the new name.
    const expanded = [...getApp().expanded].map((p) => (p === selected || p.startsWith(selected + '/') ? to + p.slice(selected.length) : p));
    setApp({ expanded: new Set(expanded), selected: to });
    await renameDocuments(selected, to);
  } finally {
    release();
  }
  await listDir(dir);
  if (getApp().listings.has(selected)) await listDir(to);
}

export async function deleteSelected(): Promise<void> {
  const { selected, listings } = getApp();
  if (!selected) return;
  const entry = listings.get(parentOf(selected))?.entries.find((e) => e.path === selected);
  const isDir = entry?.kind === 'directory';
  const choice = await ask(
    `Delete ${isDir ? 'folder' : 'file'} "${selected}"?`,
    isDir ? 'The folder and everything in it will be deleted from disk. This cannot be undone.' : 'The file will be deleted from disk. This cannot be undone.',
    [{ id: 'delete', label: 'Delete', danger: true, primary: true }],
  );
  if (choice !== 'delete') return;
  const r = await call('workspace.delete', { path: selected });
  if (!r.ok) {
    postMessage('error', r.message);
    return;
  }
  for (const tab of getApp().tabs) {
    if (tab.path === selected || tab.path.startsWith(selected + '/')) await closeDocument(tab.path, { ask: false });
  }
  setApp({ selected: parentOf(selected) || null });
  await listDir(parentOf(selected));
  postMessage('info', `Deleted ${selected}`);
}

export function collapseAll(): void {
  setApp({ expanded: new Set() });
}

export async function refreshExplorer(): Promise<void> {
  const { listings } = getApp();
  await Promise.all([...listings.keys()].map((dir) => listDir(dir, { quiet: true })));
}
