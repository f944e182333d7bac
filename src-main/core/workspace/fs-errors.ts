import { err, type Failure } from '../../common/result';

/** A Node.js system error (fs, os): it carries a string errno code such as 'ENOENT'. */
export function isErrnoError(e: unknown): e is NodeJS.ErrnoException & { code: string } {
  return e instanceof Error && typeof (e as NodeJS.ErrnoException).code === 'string' && /^E[A-Z0-9]+$/.test((e as NodeJS.ErrnoException).code ?? '');
}

export function hasErrno(e: unknown, ...codes: string[]): boolean {
  return isErrnoError(e) && codes.includes(e.code);
}

/** How a project-relative path is named in messages. */
export function describePath(rel: string): string {
  return rel === '' ? 'The project folder' : `"${rel}"`;
}

/**
 * The one mapping from filesystem errors to Result failures, with the project-relative path in the
 * message. Anything that is not a filesystem error is a bug and is rethrown.
 */
export function fsFailure(e: unknown, rel: string): Failure {
  if (!isErrnoError(e)) throw e;
  const what = describePath(rel);
  switch (e.code) {
    case 'ENOENT':
      return err('NOT_FOUND', `${what} does not exist`);
    case 'EACCES':
    case 'EPERM':
      return err('PERMISSION_DENIED', `Permission denied: ${what}`);
    case 'EEXIST':
      return err('ALREADY_EXISTS', `${what} already exists`);
    case 'ENOTEMPTY':
      return err('IO_ERROR', `${what} is not empty`);
    case 'ENOTDIR':
      return err('NOT_A_DIRECTORY', `${what} is not a folder (or part of its path is a file)`);
    case 'EISDIR':
      return err('IS_A_DIRECTORY', `${what} is a folder`);
    case 'ENOSPC':
      return err('IO_ERROR', `No space left on the disk for ${what}`);
    case 'ENAMETOOLONG':
      return err('INVALID_ARGUMENT', `${what.length > 80 ? `${what.slice(0, 60)}…"` : what}: the name is too long for the file system (255 bytes per name at most)`);
    case 'ELOOP':
      return err('IO_ERROR', `${what} goes through a loop of symbolic links`);
    default:
      return err('IO_ERROR', `Could not access ${what}: ${e.message}`);
  }
}
