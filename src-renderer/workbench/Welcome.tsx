import { useEffect, useState } from 'react';
import type { RecentProject } from '../../src-main/common/contract';
import { call, request } from '../bridge/client';
import { commands } from '../commands/instance';
import { formatChord } from '../commands/keys';
import { useApp } from '../state/store';
import { openFolder } from './project';

/** No folder open: recent projects, an Open Folder button (native dialog) or a path entry (server). */
export function Welcome() {
  const info = useApp((s) => s.info);
  const [recent, setRecent] = useState<readonly RecentProject[] | null>(null);
  const [path, setPath] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  useEffect(() => {
    void request('workspace.recent', {}).then((r) => setRecent(r ?? []));
  }, []);

  const open = async (root: string) => {
    setProblem(null);
    const r = await call('workspace.open', { root });
    if (!r.ok) setProblem(r.message);
    else await openFolder(r.value.root);
  };

  const key = (id: string) => commands.keysFor(id).map(formatChord)[0] ?? '';

  return (
    <div className="welcome" data-testid="welcome">
      <div className="welcome-inner">
        <h1>
          <span className="logo-mark" aria-hidden="true">
            ◐
          </span>{' '}
          Lathe
        </h1>
        <p className="tagline">Edit, run, inspect and profile your models: one workbench, offline.</p>
        <div className="welcome-columns">
          <section aria-labelledby="start-heading">
            <h2 id="start-heading">Start</h2>
            {info?.capabilities.nativeFolderDialog && (
              <button className="btn btn-primary" onClick={() => void commands.run('file.openFolder')}>
                Open Folder… <kbd>{key('file.openFolder')}</kbd>
              </button>
            )}
            <form
              className="path-entry"
              onSubmit={(e) => {
                e.preventDefault();
                if (path.trim()) void open(path.trim());
              }}
            >
              <label htmlFor="folder-path">Open a folder by its path on this machine</label>
              <div className="path-entry-row">
                <input
                  id="folder-path"
                  className="text-input"
                  placeholder="/home/you/projects/my-model"
                  value={path}
                  spellCheck={false}
                  autoFocus={!info?.capabilities.nativeFolderDialog}
                  onChange={(e) => setPath(e.target.value)}
                />
                <button type="submit" className="btn btn-primary" disabled={!path.trim()}>
                  Open
                </button>
              </div>
              {problem && (
                <div className="form-problem" role="alert">
                  {problem}
                </div>
              )}
            </form>
          </section>
          <section aria-labelledby="recent-heading">
            <h2 id="recent-heading">Recent</h2>
            {recent === null && <p className="muted">Loading…</p>}
            {recent?.length === 0 && <p className="muted">Folders you open appear here.</p>}
            <ul className="recent-list">
              {recent?.map((p) => (
                <li key={p.root}>
                  <button className="link-button" onClick={() => void open(p.root)} title={p.root}>
                    {p.name}
                  </button>
                  <span className="muted recent-path">{p.root}</span>
                </li>
              ))}
            </ul>
          </section>
        </div>
        <p className="muted welcome-hint">
          Every command is in the palette: <kbd>{key('workbench.commandPalette')}</kbd>
        </p>
      </div>
    </div>
  );
}
