import type { Result } from '../../shared/errors.js';
import { COMMANDS, type CommandData, type CommandName, type CommandPayload } from '../../shared/protocol.js';
import { isStorageError, storageErrorCode } from '../db/storage-errors.js';
import { fail, invalidPayload, unavailable } from '../http/errors.js';
import type { Logger } from '../logger.js';
import type { CommandGate } from './command-budget.js';
import type { FairSocket } from './types.js';

/** A command handler: gets a validated payload, returns the ack (a value, never a throw). */
export type CommandHandler<E extends CommandName> = (payload: CommandPayload<E>) => Result<CommandData<E>> | Promise<Result<CommandData<E>>>;
export type CommandHandlers = { [E in CommandName]?: CommandHandler<E> };

const noAck = () => undefined;
const admitAll: CommandGate = { admit: () => Promise.resolve(null) };

/** Answers a refused command; a client whose ack callback throws is not our problem. */
function answerRefusal(ack: (result: Result<unknown>) => void, refusal: Result<unknown>): void {
  try {
    ack(refusal);
  } catch {
    // Same as the ack below: nothing to do for a broken callback.
  }
}

/**
 * Registers handlers on one socket. Every payload is parsed with its schema at the edge, and
 * every ack is answered exactly once, whatever the client sends (no payload, no callback,
 * junk) and whatever the handler does. The gate (the command budget) is asked first, before
 * anything is parsed: a refused command costs the server almost nothing.
 */
export function registerCommands(socket: FairSocket, handlers: CommandHandlers, logger: Logger, gate: CommandGate = admitAll): void {
  // One listener for all commands rather than one closure per command: it is multiplied by
  // every member online. Own keys only, so an event named "constructor" finds nothing.
  socket.onAny((name: string, ...args: unknown[]) => {
    if (Object.hasOwn(handlers, name)) void run(name as CommandName, args);
  });

  async function run(command: CommandName, args: unknown[]): Promise<void> {
    const handler = handlers[command] as CommandHandler<CommandName>;
    const last = args[args.length - 1];
    const ack = typeof last === 'function' ? (last as (result: Result<unknown>) => void) : noAck;
    const payload = typeof args[0] === 'function' ? undefined : args[0];
    const refused = await gate.admit(command, payload).catch((err: unknown) => {
      logger.warn({ err, command }, 'command budget unavailable; admitting');
      return null;
    });
    if (refused) return answerRefusal(ack, refused);
    let result: Result<unknown>;
    try {
      const parsed = COMMANDS[command].payload.safeParse(payload);
      result = parsed.success ? await handler(parsed.data) : invalidPayload(parsed.error);
    } catch (err) {
      if (isStorageError(err)) {
        // Transient: nothing was stored, and the client may send the same command again.
        logger.warn({ err, command, sqlite: storageErrorCode(err), userId: socket.data.user?.id }, 'storage unavailable');
        result = unavailable();
      } else {
        logger.error({ err, command, userId: socket.data.user?.id }, 'command failed');
        result = fail('INTERNAL', 'Something went wrong on our side; please try again.');
      }
    }
    try {
      ack(result);
    } catch (err) {
      logger.warn({ err, command }, 'ack failed');
    }
  }
}
