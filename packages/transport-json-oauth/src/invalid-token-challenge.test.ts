import { describe, expect, it } from 'vitest';
import { refusesBearerToken } from './invalid-token-challenge.js';

describe('refusesBearerToken', () => {
  it.each([
    'Bearer error="invalid_token"',
    'Bearer realm="afilnet", error="invalid_token", error_description="expired"',
    'bearer error=invalid_token',
    'Basic realm="x", Bearer realm="afilnet", error="invalid_token"',
  ])('a 401 with %j refuses the token', (header) => {
    expect(refusesBearerToken(401, header)).toBe(true);
  });

  it.each([
    [401, 'Bearer realm="afilnet"'],
    [401, 'Bearer error="insufficient_scope"'],
    [401, 'Basic realm="afilnet", charset="UTF-8"'],
    [401, 'Bearer error="invalid_token_x"'],
    [401, undefined],
    [403, 'Bearer error="invalid_token"'],
  ] as const)('%i with %j does not', (status, header) => {
    expect(refusesBearerToken(status, header)).toBe(false);
  });
});
