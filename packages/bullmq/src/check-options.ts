/**
 * Checks of the options we own, made when a queue, worker or poller is created, with core's
 * {@link OptionChecks}. The options BullMQ owns are passed to it as they are: BullMQ checks them
 * itself.
 */
import { OptionChecks } from '@afilnet-chat/core/transport';

const CONNECTION = 'must be ioredis options or an ioredis client';

/**
 * The checks of a fleet factory's options, starting with `connection`: BullMQ's (ioredis
 * options or a client), of which only the presence is ours to check.
 */
export function fleetOptionChecks(options: unknown, what: string): OptionChecks {
  return new OptionChecks(options, what)
    .required('connection', CONNECTION)
    .custom('connection', (value) => typeof value === 'object' && value !== null, CONNECTION);
}
