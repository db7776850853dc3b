/**
 * Finding a transport: the one mechanism for built-in and third-party transports
 * alike is a {@link TransportDefinition}, a name and rating with a factory. A built-in name stands
 * for the definition whose factory is imported from its package at first use.
 *
 * Core depends on no transport: each package is imported with a literal specifier, so that Node
 * loads only the transport an app uses, and a bundler follows the import and bundles the
 * transports the app installed. The `.catch` right on each `import()` is what lets esbuild leave a
 * package that is not installed to fail at run time rather than fail the build.
 *
 * @see https://esbuild.github.io/api/#non-analyzable-imports why the specifiers must be literals for a bundler to follow them
 */
import { BUILT_IN_TRANSPORTS, type TransportName } from './built-in-transports.js';
import { AfilnetValidationError } from '../errors/errors.js';
import type { ChatTransport } from './transport.js';
import type { TransportDefinition, TransportFactoryOptions } from './options.js';

/** A built-in transport's factory, as its package exports it. */
type TransportFactory = (options: TransportFactoryOptions) => ChatTransport;

/** Imports a built-in transport's factory; undefined when its package does not export one. */
export type FactoryLoader = () => Promise<TransportFactory | undefined>;

/** What a transport package exports, as far as core reads it. */
type TransportModule = Readonly<Record<string, TransportFactory | undefined>>;

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
  return (
    (code === 'ERR_MODULE_NOT_FOUND' ||
      code === 'MODULE_NOT_FOUND' ||
      /Cannot find (package|module)|Failed to load url/i.test(message)) &&
    message.includes(packageName)
  );
}

function notInstalled(name: TransportName): AfilnetValidationError {
  const { packageName } = BUILT_IN_TRANSPORTS[name];
  return new AfilnetValidationError(
    'TRANSPORT_NOT_INSTALLED',
    `The ${name} transport needs the package ${packageName}: install it (${installCommand(packageName, globalThis.process?.env?.npm_config_user_agent)})`,
    { issues: [{ path: 'transport', message: `package ${packageName} is not installed` }] },
  );
}

/** The `.catch` of a transport's import: a missing package is `TRANSPORT_NOT_INSTALLED`, anything else rethrown. */
function missing(name: TransportName): (error: unknown) => never {
  return (error) => {
    throw isMissingPackage(error, BUILT_IN_TRANSPORTS[name].packageName)
      ? notInstalled(name)
      : error;
  };
}

// The specifiers are typed as plain strings so that the compiler does not resolve them (core does
// not depend on its transports); the emitted JavaScript keeps them literal for bundlers.
const BUILT_IN_FACTORIES: Readonly<Record<TransportName, FactoryLoader>> = {
  get: () =>
    import('@afilnet-chat/transport-get' as string)
      .catch(missing('get'))
      .then((m: TransportModule) => m.createGetTransport),
  post: () =>
    import('@afilnet-chat/transport-post' as string)
      .catch(missing('post'))
      .then((m: TransportModule) => m.createPostTransport),
  basic: () =>
    import('@afilnet-chat/transport-basic' as string)
      .catch(missing('basic'))
      .then((m: TransportModule) => m.createBasicTransport),
  soap: () =>
    import('@afilnet-chat/transport-soap' as string)
      .catch(missing('soap'))
      .then((m: TransportModule) => m.createSoapTransport),
  'json-oauth': () =>
    import('@afilnet-chat/transport-json-oauth' as string)
      .catch(missing('json-oauth'))
      .then((m: TransportModule) => m.createJsonOAuthTransport),
};

/**
 * The definition of the built-in transport `name`: its rating, and a factory that imports the
 * package at first use. Throws nothing; its `create` throws `AfilnetValidationError`
 * `TRANSPORT_NOT_INSTALLED`, naming the package to install, when the package cannot be found or
 * exports no factory, and rethrows any other failure of the import.
 */
export function builtInTransport(
  name: TransportName,
  loaders: Readonly<Record<TransportName, FactoryLoader>> = BUILT_IN_FACTORIES,
): TransportDefinition {
  return {
    name,
    security: BUILT_IN_TRANSPORTS[name].security,
    async create(options) {
      const factory = await loaders[name]();
      if (typeof factory !== 'function') throw notInstalled(name);
      return factory(options);
    },
  };
}
