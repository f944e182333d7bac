/**
 * Model commands, in the command palette and on keys: "Show Models" (the side-bar view) and "Run Model"
 * (Ctrl/Cmd+Enter while a model tab's Run view is shown). Registered at start-up; the run itself is in
 * the model view's module, loaded by then (the command applies only while a model tab shows).
 */
import { commands } from '../commands/instance';
import { getApp } from '../state/store';
import { isModelTab, loadedModelDocs } from './model-tabs';
import { showSideView } from './side-view';

/** A model tab's Run view is on screen, and the keyboard is not in a place with its own use for the key. */
function runViewActive(): boolean {
  const active = getApp().active;
  if (!isModelTab(active) || !loadedModelDocs()) return false;
  if (document.activeElement?.closest('.panel-container, .side-bar, .modal, .monaco-editor')) return false;
  return document.querySelector(`[data-testid="model-view"][data-view="run"][data-path="${CSS.escape(active!)}"]`) !== null;
}

export function registerModelCommands(): void {
  commands.register({
    id: 'view.showModels',
    title: 'Show Models',
    category: 'View',
    when: () => getApp().project !== null,
    run: () => {
      showSideView('models');
      requestAnimationFrame(() => document.querySelector<HTMLElement>('[data-testid="models-side-bar"] button.models-side-item')?.focus());
    },
  });
  commands.register({
    id: 'models.run',
    title: 'Run Model',
    category: 'Models',
    keys: ['ctrl+enter', 'meta+enter'],
    when: runViewActive,
    run: () => {
      const active = getApp().active;
      if (active) loadedModelDocs()?.run(active);
    },
  });
}
