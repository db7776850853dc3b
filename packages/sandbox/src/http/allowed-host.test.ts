import { describe, expect, it } from 'vitest';
import { allowedHostNames, isAllowedHost, isLoopbackBinding } from './allowed-host.js';

describe('isAllowedHost', () => {
  it('lets loopback names through, with or without a port', () => {
    for (const host of [
      'localhost',
      'localhost:8080',
      'inbox.localhost:1',
      '127.0.0.1:3000',
      '127.1.2.3',
      '[::1]:80',
      'LOCALHOST:9',
    ]) {
      expect(isAllowedHost(host, '127.0.0.1'), host).toBe(true);
    }
  });

  it('lets the bound address through', () => {
    expect(isAllowedHost('192.168.1.5:8080', '192.168.1.5')).toBe(true);
    expect(isAllowedHost('[fd00::1]:8080', 'fd00::1')).toBe(true);
  });

  it('refuses every other name, and a missing Host', () => {
    for (const host of [
      undefined,
      '',
      'evil.example',
      'evil.example:80',
      'localhost.evil.example',
      '127.0.0.1.evil.example',
      '0.0.0.0:1',
      '[::2]',
    ]) {
      expect(isAllowedHost(host, '127.0.0.1'), String(host)).toBe(false);
    }
  });

  it('lets the allowed names through, in any case, with any port', () => {
    const allowed = allowedHostNames(['sandbox', 'Sandbox.Internal.', '[FD00::5]', 'fd00::6']);
    for (const host of [
      'sandbox',
      'sandbox:8080',
      'SANDBOX.internal:1',
      'sandbox.internal.',
      '[fd00::5]:80',
      '[fd00::6]',
    ]) {
      expect(isAllowedHost(host, '127.0.0.1', allowed), host).toBe(true);
    }
    for (const host of [
      'sandbox.evil.example',
      'evil.sandbox',
      'sandbox.internal.evil',
      '[fd00::7]',
    ]) {
      expect(isAllowedHost(host, '127.0.0.1', allowed), host).toBe(false);
    }
  });
});

describe('allowedHostNames', () => {
  it.each([
    ['http://sandbox'],
    ['sandbox:8080'],
    ['*.example'],
    ['sandbox/inbox'],
    [''],
    ['two words'],
    ['a:80'],
  ])('refuses %j, naming the entry', (name) => {
    expect(() => allowedHostNames(['sandbox', name])).toThrow(
      /^allowedHosts\[1\] must be a host name/,
    );
  });
});

describe('isLoopbackBinding', () => {
  it('tells loopback addresses from the others', () => {
    for (const host of ['127.0.0.1', '127.0.0.2', 'localhost', '::1', '[::1]'])
      expect(isLoopbackBinding(host), host).toBe(true);
    for (const host of ['0.0.0.0', '::', '192.168.1.5', 'fd00::1'])
      expect(isLoopbackBinding(host), host).toBe(false);
  });
});
