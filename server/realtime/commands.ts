import type { Result } from '../../shared/errors.js';
import { COMMANDS, type CommandData, type CommandName, type CommandPayload } from '../../shared/protocol.js';
import { can, type Capability } from '../../shared/roles.js';
import type { AuthUser } from '../auth/service.js';
import { isStorageError, storageErrorCode } from '../db/storage-errors.js';
import { fail, invalidPayload, unavailable } from '../http/errors.js';
import type { Logger } from '../logger.js';
import type { CommandBudget } from './command-budget.js';
import type { FairSocket } from './types.js';

export type { CommandName, CommandPayload };

/** Who sent a command: the socket and the signed-in person behind it. */
export interface CommandContext {
  socket: FairSocket;
  user: AuthUser;
}

/** The booth a capability is checked in; an absent boothId means fair-wide. */
export interface CapabilityScope {
  boothId?: number;
}

/**
 * One command of the server's command table: what it takes to send it, and what it does.
 * `commands.ts` checks the capability in its scope (and, with `inBooth`, that this socket has
 * joined the booth) before the handler runs; a handler only checks what depends on data it
 * reads (rank, who wrote a message, whether a booth is full).
 */
export interface CommandSpec<N extends CommandName> {
  /** The capability the sender must hold; a function when it depends on what is changed. */
  capability: Capability | ((payload: CommandPayload<N>) => Capability[]);
  /**
   * Where it is checked: 'fair' (no booth), 'booth' (the payload's `boothId`, fair-wide when
   * absent), or a function that finds the booth (a message's booth, read from the database).
   */
  scope: 'fair' | 'booth' | ((payload: CommandPayload<N>) => CapabilityScope | Promise<CapabilityScope>);
  /** The socket must have joined the payload's booth (NOT_IN_BOOTH otherwise). */
  inBooth?: boolean;
  /** Gets a validated, authorized payload; returns the ack (a value, never a throw). */
  handle(ctx: CommandContext, payload: CommandPayload<N>): Result<CommandData<N>> | Promise<Result<CommandData<N>>>;
}

/** Every command the server answers, each declared once: the authorization test reads it too. */
export type CommandTable = { [N in CommandName]: CommandSpec<N> };

const boothIdOf = (payload: unknown): number | undefined => (payload as { boothId?: number }).boothId;

/** The capabilities and scope one payload of a command needs (also used by the authorization test). */
export async function requirementsOf<N extends CommandName>(
  spec: CommandSpec<N>,
  payload: CommandPayload<N>,
): Promise<{ capabilities: Capability[]; scope: CapabilityScope }> {
  const capabilities = typeof spec.capability === 'function' ? spec.capability(payload) : [spec.capability];
  const scope = spec.scope === 'fair' ? {} : spec.scope === 'booth' ? { boothId: boothIdOf(payload) } : await spec.scope(payload);
  return { capabilities, scope };
}

const forbidden = () => fail('FORBIDDEN', 'You do not have permission to do that.');
const notInBooth = () => fail('NOT_IN_BOOTH', 'Enter the booth first.');
const noAck = () => undefined;

/** Told of every ack the router answers (the metrics count them); it must not throw, and is guarded anyway. */
export type AckObserver = (command: CommandName, result: Result<unknown>) => void;

/** Answers a command; a client whose ack callback throws is not our problem. */
function answer(ack: (result: Result<unknown>) => void, result: Result<unknown>, logger: Logger, command: CommandName, onAck?: AckObserver): void {
  try {
    ack(result);
  } catch (err) {
    logger.warn({ err, command }, 'ack failed');
  }
  if (!onAck) return;
  try {
    onAck(command, result);
  } catch (err) {
    logger.warn({ err, command }, 'ack observer failed');
  }
}

/**
 * The server's command router, built once. Each socket gets the same single listener (no
 * closures per connection: they are multiplied by every member online). For every command:
 * the budget first (a refused command costs almost nothing), then the payload is parsed at the
 * edge, then the capability is checked in its scope, then the handler runs. Every ack is
 * answered exactly once, whatever the client sends (no payload, no callback, junk) and
 * whatever the handler does.
 */
export function createCommandRouter(
  table: CommandTable,
  logger: Logger,
  budget?: Pick<CommandBudget, 'admit'>,
  onAck?: AckObserver,
  /** Asked before each ack: true when the connection was cut off for not reading what it was sent (no ack then). */
  cutOffIfNotReading?: (socket: FairSocket) => boolean,
) {
  async function run(socket: FairSocket, command: CommandName, args: unknown[]): Promise<void> {
    const spec = table[command] as unknown as CommandSpec<CommandName>;
    const last = args[args.length - 1];
    const ack = typeof last === 'function' ? (last as (result: Result<unknown>) => void) : noAck;
    const payload = typeof args[0] === 'function' ? undefined : args[0];
    if (budget) {
      const refused = await budget.admit(socket, command, payload).catch((err: unknown) => {
        logger.warn({ err, command }, 'command budget unavailable; admitting');
        return null;
      });
      if (refused) return answer(ack, refused, logger, command, onAck);
    }
    const { user } = socket.data;
    let result: Result<unknown>;
    try {
      const parsed = COMMANDS[command].payload.safeParse(payload);
      if (!parsed.success) {
        result = invalidPayload(parsed.error);
      } else {
        const { capabilities, scope } = await requirementsOf(spec, parsed.data);
        if (!capabilities.every((capability) => can(user, capability, scope))) result = forbidden();
        else if (spec.inBooth && !socket.data.booths.has(boothIdOf(parsed.data)!)) result = notInBooth();
        else result = await spec.handle({ socket, user }, parsed.data);
      }
    } catch (err) {
      if (isStorageError(err)) {
        // Transient: nothing was stored, and the client may send the same command again.
        logger.warn({ err, command, sqlite: storageErrorCode(err), userId: user?.id }, 'storage unavailable');
        result = unavailable();
      } else {
        logger.error({ err, command, userId: user?.id }, 'command failed');
        result = fail('INTERNAL', 'Something went wrong on our side; please try again.');
      }
    }
    // A client that sends many requests and reads none of the answers (each may be a large
    // page) is stopped at the answer that would take its queue past the limit.
    if (cutOffIfNotReading?.(socket)) return;
    answer(ack, result, logger, command, onAck);
  }

  // Socket.IO calls catch-all listeners with the socket as `this`. Own keys only, so an
  // event named "constructor" finds nothing.
  function onCommand(this: FairSocket, name: string, ...args: unknown[]): void {
    if (Object.hasOwn(table, name)) void run(this, name as CommandName, args);
  }

  return {
    /** Starts answering this socket's commands. */
    attach(socket: FairSocket): void {
      socket.onAny(onCommand);
    },
  };
}
