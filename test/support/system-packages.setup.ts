/**
 * vitest global set-up: installs the Debian packages the suites drive for real (`redis-server`
 * for the fleet suites, `chromium` for the inbox's browser suite, `prometheus` for the metrics suite) once, one after the other,
 * before any test file runs. Test files run in parallel workers, and two `apt-get` runs at once
 * would fight over dpkg's lock; each suite still checks for its package itself when run alone.
 */
import { ensurePrometheus } from '../../scripts/prometheus-server.mjs';
import { ensureRedisServer } from '../../scripts/redis-server.mjs';
import { ensureChromium } from './chromium.js';

export default function setup(): void {
  ensureRedisServer();
  ensureChromium();
  ensurePrometheus();
}
