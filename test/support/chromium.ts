/**
 * Debian's Chromium, driven by playwright-core, for the inbox page's browser suite. Installed
 * with apt when missing and the user is root; otherwise the suite fails with the command to run.
 * The launch flags keep Chromium off the network entirely (no QUIC, no background or component
 * updates, no sync), and each browser gets a fresh profile in a temporary directory.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';

export const CHROMIUM_PATH = '/usr/bin/chromium';

const INSTALL_COMMAND =
  'export DEBIAN_FRONTEND=noninteractive; apt-get update && apt-get install -y --no-install-recommends -o DPkg::Lock::Timeout=300 chromium';

const LAUNCH_FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** Installs Debian's `chromium` package when it is missing; throws with the command when not root. */
export function ensureChromium(): void {
  if (existsSync(CHROMIUM_PATH)) return;
  if (process.getuid?.() !== 0) {
    throw new Error(
      `Chromium is not installed at ${CHROMIUM_PATH}. Install it with: sudo sh -c '${INSTALL_COMMAND}'`,
    );
  }
  execFileSync('sh', ['-c', INSTALL_COMMAND], { stdio: 'inherit', timeout: 600_000 });
  if (!existsSync(CHROMIUM_PATH))
    throw new Error(`apt-get did not install ${CHROMIUM_PATH}; run: ${INSTALL_COMMAND}`);
}

/** A running browser with its own profile directory. */
export interface Browser {
  readonly context: BrowserContext;
  close(): Promise<void>;
}

/** Launches Chromium headless with a fresh `--user-data-dir`. */
export async function launchChromium(): Promise<Browser> {
  ensureChromium();
  const profile = await mkdtemp(join(tmpdir(), 'afilnet-chat-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: LAUNCH_FLAGS,
    viewport: { width: 1200, height: 800 },
  });
  return {
    context,
    async close() {
      await context.close();
      await rm(profile, { recursive: true, force: true });
    },
  };
}
