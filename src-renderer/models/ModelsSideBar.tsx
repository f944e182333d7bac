/**
 * The Models side-bar view: the project's `.onnx` files (found by the core's file search), each opening
 * its model tab, the onnx runner's state when it is restarting or has failed, and the saved profiles.
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import { call } from '../bridge/client';
import { openDocument } from '../editor/documents';
import { useApp } from '../state/store';
import { FileIcon, Icon } from '../ui/icons';
import { isModelPath } from './model-tabs';
import { ProfilesSide } from './profile/ProfilesSide';
import { useRunner } from './runner-state';

type Listing = { state: 'loading' } | { state: 'ready'; paths: string[]; truncated: boolean } | { state: 'error'; message: string };

/** Every `.onnx` file the file search finds, sorted by path. */
async function findModels(): Promise<Listing> {
  const r = await call('workspace.findFiles', { query: '.onnx', limit: 1000 });
  if (!r.ok) return { state: 'error', message: r.message };
  const paths = r.value.matches.map((m) => m.path).filter(isModelPath);
  return { state: 'ready', paths: [...new Set(paths)].sort((a, b) => a.localeCompare(b)), truncated: r.value.truncated };
}

export function useModelFiles(): { listing: Listing; refresh: () => void } {
  const [listing, setListing] = useState<Listing>({ state: 'loading' });
  const generation = useRef(0);
  const refresh = useCallback(() => {
    const mine = ++generation.current;
    void findModels().then((l) => {
      if (mine === generation.current) setListing(l);
    });
  }, []);
  // The explorer's listings change when files come and go: look again, a moment later.
  const listings = useApp((s) => s.listings);
  const root = useApp((s) => s.project?.root);
  useEffect(() => {
    const timer = setTimeout(refresh, 400);
    return () => clearTimeout(timer);
  }, [listings, root, refresh]);
  return { listing, refresh };
}

export function ModelsSideBar() {
  const { listing, refresh } = useModelFiles();
  const active = useApp((s) => s.active);
  return (
    <div className="models-side" data-testid="models-side-bar">
      <header className="side-bar-header">
        <span className="side-bar-title">Models</span>
        <span className="spacer" />
        <button className="icon-button" title="Refresh" aria-label="Refresh Models" onClick={refresh}>
          <Icon name="refresh" size={16} />
        </button>
      </header>
      <RunnerBanner />
      {listing.state === 'loading' && <p className="models-side-note">Looking for .onnx files…</p>}
      {listing.state === 'error' && (
        <p className="models-side-note error" role="alert">
          Could not list the models: {listing.message}
        </p>
      )}
      {listing.state === 'ready' && listing.paths.length === 0 && (
        <div className="models-side-empty" data-testid="models-empty">
          <p>No ONNX models in this project.</p>
          <p className="muted">
            Export one with <code>torch.onnx.export(model, example, &quot;model.onnx&quot;)</code>, and it shows here.
          </p>
        </div>
      )}
      {listing.state === 'ready' && listing.paths.length > 0 && (
        <ul className="models-side-list" aria-label="ONNX models">
          {listing.paths.map((path) => {
            const slash = path.lastIndexOf('/');
            return (
              <li key={path}>
                <button className={`models-side-item ${path === active ? 'active' : ''}`} data-path={path} title={path} onClick={() => void openDocument(path)}>
                  <FileIcon name={path} directory={false} />
                  <span className="models-side-name">{path.slice(slash + 1)}</span>
                  {slash > 0 && <span className="models-side-dir">{path.slice(0, slash)}</span>}
                </button>
              </li>
            );
          })}
          {listing.truncated && <li className="models-side-note">The project is large: the search stopped early, so some models may be missing.</li>}
        </ul>
      )}
      <ProfilesSide />
    </div>
  );
}

/** The runner's trouble, when it has any. */
export function RunnerBanner() {
  const runner = useRunner((s) => s.runner);
  if (!runner || runner.state === 'running') return null;
  return (
    <div className={`models-runner ${runner.state}`} role="status" data-testid="models-runner" data-state={runner.state}>
      {runner.state === 'restarting' ? <span className="spinner" aria-hidden="true" /> : <span aria-hidden="true">⚠</span>}
      <span>
        {runner.state === 'restarting' ? `The ONNX runner stopped and is restarting (restart ${runner.restarts}).` : 'The ONNX runner failed and will not restart.'}
        {runner.message ? ` ${runner.message}` : ''}
      </span>
      {runner.state === 'failed' && (
        <button className="btn btn-primary" onClick={() => void call('models.restartRunner', {})}>
          Restart
        </button>
      )}
    </div>
  );
}

/** The activity bar's icon for the Models view: a small network of nodes. */
export function ModelsIcon({ size = 22 }: { size?: number }) {
  return (
    <svg width={size} height={size} viewBox="0 0 24 24" aria-hidden="true" fill="none" stroke="currentColor" strokeWidth="1.6" strokeLinecap="round" strokeLinejoin="round">
      <path d="M5 5.5a2 2 0 1 0 0 .01z M5 18.5a2 2 0 1 0 0 .01z M12 12a2 2 0 1 0 0 .01z M19 5.5a2 2 0 1 0 0 .01z M19 18.5a2 2 0 1 0 0 .01z" />
      <path d="M6.6 6.8l3.8 3.9 M6.6 17.2l3.8-3.9 M13.6 10.7l3.8-3.9 M13.6 13.3l3.8 3.9" />
    </svg>
  );
}
