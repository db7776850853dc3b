import { describe, expect, it } from 'vitest';
import { createRedactor, REDACTED } from './redact.js';

describe('createRedactor', () => {
  const password = 's3cr3t P@ss+word/=';
  const redactor = createRedactor([password], [['demo@example.com', password]]);

  it('removes a secret in its raw, percent-encoded and form-encoded forms', () => {
    for (const form of [password, 's3cr3t%20P%40ss%2Bword%2F%3D', 's3cr3t+P%40ss%2Bword%2F%3D']) {
      expect(redactor.text(`x=${form}&y`)).toBe(`x=${REDACTED}&y`);
    }
  });

  it('removes the Basic header value of user:password, raw and RFC 6749 form-encoded', () => {
    const raw = Buffer.from(`demo@example.com:${password}`).toString('base64');
    const oauth = Buffer.from(`${encodeURIComponent('demo@example.com')}:${encodeURIComponent(password)}`).toString('base64');
    expect(redactor.text(`Basic ${raw}`)).toBe(`Basic ${REDACTED}`);
    expect(redactor.text(`Basic ${oauth}`)).toBe(`Basic ${REDACTED}`);
  });

  it('scrubs an error chain in place and learns run-time secrets', () => {
    redactor.add('token-abc-123');
    const error = new Error(`failed with ${password}`, { cause: new Error('Bearer token-abc-123') });
    redactor.error(error);
    expect(error.message).toBe(`failed with ${REDACTED}`);
    expect(String(error.stack)).not.toContain(password);
    expect((error.cause as Error).message).toBe(`Bearer ${REDACTED}`);
  });
});
