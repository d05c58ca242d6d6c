import type { FairServer } from '../realtime/types.js';

/** The server-side event every node answers at once, so another can time its adapter. */
export const LAG_PROBE_EVENT = 'ops:lag-probe' as const;

/**
 * The scaled mode's adapter lag, for `fair_adapter_lag_seconds`: the time for a message sent
 * through the Redis adapter to be answered by every other node (a round trip through the
 * stream, both ways). 0 when this node is alone; null when a node did not answer within the
 * adapter's own timeout (5 s), which the metric shows as missing rather than as a number.
 *
 * Every node answers the probe (`answerLagProbes`); any node can then time it (`adapterLagSeconds`).
 */
export function answerLagProbes(io: FairServer): void {
  io.on(LAG_PROBE_EVENT, (ack) => ack());
}

export async function adapterLagSeconds(io: FairServer): Promise<number | null> {
  const startedAt = performance.now();
  try {
    await io.serverSideEmitWithAck(LAG_PROBE_EVENT);
  } catch {
    return null;
  }
  return (performance.now() - startedAt) / 1000;
}
