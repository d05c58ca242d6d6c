/**
 * Runs a server script unchanged (BENCH_SERVER: the fair's server/index.ts or the bare
 * server), with the event-loop delay probe the bench reads (BENCH_LOOP_FILE).
 */
import { startLoopProbe } from './loop-probe.js';

const [server, file] = [process.env.BENCH_SERVER, process.env.BENCH_LOOP_FILE];
if (!server || !file) throw new Error('BENCH_SERVER and BENCH_LOOP_FILE must be set');
startLoopProbe(file);
// If the bench dies without stopping us (SIGKILL, crash), we are re-parented: stop too.
const parent = process.ppid;
setInterval(() => {
  if (process.ppid !== parent) process.exit(0);
}, 1000).unref();
await import(server);
