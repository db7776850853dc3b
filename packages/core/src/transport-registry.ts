/**
 * The transports an app has imported. A transport package registers its factory when it is
 * imported, so a transport named by string is found without a dynamic import: inside a bundle,
 * where no package can be imported by name, an `import '@afilnet-chat/transport-post'` anywhere
 * in the app is enough (SPEC §9).
 */
import type { TransportName } from './security.js';
import type { ChatTransport } from './transport.js';
import type { TransportFactoryOptions } from './transport-options.js';

/** Builds a transport from the options core resolved from the client's configuration. */
export type TransportFactory = (options: TransportFactoryOptions) => ChatTransport;

const registry = new Map<TransportName, TransportFactory>();

/**
 * Makes `factory` the transport core uses for `transport: name`. Each transport package calls it
 * once, from the module its `sideEffects` names. Registering a name again replaces the factory.
 * Throws nothing.
 *
 * @see https://esbuild.github.io/api/#tree-shaking why the registering module is declared in `sideEffects`
 */
export function registerTransport(name: TransportName, factory: TransportFactory): void {
  registry.set(name, factory);
}

/** The factory registered for `name`, if its package was imported. Throws nothing. */
export function registeredTransport(name: TransportName): TransportFactory | undefined {
  return registry.get(name);
}
