/**
 * A dependency this node needs to serve anyone (the database now; Redis in the scaled mode).
 * `check` resolves (or returns) when the dependency answers, and throws or rejects when it
 * does not. It should be cheap: it runs every couple of seconds and at every metrics scrape.
 */
export interface DependencyProbe {
  /** Names the dependency in /healthz (`checks.<name>`) and the metrics (`dependency` label). */
  name: string;
  check(): Promise<void> | void;
}

/** One run of one probe. */
export interface ProbeOutcome {
  ok: boolean;
  /** How long the probe took, in milliseconds (one decimal). */
  ms: number;
}

/**
 * An asynchronous probe that has not answered by then counts as down: a dependency that hangs
 * is as useless as one that refuses. (A synchronous probe, such as SQLite's, cannot be cut
 * short; its own busy timeout bounds it.)
 */
export const PROBE_TIMEOUT_MS = 1_000;

/** Runs one probe and times it; never throws. */
export async function runProbe(probe: DependencyProbe, timeoutMs = PROBE_TIMEOUT_MS): Promise<ProbeOutcome> {
  const startedAt = performance.now();
  let timer: NodeJS.Timeout | undefined;
  let ok: boolean;
  try {
    const pending = probe.check();
    if (pending instanceof Promise) {
      const timedOut = new Promise<never>((_resolve, reject) => {
        timer = setTimeout(() => reject(new Error(`${probe.name} probe timed out`)), timeoutMs);
      });
      await Promise.race([pending, timedOut]);
    }
    ok = true;
  } catch {
    ok = false;
  } finally {
    clearTimeout(timer);
  }
  return { ok, ms: Math.round((performance.now() - startedAt) * 10) / 10 };
}

/** Runs every probe (concurrently: a slow Redis does not delay the database's answer). */
export async function runProbes(probes: readonly DependencyProbe[], timeoutMs = PROBE_TIMEOUT_MS): Promise<Record<string, ProbeOutcome>> {
  const outcomes = await Promise.all(probes.map((probe) => runProbe(probe, timeoutMs)));
  return Object.fromEntries(probes.map((probe, i) => [probe.name, outcomes[i]!]));
}
