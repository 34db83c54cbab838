import { describe, expect, it } from '@jest/globals';
import { createHmac } from 'node:crypto';
import { signWebhook, verifyWebhookSignature } from './webhook-signature.js';

describe('webhook signature', () => {
  it('is HMAC-SHA256 over "timestamp.body", reproducible by a receiver', () => {
    const header = signWebhook('s3cret', '{"a":1}', 1780000000);
    const mac = createHmac('sha256', 's3cret').update('1780000000.{"a":1}').digest('hex');
    expect(header).toBe(`t=1780000000,v1=${mac}`);
    expect(verifyWebhookSignature('s3cret', '{"a":1}', header)).toBe(true);
  });
  it('fails for another body, another secret or a malformed header', () => {
    const header = signWebhook('s3cret', '{"a":1}', 1780000000);
    expect(verifyWebhookSignature('s3cret', '{"a":2}', header)).toBe(false);
    expect(verifyWebhookSignature('other', '{"a":1}', header)).toBe(false);
    expect(verifyWebhookSignature('s3cret', '{"a":1}', 'v1=zz')).toBe(false);
  });
});
