/**
 * The bridge as a module-level singleton for non-React code, plus `request`: a call whose failure is
 * posted to the user (status bar + Output) and returned as undefined.
 */
import type { ArgsOf, MethodName, ValueOf } from '../../src-main/common/contract';
import type { Result } from '../../src-main/common/result';
import { postMessage } from '../state/store';
import type { AppBridge } from './index';

let current: AppBridge | null = null;

export function setBridge(bridge: AppBridge): void {
  current = bridge;
}

export function bridge(): AppBridge {
  if (!current) throw new Error('bridge used before start-up');
  return current;
}

export function call<M extends MethodName>(method: M, args: ArgsOf<M>): Promise<Result<ValueOf<M>>> {
  return bridge().call(method, args);
}

export async function request<M extends MethodName>(method: M, args: ArgsOf<M>): Promise<ValueOf<M> | undefined> {
  const result = await call(method, args);
  if (result.ok) return result.value;
  postMessage('error', result.message);
  return undefined;
}
