/**
 * Checks what test clients receive against the protocol registry. Every socket opened with
 * `openSocket` is watched; a violation is recorded and fails the running test from the
 * `afterEach` hook in protocol-setup.ts, so no test needs code of its own for it.
 */
import { isErrorCode } from '../../shared/errors.js';
import { COMMANDS, SERVER_EVENTS, isCommandName, isEventName } from '../../shared/protocol.js';

/** One thing the server sent that the registry does not allow. */
export interface ProtocolViolation {
  /** The event or command name as received. */
  name: string;
  problem: string;
}

/** The part of a socket the watcher needs: a listener for every incoming event. */
export interface IncomingEvents {
  onAny(listener: (event: string, ...args: unknown[]) => void): unknown;
}

/**
 * With connection-state recovery (the scaled mode), Socket.IO appends each broadcast's offset
 * in the adapter's stream as a last string argument, and gives the client a private session id
 * (socket.io-client's `_pid`) to recover with. That argument is Socket.IO's, not ours.
 */
function withoutRecoveryOffset(socket: IncomingEvents, args: unknown[]): unknown[] {
  const recovering = typeof (socket as { _pid?: unknown })._pid === 'string';
  return recovering && args.length === 2 && typeof args[1] === 'string' ? args.slice(0, 1) : args;
}

let violations: ProtocolViolation[] = [];

function describeIssues(error: { issues: readonly { path: readonly PropertyKey[]; message: string }[] }): string {
  return error.issues.map((issue) => `${issue.path.map(String).join('.') || '(payload)'}: ${issue.message}`).join('; ');
}

/** Why a server event breaks the registry (unknown name, extra arguments, payload off its schema), or null when it does not. */
export function checkServerEvent(name: string, args: readonly unknown[]): string | null {
  if (!isEventName(name)) return 'not a server event in SERVER_EVENTS';
  if (args.length !== 1) return `expected one payload, got ${args.length} arguments`;
  const parsed = SERVER_EVENTS[name].safeParse(args[0]);
  return parsed.success ? null : describeIssues(parsed.error);
}

/**
 * Why an ack breaks the registry, or null. An ack is a Result: `{ ok: true, data }` with data
 * matching COMMANDS[name].data (checked for known commands only: tests send junk names on
 * purpose), or `{ ok: false, error }` with a code from the closed list.
 */
export function checkAck(name: string, ack: unknown): string | null {
  if (typeof ack !== 'object' || ack === null || !('ok' in ack)) return 'ack is not a Result';
  if (ack.ok === true) {
    if (!isCommandName(name)) return null;
    const parsed = COMMANDS[name].data.safeParse((ack as { data?: unknown }).data);
    return parsed.success ? null : `ack data: ${describeIssues(parsed.error)}`;
  }
  if (ack.ok !== false) return 'ack.ok is neither true nor false';
  const error = (ack as { error?: unknown }).error;
  if (typeof error !== 'object' || error === null) return 'failed ack without an error';
  const { code, message } = error as { code?: unknown; message?: unknown };
  if (!isErrorCode(code)) return `error code ${String(code)} is not in the closed list`;
  if (typeof message !== 'string') return 'error message is not a string';
  return null;
}

/** Records a violation; protocol-setup.ts fails the test with it. */
export function recordViolation(violation: ProtocolViolation): void {
  violations.push(violation);
}

/** Checks every event the socket receives from now on against SERVER_EVENTS. */
export function watchServerEvents(socket: IncomingEvents): void {
  socket.onAny((name: string, ...args: unknown[]) => {
    const problem = checkServerEvent(name, withoutRecoveryOffset(socket, args));
    if (problem) recordViolation({ name, problem });
  });
}

/** Throws (and forgets them) when anything received so far broke the registry. */
export function assertProtocolClean(): void {
  if (violations.length === 0) return;
  const found = violations;
  violations = [];
  const lines = found.slice(0, 10).map((v) => `  ${v.name}: ${v.problem}`);
  if (found.length > 10) lines.push(`  … and ${found.length - 10} more`);
  throw new Error(`The server sent ${found.length} frame(s) that break the protocol registry (shared/protocol.ts):\n${lines.join('\n')}`);
}
