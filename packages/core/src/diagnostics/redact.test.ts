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
    const oauth = Buffer.from(
      `${encodeURIComponent('demo@example.com')}:${encodeURIComponent(password)}`,
    ).toString('base64');
    expect(redactor.text(`Basic ${raw}`)).toBe(`Basic ${REDACTED}`);
    expect(redactor.text(`Basic ${oauth}`)).toBe(`Basic ${REDACTED}`);
  });

  it('scrubs an error chain in place and learns run-time secrets', () => {
    redactor.add('token-abc-123');
    const error = new Error(`failed with ${password}`, {
      cause: new Error('Bearer token-abc-123'),
    });
    redactor.error(error);
    expect(error.message).toBe(`failed with ${REDACTED}`);
    expect(String(error.stack)).not.toContain(password);
    expect((error.cause as Error).message).toBe(`Bearer ${REDACTED}`);
  });

  it('forgets a held secret once a newer one was held and no holder is left', () => {
    const fresh = createRedactor([]);
    const releaseOne = fresh.hold('token-one-111');
    const releaseTwo = fresh.hold('token-two-222');
    // Both held: both removed.
    expect(fresh.text('token-one-111 token-two-222')).toBe(`${REDACTED} ${REDACTED}`);
    releaseOne();
    // Replaced and no longer held: forgotten. The newest stays, held or not.
    expect(fresh.text('token-one-111')).toBe('token-one-111');
    releaseTwo();
    releaseTwo();
    expect(fresh.text('token-two-222')).toBe(REDACTED);
    const releaseAgain = fresh.hold('token-two-222');
    fresh.hold('token-three-333')();
    expect(fresh.text('token-two-222')).toBe(REDACTED);
    releaseAgain();
    expect(fresh.text('token-two-222 token-three-333')).toBe(`token-two-222 ${REDACTED}`);
  });

  it('never forgets a lasting secret, even one also held', () => {
    const fresh = createRedactor(['lasting-secret-1']);
    fresh.hold('lasting-secret-1')();
    fresh.hold('token-x-999')();
    fresh.hold('token-y-999')();
    expect(fresh.text('lasting-secret-1 token-x-999 token-y-999')).toBe(
      `${REDACTED} token-x-999 ${REDACTED}`,
    );
  });
});
