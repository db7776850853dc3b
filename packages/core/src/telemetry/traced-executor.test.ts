import { describe, expect, it } from 'vitest';
import { scrubbedUrl } from './traced-executor.js';

describe('url.full', () => {
  it('keeps origin, path and parameter names, never a value, user or password', () => {
    expect(
      scrubbedUrl(
        new URL(
          'https://u:p@api.example.com:8443/api/http/?class=chat&password=s3cret&message=hi%20there',
        ),
      ),
    ).toBe(
      'https://api.example.com:8443/api/http/?class=REDACTED&password=REDACTED&message=REDACTED',
    );
    expect(scrubbedUrl(new URL('https://api.example.com/api/json/'))).toBe(
      'https://api.example.com/api/json/',
    );
  });
});
