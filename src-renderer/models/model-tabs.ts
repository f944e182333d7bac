/**
 * Which tabs are ONNX models, and the door to the model view's module. In the entry chunk and tiny, like
 * notebook-tabs.ts: the model view (its store, charts with uPlot, the graph) loads on the first `.onnx`
 * opened.
 */
import type { ComponentType } from 'react';
import { create } from 'zustand';
import type { ModelInfo } from '../../src-main/common/onnx/model-types';
import type { Result } from '../../src-main/common/result';
import { call } from '../bridge/client';

/** What the editor's documents need of the model view's module (model-store.ts implements it). */
export interface ModelDocs {
  /** A tab opened: show `inspecting` (already asked of the core, in parallel with this module's load). */
  open(path: string, inspecting: Promise<Result<ModelInfo>>): void;
  /** The tab closed: forget its state (the choices made for the model are kept for this run of the app). */
  close(path: string): void;
  /** The file changed on disk: inspect it again. */
  reload(path: string): void;
  closeAll(): void;
  /** Run the model once with the inputs and EPs chosen in its tab (Ctrl/Cmd+Enter). */
  run(path: string): void;
}

type ModelViewComponent = ComponentType<{ path: string }>;

export type ModelModulesLoader = () => Promise<{ docs: ModelDocs; view: ModelViewComponent }>;

export function isModelPath(path: string): boolean {
  return !path.startsWith('user:') && path.toLowerCase().endsWith('.onnx');
}

/** Models the user chose to open as binary ("Open as binary" on one that fails to parse), until their tab closes. */
export const useAsBinary = create<{ paths: ReadonlySet<string> }>(() => ({ paths: new Set<string>() }));

export function setAsBinary(path: string, asBinary: boolean): void {
  useAsBinary.setState((s) => {
    const paths = new Set(s.paths);
    if (asBinary) paths.add(path);
    else paths.delete(path);
    return { paths };
  });
}

/** Whether the tab for `path` is (or will be) a model view rather than the hex preview. */
export function isModelTab(path: string | null): boolean {
  return path !== null && isModelPath(path) && !useAsBinary.getState().paths.has(path);
}

let loader: ModelModulesLoader | null = null;
let loading: Promise<ModelDocs> | null = null;
let docs: ModelDocs | null = null;
let view: ModelViewComponent | null = null;

/** Registered by the entry (main.tsx), so that documents.ts never imports the model view's modules. */
export function registerModelModules(load: ModelModulesLoader): void {
  loader = load;
}

/** The model view's documents, loading its module on first use. */
export function modelDocs(): Promise<ModelDocs> {
  if (!loader) throw new Error('registerModelModules() was not called at start-up');
  loading ??= loader().then((m) => {
    view = m.view;
    return (docs = m.docs);
  });
  return loading;
}

export function loadedModelDocs(): ModelDocs | null {
  return docs;
}

/** The model view component once loaded (not React.lazy: see loadedNotebookEditor). */
export function loadedModelView(): ModelViewComponent | null {
  return view;
}

/** A model's tab closed: the runner disposes its sessions. Failures only mean there was nothing to free. */
export function releaseModel(path: string): void {
  void call('models.release', { path }).catch(() => undefined);
}
