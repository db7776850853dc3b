import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import {
  AfilnetApiError,
  AfilnetError,
  AfilnetTransportError,
  AfilnetValidationError,
} from './errors.js';
import { ApiErrorCode, TransportErrorCode, ValidationErrorCode } from './codes.js';

describe('errors', () => {
  it('have stable codes and names, and instanceof works through the hierarchy', () => {
    const api = new AfilnetApiError('CHAT_NOT_FOUND', { httpStatus: 200 });
    expect(api).toBeInstanceOf(AfilnetError);
    expect(api).toBeInstanceOf(AfilnetApiError);
    expect(api).not.toBeInstanceOf(AfilnetTransportError);
    expect(api.name).toBe('AfilnetApiError');
    expect(api.code).toBe('CHAT_NOT_FOUND');
    expect(api.message).toContain('CHAT_NOT_FOUND');
  });

  it('are recognised across two copies of core through their Symbol.for brand', () => {
    const foreign = Object.create(Error.prototype) as Record<symbol, unknown>;
    Object.defineProperty(foreign, Symbol.for('afilnet-chat.error'), { value: true });
    Object.defineProperty(foreign, Symbol.for('afilnet-chat.error.transport'), { value: true });
    expect(foreign).toBeInstanceOf(AfilnetError);
    expect(foreign).toBeInstanceOf(AfilnetTransportError);
    expect(foreign).not.toBeInstanceOf(AfilnetApiError);
    expect({}).not.toBeInstanceOf(AfilnetError);
  });

  it('serialise to JSON with their code and details', () => {
    const error = new AfilnetTransportError('SOAP_FAULT', 'fault', {
      mayHaveBeenSent: true,
      faultCode: 'soap:Client',
      httpStatus: 500,
    });
    expect(JSON.parse(JSON.stringify(error))).toEqual({
      name: 'AfilnetTransportError',
      code: 'SOAP_FAULT',
      message: 'fault',
      mayHaveBeenSent: true,
      httpStatus: 500,
      faultCode: 'soap:Client',
    });
    const validation = new AfilnetValidationError('INVALID_PARAMS', 'bad', {
      issues: [{ path: 'a', message: 'is required' }],
    });
    expect(validation.message).toBe('bad (a: is required)');
    expect(JSON.parse(JSON.stringify(validation)).issues).toEqual([
      { path: 'a', message: 'is required' },
    ]);
  });

  it('with() copies an error with other details, keeping the cause', () => {
    const cause = new Error('reset');
    const error = new AfilnetTransportError('NETWORK', 'net', { mayHaveBeenSent: true, cause });
    const copy = error.with({ mayHaveBeenSent: false });
    expect(copy).toMatchObject({ code: 'NETWORK', message: 'net', mayHaveBeenSent: false });
    expect(copy.cause).toBe(cause);
    expect(inspect(copy)).toContain('AfilnetTransportError');
  });

  it('keep an API code only when it looks like one; anything else is UNKNOWN_CODE, quoted escaped', () => {
    expect(new AfilnetApiError('NEW_CODE_2', { httpStatus: 200 }).code).toBe('NEW_CODE_2');
    expect(new AfilnetApiError('A'.repeat(64), { httpStatus: 200 }).code).toBe('A'.repeat(64));
    const hostile = '\u001b]0;owned\u0007\u001b[2J\u009b31m\u0085\u007f\u2028';
    for (const code of [hostile, 'lower_case', 'A'.repeat(65), 'SPACE CODE', 'ÉCODE', `OK\n`]) {
      const error = new AfilnetApiError(code, { httpStatus: 200 });
      expect(error.code).toBe(ApiErrorCode.UNKNOWN_CODE);
      for (const view of [
        error.message,
        error.stack ?? '',
        JSON.stringify(error),
        inspect(error),
      ]) {
        expect(view).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u2028\u2029]/);
      }
    }
    const error = new AfilnetApiError(hostile, { httpStatus: 200 });
    expect(error.message).toContain(
      '"\\u001b]0;owned\\u0007\\u001b[2J\\u009b31m\\u0085\\u007f\\u2028"',
    );
    expect(error.toJSON()).toMatchObject({ code: 'UNKNOWN_CODE', httpStatus: 200 });
    // The quote is cut: a server cannot fill a log through the code.
    expect(
      new AfilnetApiError('x'.repeat(100_000), { httpStatus: 200 }).message.length,
    ).toBeLessThan(200);
  });

  it('export every code as a constant whose value is the code itself', () => {
    for (const codes of [ApiErrorCode, TransportErrorCode, ValidationErrorCode]) {
      for (const [name, value] of Object.entries(codes)) expect(value).toBe(name);
    }
    expect(Object.keys(TransportErrorCode)).toContain('RATE_LIMITED');
    const limited = new AfilnetTransportError(TransportErrorCode.RATE_LIMITED, 'slow down', {
      httpStatus: 429,
      retryAfterMs: 2_000,
    });
    expect(limited.toJSON()).toMatchObject({
      code: 'RATE_LIMITED',
      retryAfterMs: 2_000,
      mayHaveBeenSent: false,
    });
  });
});
