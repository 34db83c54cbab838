import { describe, expect, it } from '@jest/globals';
import { logLevels, maskSecrets } from './app.setup.js';

describe('request logging', () => {
  it('masks tokens and passwords in logged URLs', () => {
    expect(maskSecrets('/events/stream?access_token=eyJabc.def&x=1')).toBe('/events/stream?access_token=***&x=1');
    expect(maskSecrets('/a?b=1&password=hunter2')).toBe('/a?b=1&password=***');
    expect(maskSecrets('/tasks?page=2')).toBe('/tasks?page=2');
  });
  it('turns a level into it and every more severe level', () => {
    expect(logLevels('warn')).toEqual(['error', 'warn']);
    expect(logLevels('debug')).toEqual(['error', 'warn', 'log', 'debug']);
  });
});
