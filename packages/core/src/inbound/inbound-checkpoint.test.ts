import { describe, expect, it } from 'vitest';
import { createMemoryCheckpoint } from './inbound-checkpoint.js';
import { createInboundState, type InboundState } from './inbound-state.js';

/** A state of `n` conversations whose serialisations are counted. */
function countedState(n: number): { state: InboundState; serialisations: () => number } {
  const state = createInboundState();
  for (let i = 0; i < n; i++) {
    state.conversations[`whatsapp/100/contact-${i}`] = {
      platform: 'whatsapp',
      platformId: '100',
      destination: `contact-${i}`,
      marker: String(i),
    };
  }
  let count = 0;
  Object.defineProperty(state, 'toJSON', {
    enumerable: false,
    value(this: InboundState) {
      count += 1;
      const { ...plain } = this;
      return plain;
    },
  });
  return { state, serialisations: () => count };
}

describe('createMemoryCheckpoint', () => {
  it('does not copy the state on each save, only once when it is closed', async () => {
    const checkpoint = createMemoryCheckpoint();
    expect(await checkpoint.open()).toBeUndefined();
    const { state, serialisations } = countedState(1_000);
    for (let i = 0; i < 500; i++) {
      state.conversations['whatsapp/100/contact-0']!.marker = String(10_000 + i);
      await checkpoint.save(state);
    }
    expect(serialisations()).toBe(0);
    await checkpoint.close();
    expect(serialisations()).toBe(1);
  });

  it('gives the next watch a copy of the state saved last, which later changes do not reach', async () => {
    const checkpoint = createMemoryCheckpoint();
    await checkpoint.open();
    const state = createInboundState();
    state.conversations['telegram/200/ana'] = {
      platform: 'telegram',
      platformId: '200',
      destination: 'ana',
      marker: '7',
      lastTaken: '6',
    };
    state.pending.push({
      platformId: '200',
      platform: 'telegram',
      destination: 'ana',
      messageId: '6',
      message: 'hi',
      sent: false,
      status: 'unread',
      datetime: '2026-01-01 10:00:00',
    });
    await checkpoint.save(state);
    await checkpoint.close();
    state.pending.length = 0;
    state.conversations['telegram/200/ana']!.marker = '99';

    const reopened = await checkpoint.open();
    expect(reopened).not.toBe(state);
    expect(reopened?.conversations['telegram/200/ana']).toEqual({
      platform: 'telegram',
      platformId: '200',
      destination: 'ana',
      marker: '7',
      lastTaken: '6',
    });
    expect(reopened?.pending.map((m) => m.messageId)).toEqual(['6']);
  });

  it('refuses a second open until the first watch has closed it', async () => {
    const checkpoint = createMemoryCheckpoint();
    await checkpoint.open();
    await expect(checkpoint.open()).rejects.toMatchObject({ code: 'INVALID_CONFIG' });
    await checkpoint.close();
    await expect(checkpoint.open()).resolves.toBeUndefined();
  });
});
