import { writeFileSync } from 'node:fs';
import { monitorEventLoopDelay } from 'node:perf_hooks';

/** What the probe writes on each SIGUSR2: event-loop delay since the previous signal. */
export interface LoopDelaySample {
  seq: number;
  p99Ms: number;
  maxMs: number;
}

/**
 * Measures this process's event-loop delay for the bench. On SIGUSR2 it writes the figures
 * since the last signal to `file` and starts over, so the bench can measure one phase at a
 * time from outside. SIGUSR2 is otherwise unused by Node (SIGUSR1 starts the inspector).
 */
export function startLoopProbe(file: string): void {
  const histogram = monitorEventLoopDelay({ resolution: 1 });
  histogram.enable();
  let seq = 0;
  process.on('SIGUSR2', () => {
    const sample: LoopDelaySample = { seq: ++seq, p99Ms: histogram.percentile(99) / 1e6, maxMs: histogram.max / 1e6 };
    writeFileSync(file, JSON.stringify(sample));
    histogram.reset();
  });
}
