import { describe, expect, it } from '@jest/globals';
import { useAction } from './action';

describe('useAction', () => {
  it('is busy while the action runs and idle after it', async () => {
    const a = useAction();
    let seen = false;
    await a.run(async () => {
      seen = a.busy.value;
    });
    expect(seen).toBe(true);
    expect(a.busy.value).toBe(false);
    expect(a.error.value).toBeNull();
  });

  it('keeps a refusal for display and clears it when the next action starts', async () => {
    const a = useAction();
    const refusal = new Error('409 VERSION_CONFLICT');
    await a.run(async () => {
      throw refusal;
    });
    expect(a.error.value).toBe(refusal);
    expect(a.busy.value).toBe(false);
    let during: unknown = 'unset';
    await a.run(async () => {
      during = a.error.value;
    });
    expect(during).toBeNull();
  });
});
