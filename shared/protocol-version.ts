// Its own module so the browser's entry can import it without the protocol's zod schemas.
/**
 * The protocol this build speaks. The client sends it as `auth.protocol` in the Socket.IO
 * handshake; a server that no longer speaks it refuses with `CLIENT_OUTDATED`, and the client
 * reloads into the new build. Version 2: batched `presence:changed`, capped join snapshot,
 * `presence:list`, `booth:join.sinceSeq`.
 */
export const PROTOCOL_VERSION = 2;
