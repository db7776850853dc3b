import { describe, expect, it } from 'vitest';
import { DEMO_ACCOUNT, SandboxState } from './sandbox-state.js';
import { Journal, RETAINED_MESSAGES } from './journal.js';

const USER = DEMO_ACCOUNT.user;

function sandboxState(): { journal: Journal; state: SandboxState } {
  const journal = new Journal();
  return { journal, state: new SandboxState([DEMO_ACCOUNT], journal) };
}

function receive(state: SandboxState, destination: string, count: number): void {
  for (let i = 0; i < count; i++)
    state.append(USER, {
      platform: 'whatsapp',
      platformId: '100',
      destination,
      message: `${destination} ${i}`,
      sent: false,
    });
}

const count = (journal: Journal, destination: string) => journal.messages({ destination }).length;

describe('Journal: at most RETAINED_MESSAGES messages', () => {
  it('drops the messages of the conversations quiet the longest, whole, once past the limit', () => {
    const { journal, state } = sandboxState();
    receive(state, 'oldest', 10);
    receive(state, 'quiet', 20);
    receive(state, 'active', 5);
    receive(state, 'oldest', 1);
    receive(state, 'busy', RETAINED_MESSAGES - 36);
    expect(journal.messages()).toHaveLength(RETAINED_MESSAGES);

    receive(state, 'busy', 1);
    // "quiet" has been quiet the longest ("oldest" spoke after it): all of it goes, nothing else.
    expect([count(journal, 'quiet'), count(journal, 'oldest'), count(journal, 'active')]).toEqual([
      0, 11, 5,
    ]);
    expect(journal.messages()).toHaveLength(RETAINED_MESSAGES - 19);
    expect(journal.messages()[0]?.message).toBe('oldest 0');
  });

  it('drops the oldest messages of a single conversation past the limit, and never brings one back', () => {
    const { journal, state } = sandboxState();
    receive(state, 'only', RETAINED_MESSAGES + 3);
    const kept = journal.messages();
    expect(kept).toHaveLength(RETAINED_MESSAGES);
    expect([kept[0]?.message, kept.at(-1)?.message]).toEqual([
      'only 3',
      `only ${RETAINED_MESSAGES + 2}`,
    ]);
    // Marking every message read publishes each, the dropped ones included: they stay dropped.
    state.takeUnread(USER, 'whatsapp', '100', 'only');
    expect(journal.messages()).toHaveLength(RETAINED_MESSAGES);
    expect(journal.messages()[0]).toMatchObject({ message: 'only 3', status: 'read' });
  });
});
