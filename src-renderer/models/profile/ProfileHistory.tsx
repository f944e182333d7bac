/** The saved profiles (this model's first): open one, or tick two and diff them. */
import { useEffect, useState } from 'react';
import type { ProfileEntry } from '../../../src-main/common/onnx/profile-types';
import { formatBytes } from '../format';
import { Section } from '../parts';
import { profileLabel, shortDate, splitProfiles } from './labels';
import { diffTicked, loadProfiles, openProfile, toggleTick, useModelProfiles, useProfiles } from './profile-store';

export function ProfileHistory({ path }: { path: string }) {
  const list = useProfiles((s) => s.list);
  const m = useModelProfiles(path);
  const [showOthers, setShowOthers] = useState(false);
  // Read the list each time the view shows (another model's tab, the CLI or an import may have added one).
  useEffect(() => {
    void loadProfiles();
  }, [path]);
  const { mine, others } = splitProfiles(list.entries, path);
  const current = m.current.status === 'ready' ? m.current.profile.file : m.current.status === 'loading' ? m.current.file : null;
  const rows = (entries: readonly ProfileEntry[]) =>
    entries.map((e) => {
      const ticked = m.ticked.includes(e.file);
      return (
        <tr key={e.file} data-file={e.file} className={`${ticked ? 'ticked' : ''} ${e.file === current ? 'current' : ''}`}>
          <td>
            <input type="checkbox" checked={ticked} aria-label={`Tick ${e.file} to diff`} onChange={() => toggleTick(path, e.file)} data-testid="profile-tick" />
          </td>
          <td className="mv-mono">{e.meta ? shortDate(e.meta.createdAt) : ''}</td>
          <td>{profileLabel(e)}</td>
          <td className="num">{e.meta ? `${e.meta.runs}` : '—'}</td>
          <td className="num">{formatBytes(e.bytes)}</td>
          <td className="pf-file mv-mono" title={e.file}>
            {e.file}
          </td>
          <td>
            <button className="btn mv-small" onClick={() => void openProfile(path, e.file)} data-testid="profile-open" aria-label={`Open ${e.file}`}>
              Open
            </button>
          </td>
        </tr>
      );
    });
  const table = (entries: readonly ProfileEntry[], testid: string) => (
    <table className="mv-table pf-history-table" data-testid={testid}>
      <thead>
        <tr>
          <th aria-label="Ticked" />
          <th>Date</th>
          <th>EPs · optimisation</th>
          <th className="num">Runs</th>
          <th className="num">Size</th>
          <th>File</th>
          <th />
        </tr>
      </thead>
      <tbody>{rows(entries)}</tbody>
    </table>
  );
  return (
    <Section
      title="Profiles"
      testid="profile-history"
      actions={
        <span className="mv-buttons">
          <button className="btn" disabled={m.ticked.length !== 2 || m.compare.status === 'loading'} onClick={() => void diffTicked(path)} data-testid="profile-diff-start" title="Tick two profiles to compare them">
            Diff ticked ({m.ticked.length}/2)
          </button>
          <button className="icon-button" aria-label="Refresh the profiles" title="Refresh" onClick={() => void loadProfiles()}>
            ↻
          </button>
        </span>
      }
    >
      {list.status === 'loading' && list.entries.length === 0 && <p className="muted">Reading .lathe/profiles/…</p>}
      {list.status === 'error' && (
        <p className="mv-error-message" role="alert">
          Could not list the profiles: {list.message}
        </p>
      )}
      {list.status === 'ready' && list.entries.length === 0 && <p className="muted">No profiles yet: press Profile above, or import a trace. They are saved in .lathe/profiles/.</p>}
      {mine.length > 0 && table(mine, 'profile-history-mine')}
      {list.entries.length > 0 && mine.length === 0 && <p className="muted">No profiles of this model yet.</p>}
      {others.length > 0 && (
        <>
          <button className="link-button pf-others" aria-expanded={showOthers} onClick={() => setShowOthers((v) => !v)}>
            {showOthers ? '▾' : '▸'} Other profiles and imports ({others.length})
          </button>
          {showOthers && table(others, 'profile-history-others')}
        </>
      )}
    </Section>
  );
}
