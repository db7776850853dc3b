import { describe, expect, it } from 'vitest';
import { AfilnetValidationError } from '../errors/errors.js';
import { OptionChecks } from './option-checks.js';

function problemsOf(check: () => void): unknown {
  try {
    check();
  } catch (error) {
    expect(error).toBeInstanceOf(AfilnetValidationError);
    return (error as AfilnetValidationError).issues;
  }
  return [];
}

describe('OptionChecks', () => {
  it('names every bad option at once, never quoting its value', () => {
    const options = {
      url: 'redis://user:s3cret@host',
      queueName: '',
      intervalMs: 1.5,
      recheckMs: 5,
      flag: 'yes',
      prefix: 7,
      misspelt: 1,
    };
    let thrown: unknown;
    try {
      new OptionChecks(options, 'test')
        .onlyKnown(['url', 'queueName', 'intervalMs', 'recheckMs', 'flag', 'prefix', 'key'])
        .custom('url', (value) => value instanceof URL, 'must be a URL object')
        .name('queueName')
        .integer('intervalMs', 'milliseconds')
        .integer('recheckMs', 'milliseconds', 10)
        .boolean('flag')
        .string('prefix')
        .required('key', 'is required: pass 32 bytes')
        .done();
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(AfilnetValidationError);
    expect((thrown as Error).message).toMatch(/^Invalid test options/);
    expect(thrown).toMatchObject({
      code: 'INVALID_CONFIG',
      issues: [
        { path: 'misspelt', message: 'is not an option' },
        { path: 'url', message: 'must be a URL object' },
        { path: 'queueName', message: 'must be a non-empty string' },
        { path: 'intervalMs', message: 'must be a whole number of milliseconds' },
        { path: 'recheckMs', message: 'must be at least 10' },
        { path: 'flag', message: 'must be a boolean' },
        { path: 'prefix', message: 'must be a string' },
        { path: 'key', message: 'is required: pass 32 bytes' },
      ],
    });
    expect(JSON.stringify(thrown)).not.toContain('s3cret');
    expect(String((thrown as Error).stack)).not.toContain('s3cret');
  });

  it('passes options left out and good ones, and refuses a missing options object', () => {
    expect(
      problemsOf(() =>
        new OptionChecks({ flag: true, intervalMs: 10 }, 'test')
          .onlyKnown(['flag', 'intervalMs', 'name'])
          .name('name')
          .boolean('flag')
          .integer('intervalMs', 'ms', 10)
          .done(),
      ),
    ).toEqual([]);
    expect(problemsOf(() => new OptionChecks(undefined, 'test').done())).toEqual([
      { path: '', message: 'must be an options object' },
    ]);
  });
});
