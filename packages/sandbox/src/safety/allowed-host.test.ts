import { describe, expect, it } from 'vitest';
import { isAllowedHost } from './allowed-host.js';

describe('isAllowedHost', () => {
  it('lets loopback names through, with or without a port', () => {
    for (const host of ['localhost', 'localhost:8080', 'inbox.localhost:1', '127.0.0.1:3000', '127.1.2.3', '[::1]:80', 'LOCALHOST:9']) {
      expect(isAllowedHost(host, '127.0.0.1'), host).toBe(true);
    }
  });

  it('lets the bound address through', () => {
    expect(isAllowedHost('192.168.1.5:8080', '192.168.1.5')).toBe(true);
    expect(isAllowedHost('[fd00::1]:8080', 'fd00::1')).toBe(true);
  });

  it('refuses every other name, and a missing Host', () => {
    for (const host of [undefined, '', 'evil.example', 'evil.example:80', 'localhost.evil.example', '127.0.0.1.evil.example', '0.0.0.0:1', '[::2]']) {
      expect(isAllowedHost(host, '127.0.0.1'), String(host)).toBe(false);
    }
  });
});
