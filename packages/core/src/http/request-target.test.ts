import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createRequestTargets } from './request-target.js';

/** What the executor took before: the URL parsed whole, every time. */
function parsedWhole(url: string) {
  const parsed = new URL(url);
  return { origin: parsed.origin, path: `${parsed.pathname}${parsed.search}` };
}

/** `new URL(url)`'s answer or the error it throws, by class. */
function outcome(read: (url: string) => unknown, url: string) {
  try {
    return { value: read(url) };
  } catch (error) {
    return { error: (error as Error).constructor.name };
  }
}

const endpointArbitrary = fc.oneof(
  fc.constantFrom(
    'https://www.afilnet.com/api/http/',
    'http://127.0.0.1:8080/api/http/',
    'http://127.0.0.1:8080/api/http/?',
    'http://127.0.0.1:8080/api/http/?x=1',
    'https://EXAMPLE.com:443/a/../b/%7e/ c',
    'https://example.com/a#frag',
    'https://example.com',
    'not a url',
  ),
  fc.webUrl({ withQueryParameters: true, withFragments: true }),
);

// Queries as the form encoder writes them, and anything at all.
const queryArbitrary = fc.oneof(
  fc.constant(''),
  fc.stringMatching(/^[A-Za-z0-9\-._~%=&+]*$/).map((q) => `?${q}`),
  fc.string({ unit: 'binary' }).map((q) => `?${q}`),
  fc.string({ unit: 'binary' }),
);

describe('createRequestTargets', () => {
  it('gives what new URL() gives, for every URL of a sequence sent through one executor', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(endpointArbitrary, queryArbitrary), { minLength: 1, maxLength: 8 }),
        (urls) => {
          const targets = createRequestTargets();
          for (const [endpoint, query] of urls) {
            const url = endpoint + query;
            expect(outcome(targets, url)).toEqual(outcome(parsedWhole, url));
          }
        },
      ),
      { numRuns: 2_000 },
    );
  });

  it('parses an endpoint once for the form-encoded queries sent to it', () => {
    const targets = createRequestTargets();
    const first = targets(
      'http://127.0.0.1:8080/api/http/?class=chat&method=sendmessage&message=Hello%20world',
    );
    expect(first).toEqual({
      origin: 'http://127.0.0.1:8080',
      path: '/api/http/?class=chat&method=sendmessage&message=Hello%20world',
    });
    expect(targets('http://127.0.0.1:8080/api/http/')).toBe(
      targets('http://127.0.0.1:8080/api/http/'),
    );
  });
});
