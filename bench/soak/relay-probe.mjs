/**
 * Loaded into the relay's process (`node --import bench/soak/relay-probe.mjs …/afilnet-chat.js
 * relay …`, forked with an IPC channel) so that the soak measures it from inside, as it measures
 * the `watchInbound` watcher: Node gives the event loop's delay (`monitorEventLoopDelay`), the
 * live heap and CPU time to the process itself only, and the relay's own metrics
 * (`--metrics-port`) are the client's calls and deliveries, not these. The probe adds nothing to
 * the relay but the event-loop delay's 10 ms timer, and only during half the polls of a window;
 * it does not keep the process alive, so the relay ends on SIGTERM as it does when run by hand.
 */
import { onCommand } from '../worker/parent-channel.mjs';
import { measureListener } from './measure-listener.mjs';

onCommand('measure', (job) => measureListener(job));
process.channel?.unref();
