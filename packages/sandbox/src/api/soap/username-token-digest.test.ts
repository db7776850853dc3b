import { describe, expect, it } from 'vitest';
import { usernameTokenDigest } from './username-token-digest.js';

describe('usernameTokenDigest (UsernameToken Profile 1.0 §3.1)', () => {
  it('matches a vector computed by another implementation', () => {
    // Python: base64(sha1(b64decode(nonce) + created.encode() + 'pässword'.encode('utf-8'))).
    const nonce = Buffer.from('WScqanjCEAC4mQoBE07sAQ==', 'base64');
    expect(usernameTokenDigest(nonce, '2003-07-16T01:24:32Z', 'pässword')).toBe(
      'jX2T0vpJHlyMIw1OgO0283mGeaQ=',
    );
  });
});
