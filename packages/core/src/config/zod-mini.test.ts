import { describe, expect, it } from 'vitest';
import { createChatClient } from '../client/client.js';
import type { AfilnetValidationError } from '../errors/errors.js';

const credentials = { user: 'demo@example.com', password: 'pw' };

function issuesOf(config: unknown): AfilnetValidationError['issues'] {
  try {
    createChatClient(config as never);
  } catch (error) {
    return (error as AfilnetValidationError).issues;
  }
  throw new Error('accepted');
}

describe("core's schemas on zod/mini", () => {
  it("word zod's own checks in English, as zod's classic API does", () => {
    expect(
      issuesOf({
        transport: 'post',
        credentials,
        minimumSecurity: 'ultra',
        basic: { method: 'PUT' },
      }),
    ).toEqual([
      { path: 'basic.method', message: 'Invalid option: expected one of "GET"|"POST"' },
      {
        path: 'minimumSecurity',
        message: 'Invalid option: expected one of "low"|"medium"|"medium-high"|"high"',
      },
    ]);
  });
});
