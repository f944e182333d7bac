/**
 * Expected failures are values. A `Result` carries either a value or a stable error `code`
 * that the UI and tests can match on, plus a message a person understands.
 * Bugs throw; they are never turned into a Result.
 */
export const ERROR_CODES = [
  'OUTSIDE_PROJECT',
  'NO_PROJECT',
  'NOT_FOUND',
  'ALREADY_EXISTS',
  'NOT_A_DIRECTORY',
  'IS_A_DIRECTORY',
  'PERMISSION_DENIED',
  'CONFLICT',
  'READ_ONLY',
  'INVALID_ARGUMENT',
  'INVALID_SETTINGS',
  'IO_ERROR',
  'UNKNOWN_METHOD',
  'UNAVAILABLE',
  'INTERNAL',
  'PYTHON_NOT_FOUND',
  'SESSION_NOT_FOUND',
  'SESSION_DEAD',
  'NOTEBOOK_INVALID',
  'MODEL_INVALID',
  'MODEL_RUN_FAILED',
  'INPUT_INVALID',
  'EP_UNAVAILABLE',
  'RUNNER_DIED',
  'CANCELLED',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

export interface Failure {
  readonly ok: false;
  readonly code: ErrorCode;
  readonly message: string;
}

export interface Success<T> {
  readonly ok: true;
  readonly value: T;
}

export type Result<T> = Success<T> | Failure;

export function ok<T>(value: T): Success<T>;
export function ok(): Success<void>;
export function ok<T>(value?: T): Success<T | undefined> {
  return { ok: true, value };
}

export function err(code: ErrorCode, message: string): Failure {
  return { ok: false, code, message };
}
