/**
 * The one place where an untrusted call (from a socket or an IPC message) meets the core's handlers:
 * unknown methods and malformed arguments become Result failures, never exceptions in the host.
 */
import { isMethodName, methods, type Handlers } from './contract';
import { err, type Result } from './result';

export async function dispatch(handlers: Handlers, method: unknown, args: unknown): Promise<Result<unknown>> {
  if (!isMethodName(method)) {
    return err('UNKNOWN_METHOD', `Unknown method ${JSON.stringify(String(method)).slice(0, 80)}`);
  }
  const parsed = methods[method].safeParse(args ?? {});
  if (!parsed.success) {
    const detail = parsed.error.issues
      .map((i) => (i.path.length ? `${i.path.join('.')}: ${i.message}` : i.message))
      .join('; ');
    return err('INVALID_ARGUMENT', `${method}: ${detail}`);
  }
  const handler = handlers[method] as (a: unknown) => Promise<Result<unknown>>;
  return handler(parsed.data);
}
