import { describe, expect, it } from '@jest/globals';
import { ConfigError, loadConfig } from './app.config.js';

describe('loadConfig', () => {
  it('works with zero configuration and gives the documented defaults', () => {
    const c = loadConfig({});
    expect(c.DUBAN_PORT).toBe(3000);
    expect(c.DUBAN_DEMO).toBe(true);
    expect(c.DUBAN_UPLOAD_TYPES).toContain('pdf');
    expect(c.DUBAN_SQLITE_SYNCHRONOUS).toBe('FULL');
  });
  it('reads the SQLite durability setting, refusing an unknown one', () => {
    expect(loadConfig({ DUBAN_SQLITE_SYNCHRONOUS: 'normal' }).DUBAN_SQLITE_SYNCHRONOUS).toBe('NORMAL');
    expect(() => loadConfig({ DUBAN_SQLITE_SYNCHRONOUS: 'sometimes' })).toThrow(/DUBAN_SQLITE_SYNCHRONOUS/);
  });
  it('reads typed values from strings', () => {
    const c = loadConfig({ DUBAN_PORT: '8080', DUBAN_DEMO: 'false', DUBAN_UPLOAD_TYPES: 'PDF, png' });
    expect(c.DUBAN_PORT).toBe(8080);
    expect(c.DUBAN_DEMO).toBe(false);
    expect(c.DUBAN_UPLOAD_TYPES).toEqual(['pdf', 'png']);
  });
  it('refuses a bad value naming the variable', () => {
    expect(() => loadConfig({ DUBAN_PORT: 'abc' })).toThrow(/DUBAN_PORT/);
    expect(() => loadConfig({ DUBAN_JWT_SECRET: 'short' })).toThrow(ConfigError);
  });
  it('refuses a misspelt DUBAN_ setting instead of ignoring it', () => {
    expect(() => loadConfig({ DUBAN_PROT: '1' })).toThrow(/DUBAN_PROT: unknown setting/);
  });
});
