/**
 * Finding a built-in transport by name: the one its package registered when the app
 * imported it, else its package imported on demand. Core never imports a transport statically
 * and does not depend on any, so an app that installs core and one transport loads nothing else.
 */
import { AfilnetValidationError } from './errors.js';
import { BUILT_IN_TRANSPORTS, type TransportName } from './security.js';
import type { ChatTransport } from './transport.js';
import { registeredTransport } from './transport-registry.js';
import type { TransportFactoryOptions } from './transport-options.js';

/** Imports a module by specifier (`import()` unless a test stands in for it). */
export type ModuleImporter = (specifier: string) => Promise<unknown>;

const importModule: ModuleImporter = (specifier) => import(specifier);

/**
 * The command that installs `packageName` with the package manager that started the process, as
 * its `npm_config_user_agent` names it (`pnpm/10.0.0 npm/? node/v20…`, set by npm, pnpm, yarn
 * and bun for the scripts they run); npm's when none did, since npm comes with Node.
 */
export function installCommand(packageName: string, userAgent: string | undefined): string {
  const manager = /^(pnpm|yarn|bun)\//.exec(userAgent ?? '')?.[1];
  return manager === undefined ? `npm install ${packageName}` : `${manager} add ${packageName}`;
}

function isMissingPackage(error: unknown, packageName: string): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  const message = error instanceof Error ? error.message : '';
  return (code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND' || /Cannot find (package|module)|Failed to load url/i.test(message)) &&
    message.includes(packageName);
}

/**
 * Calls the factory of a built-in transport: the registered one, else the one its package
 * registers or exports once imported (by the app's resolution of the package name).
 *
 * @throws {AfilnetValidationError} `TRANSPORT_NOT_INSTALLED`, naming the package to install,
 *   when the package cannot be found or does not export its factory.
 */
export async function loadTransport(
  name: TransportName,
  options: TransportFactoryOptions,
  importer: ModuleImporter = importModule,
): Promise<ChatTransport> {
  const registered = registeredTransport(name);
  if (registered) return registered(options);
  const { packageName, factory } = BUILT_IN_TRANSPORTS[name];
  const notInstalled = (cause?: unknown) =>
    new AfilnetValidationError(
      'TRANSPORT_NOT_INSTALLED',
      `The ${name} transport needs the package ${packageName}: install it (${installCommand(packageName, globalThis.process?.env?.npm_config_user_agent)})`,
      { issues: [{ path: 'transport', message: `package ${packageName} is not installed` }], cause },
    );
  let mod: unknown;
  try {
    mod = await importer(packageName);
  } catch (error) {
    if (isMissingPackage(error, packageName)) throw notInstalled();
    throw error;
  }
  // The package registered itself on import, unless it did so with another copy of core (two
  // versions side by side in node_modules): its named factory export serves that case.
  const create = registeredTransport(name) ?? (mod as Record<string, unknown> | null)?.[factory];
  if (typeof create !== 'function') throw notInstalled();
  return (create as (o: TransportFactoryOptions) => ChatTransport)(options);
}
