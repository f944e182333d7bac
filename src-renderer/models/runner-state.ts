/**
 * The onnx runner's state as the UI shows it (restarting after a crash, or failed for good), fed by the
 * core's `models.runner` events from start-up. In the entry chunk: the Models side bar shows it.
 */
import { create } from 'zustand';
import type { Events } from '../../src-main/common/contract';
import type { AppBridge } from '../bridge';
import { postMessage } from '../state/store';

export type RunnerState = Events['models.runner'];

export const useRunner = create<{ runner: RunnerState | null }>(() => ({ runner: null }));

/** Subscribe to the runner's events (once, at start-up). */
export function installModelEvents(bridge: Pick<AppBridge, 'on'>): void {
  bridge.on('models.runner', (runner) => {
    const previous = useRunner.getState().runner;
    useRunner.setState({ runner });
    if (runner.state !== previous?.state && runner.state !== 'running' && runner.message) postMessage(runner.state === 'failed' ? 'error' : 'warning', runner.message);
  });
}
