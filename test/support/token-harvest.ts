/**
 * A `fetch` that remembers every bearer token a token endpoint issues, so that leak scans can
 * look for tokens the test never chose (the sandbox mints its own).
 */
import type { FetchFunction } from '@afilnet-chat/core';

export function harvestingFetch(tokens: Set<string>): FetchFunction {
  return async (input, init) => {
    const response = await fetch(input, init);
    if (new URL(input).pathname.includes('/oauth/')) {
      const body = await response
        .clone()
        .text()
        .catch(() => '');
      try {
        const token = (JSON.parse(body) as { access_token?: unknown }).access_token;
        if (typeof token === 'string' && token !== '') tokens.add(token);
      } catch {
        // Not a token answer: nothing to remember.
      }
    }
    return response;
  };
}
