import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { createBridge } from './bridge';
import { dirtyPaths } from './editor/documents';
import { registerNotebookCommands } from './notebook/notebook-commands';
import { registerNotebookModules } from './notebook/notebook-tabs';
import { registerModelCommands } from './models/model-commands';
import { registerModelModules } from './models/model-tabs';
import { installModelEvents } from './models/runner-state';
import { registerSessionCommands } from './sessions/session-commands';
import { postMessage } from './state/store';
import { boot } from './workbench/project';
import { Workbench } from './workbench/Workbench';
import { installKeyboardDispatcher, registerWorkbenchCommands } from './workbench/workbench-commands';
import './ui/styles.css';

registerWorkbenchCommands();
registerSessionCommands();
registerNotebookCommands();
registerModelCommands();
// The notebook editor and its documents load with the first notebook opened (their own chunks).
registerNotebookModules(async () => {
  const [docs, editor] = await Promise.all([import('./notebook/notebook-docs'), import('./notebook/NotebookEditor')]);
  return { docs: docs.notebookDocs, editor: editor.default };
});
// The model view (summary, run, benchmark, graph) loads with the first .onnx opened (its own chunk).
registerModelModules(async () => {
  const m = await import('./models/ModelView');
  return { docs: m.modelDocs, view: m.default };
});
installKeyboardDispatcher();

// Closing the window or tab with unsaved edits asks first (Electron turns this into a dialog).
window.addEventListener('beforeunload', (e) => {
  if (dirtyPaths().length > 0) {
    e.preventDefault();
    e.returnValue = '';
  }
});

window.addEventListener('unhandledrejection', (e) => postMessage('error', `Unexpected error: ${String(e.reason)}`));

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <Workbench />
  </StrictMode>,
);

const appBridge = createBridge();
installModelEvents(appBridge);
void boot(appBridge).then(() => document.body.setAttribute('data-ready', 'true'));
