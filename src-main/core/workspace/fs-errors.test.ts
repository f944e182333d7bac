import { promises as fs } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { fsFailure, hasErrno, isErrnoError } from './fs-errors';

const errno = (code: string) => Object.assign(new Error(`${code}: something`), { code });

describe('fsFailure', () => {
  it('maps each errno to a stable code, with the path in words', () => {
    expect(fsFailure(errno('ENOENT'), 'a.py')).toEqual({ ok: false, code: 'NOT_FOUND', message: '"a.py" does not exist' });
    expect(fsFailure(errno('EACCES'), 'locked')).toMatchObject({ code: 'PERMISSION_DENIED', message: 'Permission denied: "locked"' });
    expect(fsFailure(errno('EPERM'), 'x')).toMatchObject({ code: 'PERMISSION_DENIED' });
    expect(fsFailure(errno('EEXIST'), 'x')).toMatchObject({ code: 'ALREADY_EXISTS' });
    expect(fsFailure(errno('ENOTDIR'), 'x/y')).toMatchObject({ code: 'NOT_A_DIRECTORY' });
    expect(fsFailure(errno('EISDIR'), 'src')).toMatchObject({ code: 'IS_A_DIRECTORY' });
    expect(fsFailure(errno('ENOSPC'), 'big.bin')).toMatchObject({ code: 'IO_ERROR', message: expect.stringContaining('No space') });
    expect(fsFailure(errno('ENAMETOOLONG'), 'x'.repeat(300))).toMatchObject({ code: 'INVALID_ARGUMENT', message: expect.stringMatching(/^"x{59}…": the name is too long/) });
    expect(fsFailure(errno('ENOENT'), '')).toMatchObject({ message: 'The project folder does not exist' });
  });

  it('rethrows what is not a filesystem error (a bug)', () => {
    expect(() => fsFailure(new TypeError('x is undefined'), 'a')).toThrow(TypeError);
    expect(isErrnoError({ code: 'ENOENT' })).toBe(false);
  });

  it('recognises real errors from node:fs', async () => {
    const e = await fs.readFile('/definitely/not/here').catch((x: unknown) => x);
    expect(hasErrno(e, 'ENOENT')).toBe(true);
    expect(fsFailure(e, 'here')).toMatchObject({ code: 'NOT_FOUND' });
  });
});
