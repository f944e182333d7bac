/**
 * The Models side bar's "Profiles" section: the saved profiles (.lathe/profiles/), and "Import trace…" for
 * any Chrome trace JSON in the project. Opening one shows it in its model's tab (the model it was captured
 * from), or else in the model tab in front. Loaded with the side bar, so the profile views themselves
 * (and their store) load only when one is opened.
 */
import { useCallback, useEffect, useState } from 'react';
import type { ProfileEntry } from '../../../src-main/common/onnx/profile-types';
import { call } from '../../bridge/client';
import { openDocument } from '../../editor/documents';
import { useApp } from '../../state/store';
import { Icon } from '../../ui/icons';
import { isModelPath } from '../model-tabs';
import { pickProjectFile } from '../pick-file';
import { baseName, metaLabel } from './labels';
import './profiles-side.css';

type Listing = { state: 'loading' } | { state: 'ready'; entries: readonly ProfileEntry[] } | { state: 'error'; message: string };

/** Where a trace opens: the model it was captured from, else the model tab in front (null: none). */
export function targetModel(entryModel: string | null, active: string | null): string | null {
  if (entryModel) return entryModel;
  return active && isModelPath(active) ? active : null;
}

async function openIn(modelPath: string, file: string): Promise<void> {
  if (!(await openDocument(modelPath))) return;
  const { showProfileIn } = await import('./profile-store');
  showProfileIn(modelPath, file);
}

export function ProfilesSide() {
  const [listing, setListing] = useState<Listing>({ state: 'loading' });
  const [note, setNote] = useState<string | null>(null);
  const active = useApp((s) => s.active);
  const root = useApp((s) => s.project?.root);
  const refresh = useCallback(() => {
    void call('profiles.list', {}).then((r) => setListing(r.ok ? { state: 'ready', entries: r.value } : { state: 'error', message: r.message }));
  }, []);
  // Tabs opening and closing is when a new profile may have been saved: look again then (it is a small listing).
  const tabs = useApp((s) => s.tabs.length);
  useEffect(() => {
    const timer = setTimeout(refresh, 300);
    return () => clearTimeout(timer);
  }, [refresh, root, tabs]);

  const open = (file: string, model: string | null) => {
    const target = targetModel(model, active);
    if (!target) {
      setNote(`Open a model (.onnx) first: ${baseName(file)} is shown in the model tab's Profile view.`);
      return;
    }
    setNote(null);
    void openIn(target, file);
  };
  const importTrace = async () => {
    const file = await pickProjectFile('Import a trace (Chrome trace JSON)', ['.json']);
    open(file, null);
  };

  return (
    <section className="models-side-profiles" data-testid="models-side-profiles" aria-label="Profiles">
      <header className="models-side-profiles-header">
        <span className="models-side-profiles-title">Profiles</span>
        <span className="spacer" />
        <button className="icon-button" title="Import a trace (Chrome trace JSON) into the model tab" aria-label="Import trace…" onClick={() => void importTrace()} data-testid="models-side-import">
          <Icon name="new-file" size={16} />
        </button>
        <button className="icon-button" title="Refresh" aria-label="Refresh Profiles" onClick={refresh}>
          <Icon name="refresh" size={16} />
        </button>
      </header>
      {note && (
        <p className="models-side-note" role="status">
          {note}
        </p>
      )}
      {listing.state === 'loading' && <p className="models-side-note">Reading .lathe/profiles/…</p>}
      {listing.state === 'error' && (
        <p className="models-side-note error" role="alert">
          Could not list the profiles: {listing.message}
        </p>
      )}
      {listing.state === 'ready' && listing.entries.length === 0 && <p className="models-side-note">No profiles yet. Profile a model from its Profile view, or import a trace.</p>}
      {listing.state === 'ready' && listing.entries.length > 0 && (
        <ul className="models-side-list" aria-label="Saved profiles">
          {listing.entries.map((e) => {
            const model = e.meta?.model?.path ?? null;
            return (
              <li key={e.file}>
                <button className="models-side-item" data-file={e.file} title={`${e.file}${model ? `\nmodel: ${model}` : ''}`} onClick={() => open(e.file, model)}>
                  <span className="models-side-name">{model ? baseName(model) : baseName(e.file)}</span>
                  <span className="models-side-dir">{metaLabel(e.meta, e.file)}</span>
                </button>
              </li>
            );
          })}
        </ul>
      )}
    </section>
  );
}
