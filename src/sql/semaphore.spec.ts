import { describe, expect, it } from 'vitest';

import { Semaphore } from './semaphore.js';

describe(Semaphore.name, () => {
  it('hands out at most its capacity and queues the rest in order', async () => {
    const semaphore = new Semaphore(2);
    const first = await semaphore.acquire(1_000);
    const second = await semaphore.acquire(1_000);
    expect(semaphore.inUse).toBe(2);
    const order: string[] = [];
    const third = semaphore.acquire(1_000).then((release) => {
      order.push('third');
      return release;
    });
    first();
    first(); // releasing twice gives back one slot only
    (await third)();
    second();
    expect(order).toEqual(['third']);
    expect(semaphore.inUse).toBe(0);
  });

  it('fails with CONNECTION_LIMIT_ERROR when no slot frees up in time', async () => {
    const semaphore = new Semaphore(1);
    const held = await semaphore.acquire(1_000);
    await expect(semaphore.acquire(50, 'database connection')).rejects.toMatchObject({
      errorType: 'CONNECTION_LIMIT_ERROR',
    });
    held();
    expect(semaphore.inUse).toBe(0);
  });
});
