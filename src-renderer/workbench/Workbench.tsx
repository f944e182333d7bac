import { useEffect } from 'react';
import { commands } from '../commands/instance';
import { formatChord } from '../commands/keys';
import { EditorArea } from '../editor/EditorArea';
import { FileTree } from '../explorer/FileTree';
import { newEntry, collapseAll, refreshExplorer } from '../explorer/explorer-actions';
import { Panel } from '../panel/Panel';
import { QuickPick } from '../quickpick/QuickPick';
import { StatusBar } from '../statusbar/StatusBar';
import { effectiveTheme, setApp, useApp, type Layout } from '../state/store';
import { DialogHost } from '../ui/dialogs';
import { Icon } from '../ui/icons';
import { ModelsIcon, ModelsSideBar } from '../models/ModelsSideBar';
import { showSideView, useSideView } from '../models/side-view';
import { Splitter } from './Splitter';
import { Welcome } from './Welcome';

const clampLayout = (layout: Layout): Layout => ({
  ...layout,
  sidebarWidth: Math.max(160, Math.min(layout.sidebarWidth, window.innerWidth * 0.6)),
  panelHeight: Math.max(80, Math.min(layout.panelHeight, window.innerHeight * 0.7)),
});

export function Workbench() {
  const project = useApp((s) => s.project);
  const layout = useApp((s) => s.layout);
  const theme = useApp(effectiveTheme);
  useEffect(() => {
    document.documentElement.dataset.theme = theme;
  }, [theme]);
  const setLayout = (patch: Partial<Layout>) => setApp((s) => ({ layout: clampLayout({ ...s.layout, ...patch }) }));
  const keyOf = (id: string) => commands.keysFor(id).map(formatChord)[0];
  // The side bar shows the explorer or the Models view; an activity button shows its view, or hides the
  // side bar when its view is already showing.
  const sideView = useSideView((s) => s.view);
  const activity = (view: typeof sideView) => () => {
    if (sideView === view && layout.sidebarVisible) void commands.run('view.toggleSidebar');
    else showSideView(view);
  };

  return (
    <div className="workbench" data-testid="workbench">
      <nav className="activity-bar" aria-label="Views">
        <button
          className={`activity ${layout.sidebarVisible && sideView === 'explorer' ? 'active' : ''}`}
          title={`Explorer (${keyOf('view.focusExplorer') ?? ''})`}
          aria-label="Explorer"
          aria-pressed={layout.sidebarVisible && sideView === 'explorer'}
          onClick={activity('explorer')}
        >
          <Icon name="files" />
        </button>
        {project && (
          <button
            className={`activity ${layout.sidebarVisible && sideView === 'models' ? 'active' : ''}`}
            title="Models"
            aria-label="Models"
            aria-pressed={layout.sidebarVisible && sideView === 'models'}
            data-testid="activity-models"
            onClick={activity('models')}
          >
            <ModelsIcon />
          </button>
        )}
        <button className="activity" title={`Go to file (${keyOf('workbench.quickOpen') ?? ''})`} aria-label="Go to file" onClick={() => void commands.run('workbench.quickOpen')}>
          <Icon name="search" />
        </button>
        <div className="spacer" />
        <button className="activity" title={`Settings (${keyOf('preferences.openSettings') ?? ''})`} aria-label="Settings" onClick={() => void commands.run('preferences.openSettings')}>
          <Icon name="settings" />
        </button>
      </nav>
      <div className="main-area">
        {project ? (
          <div className="columns">
            {layout.sidebarVisible && (
              <>
                <aside className="side-bar" style={{ width: layout.sidebarWidth }} aria-label={sideView === 'models' ? 'Models' : 'Explorer'}>
                  {sideView === 'models' ? (
                    <ModelsSideBar />
                  ) : (
                    <>
                      <header className="side-bar-header">
                        <span className="side-bar-title">Explorer</span>
                        <span className="spacer" />
                        <button className="icon-button" title="New File…" aria-label="New File" onClick={() => void newEntry('file')}>
                          <Icon name="new-file" size={16} />
                        </button>
                        <button className="icon-button" title="New Folder…" aria-label="New Folder" onClick={() => void newEntry('directory')}>
                          <Icon name="new-folder" size={16} />
                        </button>
                        <button className="icon-button" title="Refresh" aria-label="Refresh Explorer" onClick={() => void refreshExplorer()}>
                          <Icon name="refresh" size={16} />
                        </button>
                        <button className="icon-button" title="Collapse All" aria-label="Collapse All" onClick={collapseAll}>
                          <Icon name="collapse" size={16} />
                        </button>
                      </header>
                      <div className="side-bar-section-title" title={project.root}>
                        {project.name}
                      </div>
                      <FileTree />
                    </>
                  )}
                </aside>
                <Splitter orientation="vertical" label="Resize side bar" size={layout.sidebarWidth} onResize={(sidebarWidth) => setLayout({ sidebarWidth })} />
              </>
            )}
            <div className="rows">
              <EditorArea />
              {layout.panelVisible && (
                <>
                  <Splitter orientation="horizontal" label="Resize panel" size={layout.panelHeight} onResize={(panelHeight) => setLayout({ panelHeight })} />
                  <div style={{ height: layout.panelHeight }} className="panel-container">
                    <Panel />
                  </div>
                </>
              )}
            </div>
          </div>
        ) : (
          <Welcome />
        )}
      </div>
      <StatusBar />
      <QuickPick />
      <DialogHost />
    </div>
  );
}
