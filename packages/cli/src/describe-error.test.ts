import { describe, expect, it } from 'vitest';
import { AfilnetApiError, AfilnetTransportError, AfilnetValidationError } from '@afilnet-chat/core';
import { CliUsageError } from './cli-usage-error.js';
import { describeError } from './describe-error.js';
import { EXIT_CODES } from './exit-codes.js';

describe('describeError', () => {
  it('gives each kind of error its own exit code', () => {
    expect(describeError(new CliUsageError('bad')).exitCode).toBe(EXIT_CODES.USAGE);
    expect(describeError(new AfilnetValidationError('INVALID_PARAMS', 'bad input')).exitCode).toBe(
      EXIT_CODES.USAGE,
    );
    expect(
      describeError(new AfilnetApiError('CHANNEL_NOT_FOUND', { httpStatus: 200 })).exitCode,
    ).toBe(EXIT_CODES.API_ERROR);
    expect(describeError(new AfilnetTransportError('NETWORK', 'refused')).exitCode).toBe(
      EXIT_CODES.TRANSPORT_ERROR,
    );
    expect(describeError(new TypeError('bug'))).toMatchObject({
      exitCode: EXIT_CODES.FAILURE,
      code: 'INTERNAL',
    });
    expect(new Set(Object.values(EXIT_CODES)).size).toBe(Object.keys(EXIT_CODES).length);
  });

  it('says what to do, from the code', () => {
    expect(
      describeError(new AfilnetApiError('CHANNEL_NOT_FOUND', { httpStatus: 200 })).hint,
    ).toContain("'afilnet-chat channels'");
    const noTransport = new AfilnetValidationError(
      'INVALID_CONFIG',
      'Invalid client configuration',
      {
        issues: [{ path: 'transport', message: 'is required' }],
      },
    );
    expect(describeError(noTransport).hint).toContain('--transport');
    const noPassword = new AfilnetValidationError(
      'INVALID_CONFIG',
      'Invalid client configuration',
      {
        issues: [{ path: 'credentials.password', message: 'is required' }],
      },
    );
    expect(describeError(noPassword).hint).toContain('--password-stdin');
    expect(describeError(new CliUsageError('bad', 'send')).hint).toBe(
      "see 'afilnet-chat send --help'",
    );
  });

  it('warns that a send may have gone through only when it may have', () => {
    const maybe = new AfilnetTransportError('TIMEOUT', 'late', { mayHaveBeenSent: true });
    const surely = new AfilnetTransportError('NETWORK', 'refused', { mayHaveBeenSent: false });
    expect(describeError(maybe).hint).toContain('may have been sent');
    expect(describeError(surely).hint).not.toContain('may have been sent');
    expect(describeError(maybe).json).toMatchObject({ code: 'TIMEOUT', mayHaveBeenSent: true });
  });
});
