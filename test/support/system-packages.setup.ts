/**
 * The services tier's global set-up: as root, installs the Debian packages the services suites
 * drive for real (`redis-server` for the fleet suites, `chromium` for the inbox's browser suite, `prometheus`
 * for the metrics suite)
 * once, one after the other, before any of those suites runs. Test files run in parallel workers,
 * and two `apt-get` runs at once would fight over dpkg's lock. Without root it installs nothing
 * and throws nothing: each suite checks for its package itself and fails alone, with the command
 * that installs it, while the other suites still run.
 */
import { ensurePrometheus } from '../../scripts/prometheus-server.mjs';
import { ensureRedisServer } from '../../scripts/redis-server.mjs';
import { ensureChromium } from './chromium.js';

export default function setup(): void {
  if (process.getuid?.() !== 0) return;
  ensureRedisServer();
  ensureChromium();
  ensurePrometheus();
}
