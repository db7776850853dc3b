/**
 * The relay's own metric, beside the client's: how many messages ended, by outcome. It counts
 * messages, not attempts (the client's and the receiver's own metrics show attempts), and its
 * only attribute is the outcome: no webhook URL, id, destination or text.
 */
import type { MeterProvider } from '@opentelemetry/api';
import type { RelayEvents } from './relay-events.js';

/** The counter's name; OpenTelemetry's Prometheus exporter shows it as `afilnet_relay_deliveries_total`. */
export const RELAY_DELIVERIES = 'afilnet.relay.deliveries';
/** Its one attribute: `delivered` (a 2xx) or `failed` (the retry window closed; kept in the failed list). */
export const RELAY_OUTCOME = 'afilnet.relay.outcome';

/**
 * `events` with each delivered and failed message also counted on {@link RELAY_DELIVERIES} of
 * `meterProvider`. Throws nothing.
 */
export function countDeliveries(events: RelayEvents, meterProvider: MeterProvider): RelayEvents {
  const deliveries = meterProvider.getMeter('@afilnet-chat/cli').createCounter(RELAY_DELIVERIES, {
    description:
      'Inbound messages the relay finished with: delivered (the receiver answered 2xx) or failed (retry window closed)',
    unit: '{message}',
  });
  return {
    ...events,
    delivered(message, webhookId, attempts, latencyMs) {
      deliveries.add(1, { [RELAY_OUTCOME]: 'delivered' });
      events.delivered?.(message, webhookId, attempts, latencyMs);
    },
    failed(message, webhookId, attempts, reason) {
      deliveries.add(1, { [RELAY_OUTCOME]: 'failed' });
      events.failed?.(message, webhookId, attempts, reason);
    },
  };
}
