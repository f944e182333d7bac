import { describe, expect, it } from 'vitest';
import { defaultUserDir } from './user-dir';

describe('defaultUserDir', () => {
  it('LATHE_USER_DIR wins on every platform', () => {
    for (const platform of ['linux', 'darwin', 'win32'] as const) {
      expect(defaultUserDir({ LATHE_USER_DIR: '/tmp/x', XDG_CONFIG_HOME: '/xdg', APPDATA: 'C:\\A' }, platform, '/home/u')).toBe('/tmp/x');
    }
  });

  it('linux: XDG_CONFIG_HOME/lathe, else ~/.config/lathe', () => {
    expect(defaultUserDir({ XDG_CONFIG_HOME: '/xdg' }, 'linux', '/home/u')).toBe('/xdg/lathe');
    expect(defaultUserDir({}, 'linux', '/home/u')).toBe('/home/u/.config/lathe');
    expect(defaultUserDir({ XDG_CONFIG_HOME: '' }, 'linux', '/home/u')).toBe('/home/u/.config/lathe');
    // A relative XDG_CONFIG_HOME is invalid per the XDG spec.
    expect(defaultUserDir({ XDG_CONFIG_HOME: 'rel/dir' }, 'linux', '/home/u')).toBe('/home/u/.config/lathe');
  });

  it('darwin: ~/Library/Application Support/Lathe', () => {
    expect(defaultUserDir({ XDG_CONFIG_HOME: '/xdg' }, 'darwin', '/Users/u')).toBe('/Users/u/Library/Application Support/Lathe');
  });

  it('win32: %APPDATA%\\Lathe, else the usual Roaming folder', () => {
    expect(defaultUserDir({ APPDATA: 'C:\\Users\\u\\AppData\\Roaming' }, 'win32', 'C:\\Users\\u')).toBe('C:\\Users\\u\\AppData\\Roaming\\Lathe');
    expect(defaultUserDir({}, 'win32', 'C:\\Users\\u')).toBe('C:\\Users\\u\\AppData\\Roaming\\Lathe');
  });

  it('defaults to the real environment', () => {
    expect(typeof defaultUserDir()).toBe('string');
  });
});
