import { describe, expect, it } from '@jest/globals';
import { localizeError } from '../common/error-catalogue.js';
import { isBlockedAddress, webhookTargetProblem, type Resolver } from './webhook-target.js';

const dns =
  (table: Record<string, string[]>): Resolver =>
  async (host) => {
    const a = table[host];
    if (!a) throw new Error('ENOTFOUND');
    return a;
  };

describe('isBlockedAddress', () => {
  it.each([
    '127.0.0.1',
    '127.255.0.9',
    '0.0.0.0',
    '10.1.2.3',
    '172.16.0.1',
    '172.31.255.255',
    '192.168.1.1',
    '169.254.169.254',
    '100.64.0.1',
    '224.0.0.1',
    '255.255.255.255',
    '::1',
    '::',
    'fe80::1',
    'fd12:3456::1',
    'fc00::1',
    'ff02::1',
    '::ffff:127.0.0.1',
    '::ffff:10.0.0.1',
    '64:ff9b::a00:1',
    '2002:7f00:1::',
  ])('refuses %s', (a) => expect(isBlockedAddress(a)).toBe(true));

  it.each(['8.8.8.8', '1.1.1.1', '172.32.0.1', '203.0.114.1', '2606:4700:4700::1111', '2400:3200::1'])('accepts the public %s', (a) =>
    expect(isBlockedAddress(a)).toBe(false),
  );
});

describe('webhookTargetProblem', () => {
  const resolver = dns({
    'hooks.example.com': ['93.184.216.34'],
    'sneaky.example.com': ['93.184.216.34', '10.0.0.5'],
    'v6.example.com': ['::1'],
    localhost: ['127.0.0.1', '::1'],
  });

  it.each([
    ['http://127.0.0.1:8080/x', /127\.0\.0\.1/],
    ['http://0x7f000001/x', /127\.0\.0\.1/],
    ['http://2130706433/x', /127\.0\.0\.1/],
    ['http://[::1]/x', /::1/],
    ['http://[::ffff:7f00:1]/x', /::ffff/],
    ['http://169.254.169.254/latest/meta-data', /169\.254/],
    ['http://localhost:3000/x', /localhost resolves to 127\.0\.0\.1/],
    ['http://v6.example.com/x', /resolves to ::1/],
    ['http://sneaky.example.com/x', /resolves to 10\.0\.0\.5/],
    ['http://nowhere.example.com/x', /does not resolve/],
  ])('refuses %s', async (url, reason) => {
    expect(await webhookTargetProblem(url, [], resolver)).toMatch(reason);
  });

  it('accepts a public host, and a listed host whatever it resolves to', async () => {
    expect(await webhookTargetProblem('https://hooks.example.com/duban', [], resolver)).toBeUndefined();
    expect(await webhookTargetProblem('http://127.0.0.1:9/x', ['127.0.0.1'], resolver)).toBeUndefined();
    expect(await webhookTargetProblem('http://[::1]:9/x', ['::1'], resolver)).toBeUndefined();
    expect(await webhookTargetProblem('http://LOCALHOST:9/x', ['localhost'], resolver)).toBeUndefined();
  });

  it('is worded in Chinese for the page', async () => {
    const reason = (await webhookTargetProblem('http://10.0.0.1/x', [], resolver))!;
    const zh = localizeError('VALIDATION_FAILED', 400, 'x', { fields: [{ field: 'url', reason }] });
    expect(zh.fields?.[0]?.message).toMatch(/内网/);
    expect(zh.fields?.[0]?.message).not.toMatch(/[A-Za-z]{4,}/);
  });
});
