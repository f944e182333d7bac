import { describe, expect, it } from 'vitest';
import { folderFromArgv, folderFromInstanceData } from './argv';

describe('folderFromArgv', () => {
  it('dev: electron main.js <folder>', () => {
    expect(folderFromArgv(['/e/electron', 'out/main/main.js', '/p'], { defaultApp: true, cwd: '/c' })).toBe('/p');
    expect(folderFromArgv(['/e/electron', 'out/main/main.js', 'rel'], { defaultApp: true, cwd: '/c' })).toBe('/c/rel');
    expect(folderFromArgv(['/e/electron', 'out/main/main.js'], { defaultApp: true, cwd: '/c' })).toBeUndefined();
  });

  it('packaged: Lathe <folder>, skipping switches', () => {
    expect(folderFromArgv(['/Lathe', '--original-process-start-time=1', '-psn_0_1', '/p'], { defaultApp: false, cwd: '/c' })).toBe('/p');
    expect(folderFromArgv(['/Lathe'], { defaultApp: false, cwd: '/c' })).toBeUndefined();
  });

  it('reads the folder a second instance sent', () => {
    expect(folderFromInstanceData({ folder: '/p' })).toBe('/p');
    expect(folderFromInstanceData({ folder: null })).toBeUndefined();
    expect(folderFromInstanceData(null)).toBeUndefined();
  });
});
