import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { AfilnetApiError, AfilnetError, AfilnetTransportError, AfilnetValidationError } from './errors.js';
import { ApiErrorCode, TransportErrorCode, ValidationErrorCode } from './error-codes.js';

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
    const error = new AfilnetTransportError('SOAP_FAULT', 'fault', { mayHaveBeenSent: true, faultCode: 'soap:Client', httpStatus: 500 });
    expect(JSON.parse(JSON.stringify(error))).toEqual({
      name: 'AfilnetTransportError',
      code: 'SOAP_FAULT',
      message: 'fault',
      mayHaveBeenSent: true,
      httpStatus: 500,
      faultCode: 'soap:Client',
    });
    const validation = new AfilnetValidationError('INVALID_PARAMS', 'bad', { issues: [{ path: 'a', message: 'is required' }] });
    expect(validation.message).toBe('bad (a: is required)');
    expect(JSON.parse(JSON.stringify(validation)).issues).toEqual([{ path: 'a', message: 'is required' }]);
  });

  it('with() copies an error with other details, keeping the cause', () => {
    const cause = new Error('reset');
    const error = new AfilnetTransportError('NETWORK', 'net', { mayHaveBeenSent: true, cause });
    const copy = error.with({ mayHaveBeenSent: false });
    expect(copy).toMatchObject({ code: 'NETWORK', message: 'net', mayHaveBeenSent: false });
    expect(copy.cause).toBe(cause);
    expect(inspect(copy)).toContain('AfilnetTransportError');
  });

  it('export every code as a constant whose value is the code itself', () => {
    for (const codes of [ApiErrorCode, TransportErrorCode, ValidationErrorCode]) {
      for (const [name, value] of Object.entries(codes)) expect(value).toBe(name);
    }
    expect(Object.keys(TransportErrorCode)).toContain('RATE_LIMITED');
    const limited = new AfilnetTransportError(TransportErrorCode.RATE_LIMITED, 'slow down', { httpStatus: 429, retryAfterMs: 2_000 });
    expect(limited.toJSON()).toMatchObject({ code: 'RATE_LIMITED', retryAfterMs: 2_000, mayHaveBeenSent: false });
  });
});
