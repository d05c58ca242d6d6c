import { LOBBY_OCCUPANCY_MS_PER_PERSON } from '../../shared/limits.js';
import { redisScript, storeClient, type RedisClient } from '../realtime/redis.js';

/**
 * What the lobby was last told, per booth. In memory with one node; in Redis with several, so
 * that a count one node sent is not sent again by another, and a change made on one node is
 * not held back because another node's last frame happened to carry the same number.
 */
export interface LobbyLedger {
  /** Of these counts, the ones that differ from what the lobby was last told: recorded as told, and answered. */
  claim(counts: Record<string, number>): Promise<Record<string, number>>;
}

export function memoryLobbyLedger(): LobbyLedger {
  const lastSent = new Map<string, number>();
  return {
    claim(counts) {
      const changes: Record<string, number> = {};
      for (const [boothId, count] of Object.entries(counts)) {
        if (lastSent.get(boothId) === count) continue;
        lastSent.set(boothId, count);
        changes[boothId] = count;
      }
      return Promise.resolve(changes);
    },
  };
}

/** Compares and records in one step: two nodes flushing the same new count send it once. ARGV: booth, count, booth, count… */
const CLAIM = redisScript(
  `
local changed = {}
for i = 1, #ARGV, 2 do
  if redis.call('HGET', KEYS[1], ARGV[i]) ~= ARGV[i + 1] then
    redis.call('HSET', KEYS[1], ARGV[i], ARGV[i + 1])
    changed[#changed + 1] = ARGV[i]
    changed[#changed + 1] = ARGV[i + 1]
  end
end
return changed
`,
  'lobby counts',
);

/** The ledger of the scaled mode: one hash under the fair's prefix, shared by every node. */
export function redisLobbyLedger(redis: RedisClient, keyPrefix: string): LobbyLedger {
  const key = `${keyPrefix}lobby:told`;
  const client = storeClient(redis);
  return {
    async claim(counts) {
      const args = Object.entries(counts).flatMap(([boothId, count]) => [boothId, String(count)]);
      if (args.length === 0) return {};
      const flat = (await CLAIM(client, { keys: [key], arguments: args })) as string[];
      const changes: Record<string, number> = {};
      for (let i = 0; i + 1 < flat.length; i += 2) changes[flat[i]!] = Number(flat[i + 1]);
      return changes;
    },
  };
}

/**
 * Coalesces occupancy changes into at most one `lobby:occupancy` per interval, carrying only
 * booths whose count differs from what was last sent. With hundreds of joins a second the
 * lobby still gets one small message a second. Counts are read when the frame goes (with
 * several nodes: every node's members); a frame that could not be read or claimed is tried
 * again at the next interval.
 */
export function createOccupancyBroadcaster(options: {
  intervalMs: number;
  /** How many connections each update goes to: a big audience hears less often (LOBBY_OCCUPANCY_MS_PER_PERSON). */
  audienceSize?: () => number;
  countOf: (boothId: number) => Promise<number>;
  /** What the lobby was last told (memoryLobbyLedger unless set). */
  ledger?: LobbyLedger;
  emit: (changes: Record<string, number>) => void;
  failed?: (err: unknown) => void;
}) {
  const ledger = options.ledger ?? memoryLobbyLedger();
  const dirty = new Set<number>();
  let timer: NodeJS.Timeout | undefined;
  let closed = false;

  async function flush(): Promise<void> {
    timer = undefined;
    const boothIds = [...dirty];
    dirty.clear();
    try {
      const counts = await Promise.all(boothIds.map((boothId) => options.countOf(boothId)));
      const changes = await ledger.claim(Object.fromEntries(boothIds.map((boothId, i) => [boothId, counts[i]!])));
      if (!closed && Object.keys(changes).length > 0) options.emit(changes);
    } catch (err) {
      options.failed?.(err);
      for (const boothId of boothIds) changed(boothId);
    }
  }

  /** Notes that a booth's count may have changed. */
  function changed(boothId: number): void {
    if (closed) return;
    dirty.add(boothId);
    if (!timer) {
      timer = setTimeout(() => void flush(), Math.max(options.intervalMs, (options.audienceSize?.() ?? 0) * LOBBY_OCCUPANCY_MS_PER_PERSON));
      timer.unref();
    }
  }

  return {
    changed,
    close(): void {
      closed = true;
      clearTimeout(timer);
    },
  };
}
