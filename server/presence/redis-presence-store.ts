import { randomBytes } from 'node:crypto';
import type { PresenceEntry } from '../../shared/protocol.js';
import type { AuthUser } from '../auth/service.js';
import type { Logger } from '../logger.js';
import { redisCaller, redisScript, RedisUnavailableError, storeClient, type RedisClient } from '../realtime/redis.js';
import type { BoothCounts, JoinOutcome, PresenceListener, PresenceStore } from './presence-store.js';

/** Longest pause between two sweeps (expiries, dead nodes, this node's heartbeat). */
const PRESENCE_SWEEP_MAX_MS = 1_000;
/** Shortest: a test's grace period of a few hundred milliseconds is still swept on time. */
const PRESENCE_SWEEP_MIN_MS = 20;
/** Expiries handled per sweep; more wait for the next one. */
const EXPIRIES_PER_SWEEP = 500;
/** A node's own grace periods are swept this long after they end (Redis's clock and ours may differ a little). */
const GRACE_SWEEP_MARGIN_MS = 5;
/** Departures kept for replay while Redis is away; past this the oldest are given up (and logged). */
const BACKLOG_MAX = 100_000;

/** How often a node sweeps for this grace period: several times within it, at most every PRESENCE_SWEEP_MAX_MS. */
export function sweepIntervalFor(graceMs: number): number {
  return Math.min(PRESENCE_SWEEP_MAX_MS, Math.max(PRESENCE_SWEEP_MIN_MS, Math.floor(graceMs / 8)));
}

export interface RedisPresenceOptions {
  redis: RedisClient;
  /** config.redisKeyPrefix: every key of this store starts with it, then `presence:`. */
  keyPrefix: string;
  /** config.nodeId: a node that restarts under the same name hands its old connections to the grace period at once. */
  nodeId: string;
  graceMs: number;
  /** A node not heard from for this long is taken for dead: its connections go to the grace period. */
  nodeTimeoutMs: number;
  /** How often this node sweeps and says it is alive (sweepIntervalFor(graceMs) unless set). */
  sweepMs?: number;
  onChanged: PresenceListener;
  logger: Logger;
}

// ── Keys (after `<prefix>presence:`) ────────────────────────────────────────────────────────
// b:<booth>:v          hash   userId → entry JSON {userId, displayName, role, private}
// b:<booth>:ids        zset   userId, score 0: ZRANGEBYLEX pages in userId order
// b:<booth>:staff      set    visitors with a role above member (always in a snapshot)
// b:<booth>:priv       set    visitors on a private visit (SCARD: what members may not count)
// b:<booth>:s:<user>   hash   socketId → instance holding it: the person's connections in that booth
// u:<user>             set    booths where the person is present
// grace                zset   "<booth>|<user>" → when their grace period ends (ms, Redis clock)
// instances            zset   instance ("<nodeId>#<random>", one per process) → last heartbeat (ms)
// i:<instance>         set    "<booth>|<user>|<socket>": that process's connections, for when it dies
// reaped               set    live instances whose connections were moved to the grace period (they put them back)
//
// Every change is one Lua script, so a change is atomic whatever the other nodes do. The scripts
// name their keys from the prefix passed in ARGV[1]: this needs one Redis server (or a prefix
// with a hash tag on a cluster), which is what the scaled mode runs.
const PRELUDE = `
local p = ARGV[1]
local function now_ms()
  local t = redis.call('TIME')
  return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end
local function key(booth, part) return p .. 'b:' .. booth .. ':' .. part end
local function sockets_key(booth, user) return p .. 'b:' .. booth .. ':s:' .. user end
local function counts(booth)
  local n = redis.call('ZCARD', key(booth, 'ids'))
  return n, n - redis.call('SCARD', key(booth, 'priv'))
end
local function remove_visitor(booth, user)
  local entry = redis.call('HGET', key(booth, 'v'), user)
  if not entry then return false end
  redis.call('HDEL', key(booth, 'v'), user)
  redis.call('ZREM', key(booth, 'ids'), user)
  redis.call('SREM', key(booth, 'staff'), user)
  redis.call('SREM', key(booth, 'priv'), user)
  redis.call('ZREM', p .. 'grace', booth .. '|' .. user)
  redis.call('SREM', p .. 'u:' .. user, booth)
  local skey = sockets_key(booth, user)
  local held = redis.call('HGETALL', skey)
  for i = 1, #held, 2 do redis.call('SREM', p .. 'i:' .. held[i + 1], booth .. '|' .. user .. '|' .. held[i]) end
  redis.call('DEL', skey)
  return entry
end
local function drop_socket(booth, user, socket, grace_ms, now)
  local skey = sockets_key(booth, user)
  local instance = redis.call('HGET', skey, socket)
  if not instance then return end
  redis.call('HDEL', skey, socket)
  redis.call('SREM', p .. 'i:' .. instance, booth .. '|' .. user .. '|' .. socket)
  if redis.call('HLEN', skey) == 0 and redis.call('HEXISTS', key(booth, 'v'), user) == 1 then
    redis.call('ZADD', p .. 'grace', now + grace_ms, booth .. '|' .. user)
  end
end
local function departed(booth, entry)
  if not entry then return false end
  local n, public = counts(booth)
  return { entry, n, public }
end
`;

/** ARGV: prefix, booth, user, socket, instance, private (1/0), displayName, role, capacity ('' for none). */
const JOIN = `
local booth, user, socket, instance = ARGV[2], ARGV[3], ARGV[4], ARGV[5]
local privately = ARGV[6] == '1'
local stored = redis.call('HGET', key(booth, 'v'), user)
local entry, arrived, changed = nil, 0, 0
if stored then
  entry = cjson.decode(stored)
  -- Once private, private until the visit ends: another device must not reveal them.
  if privately and not entry.private then
    entry.private = true
    redis.call('SADD', key(booth, 'priv'), user)
    changed = 1
  end
  entry.displayName = ARGV[7]
else
  if ARGV[9] ~= '' and redis.call('ZCARD', key(booth, 'ids')) >= tonumber(ARGV[9]) then return { 'full' } end
  entry = { userId = user, displayName = ARGV[7], role = ARGV[8], private = privately }
  redis.call('ZADD', key(booth, 'ids'), 0, user)
  if ARGV[8] ~= 'member' then redis.call('SADD', key(booth, 'staff'), user) end
  if privately then redis.call('SADD', key(booth, 'priv'), user) end
  redis.call('SADD', p .. 'u:' .. user, booth)
  arrived = 1
end
local encoded = cjson.encode(entry)
redis.call('HSET', key(booth, 'v'), user, encoded)
redis.call('HSET', sockets_key(booth, user), socket, instance)
redis.call('SADD', p .. 'i:' .. instance, booth .. '|' .. user .. '|' .. socket)
redis.call('ZREM', p .. 'grace', booth .. '|' .. user)
local n, public = counts(booth)
return { 'ok', encoded, arrived, changed, n, public }
`;

/** ARGV: prefix, booth, user, socket. */
const LEAVE = `
local booth, user, socket = ARGV[2], ARGV[3], ARGV[4]
local skey = sockets_key(booth, user)
local instance = redis.call('HGET', skey, socket)
if instance then
  redis.call('HDEL', skey, socket)
  redis.call('SREM', p .. 'i:' .. instance, booth .. '|' .. user .. '|' .. socket)
end
if redis.call('HLEN', skey) > 0 then return false end
return departed(booth, remove_visitor(booth, user))
`;

/** ARGV: prefix, booth, user, socket, graceMs. */
const DROP = `
drop_socket(ARGV[2], ARGV[3], ARGV[4], tonumber(ARGV[5]), now_ms())
return false
`;

/** ARGV: prefix, booth, user. */
const REMOVE = `
return departed(ARGV[2], remove_visitor(ARGV[2], ARGV[3]))
`;

/** ARGV: prefix, booth. */
const COUNTS = `
local n, public = counts(ARGV[2])
return { n, public }
`;

/** ARGV: prefix, booth, viewer, viewer is staff (1/0), others max. */
const SNAPSHOT = `
local booth, viewer, staff_viewer, max = ARGV[2], ARGV[3], ARGV[4] == '1', tonumber(ARGV[5])
local priv, staff = key(booth, 'priv'), key(booth, 'staff')
local shown = {}
local function show(user)
  local entry = redis.call('HGET', key(booth, 'v'), user)
  if entry then shown[#shown + 1] = entry end
end
local function visible(user) return staff_viewer or user == viewer or redis.call('SISMEMBER', priv, user) == 0 end
for _, user in ipairs(redis.call('SMEMBERS', staff)) do
  if visible(user) then show(user) end
end
if redis.call('SISMEMBER', staff, viewer) == 0 then show(viewer) end
local others, from = 0, '-'
while others < max do
  local chunk = redis.call('ZRANGEBYLEX', key(booth, 'ids'), from, '+', 'LIMIT', 0, 100)
  for _, user in ipairs(chunk) do
    if others >= max then break end
    if user ~= viewer and redis.call('SISMEMBER', staff, user) == 0 and visible(user) then
      show(user)
      others = others + 1
    end
  end
  if #chunk < 100 then break end
  from = '(' .. chunk[#chunk]
end
return shown
`;

/** ARGV: prefix, booth, viewer, viewer is staff (1/0), after userId ('' from the start), limit. */
const PAGE = `
local booth, viewer, staff_viewer, limit = ARGV[2], ARGV[3], ARGV[4] == '1', tonumber(ARGV[6])
local priv = key(booth, 'priv')
local page, more = { 0 }, false
local from = ARGV[5] == '' and '-' or '(' .. ARGV[5]
while not more do
  local chunk = redis.call('ZRANGEBYLEX', key(booth, 'ids'), from, '+', 'LIMIT', 0, 200)
  for _, user in ipairs(chunk) do
    if staff_viewer or user == viewer or redis.call('SISMEMBER', priv, user) == 0 then
      if #page > limit then
        more = true
        break
      end
      page[#page + 1] = redis.call('HGET', key(booth, 'v'), user)
    end
  end
  if #chunk < 200 then break end
  from = '(' .. chunk[#chunk]
end
if more then page[1] = 1 end
return page
`;

/**
 * Every SWEEP: this process is alive; the connections of processes not heard from for
 * ARGV[5] ms (when ARGV[6] is 1), and of earlier processes of this node, go to the grace
 * period; grace periods that ran out end. Only the node whose script removed an expired
 * visitor is told of it, so each expiry is announced once fair-wide.
 * ARGV: prefix, instance, node id, graceMs, node timeout ms, reap others (1/0), expiries max.
 * Answers { lost (1/0), connections moved to the grace period, booth, entry, count, public, booth, entry, ... }.
 */
const SWEEP = `
local me, node, grace_ms, timeout_ms = ARGV[2], ARGV[3], tonumber(ARGV[4]), tonumber(ARGV[5])
local now = now_ms()
local instances = p .. 'instances'
-- Lost: Redis forgot this process (restarted empty), or another node took it for dead.
local lost = redis.call('ZSCORE', instances, me) == false
if redis.call('SREM', p .. 'reaped', me) == 1 then lost = true end
redis.call('ZADD', instances, now, me)
local dead = {}
if ARGV[6] == '1' then dead = redis.call('ZRANGEBYSCORE', instances, '-inf', now - timeout_ms) end
local mine = node .. '#'
for _, instance in ipairs(redis.call('ZRANGE', instances, 0, -1)) do
  if instance ~= me and string.sub(instance, 1, #mine) == mine then dead[#dead + 1] = instance end
end
local moved = 0
for _, instance in ipairs(dead) do
  if instance ~= me then
    local held = redis.call('SMEMBERS', p .. 'i:' .. instance)
    moved = moved + #held
    for _, member in ipairs(held) do
      local a = string.find(member, '|', 1, true)
      local b = string.find(member, '|', a + 1, true)
      drop_socket(string.sub(member, 1, a - 1), string.sub(member, a + 1, b - 1), string.sub(member, b + 1), grace_ms, now)
    end
    redis.call('DEL', p .. 'i:' .. instance)
    -- Kept (marked) while it held connections: if it is alive after all, its next sweep puts them back.
    if #held == 0 then
      redis.call('ZREM', instances, instance)
      redis.call('SREM', p .. 'reaped', instance)
    else
      redis.call('SADD', p .. 'reaped', instance)
    end
  end
end
local out = { lost and 1 or 0, moved }
for _, member in ipairs(redis.call('ZRANGEBYSCORE', p .. 'grace', '-inf', now, 'LIMIT', 0, tonumber(ARGV[7]))) do
  redis.call('ZREM', p .. 'grace', member)
  local a = string.find(member, '|', 1, true)
  local booth, user = string.sub(member, 1, a - 1), string.sub(member, a + 1)
  if redis.call('HLEN', sockets_key(booth, user)) == 0 then
    local gone = departed(booth, remove_visitor(booth, user))
    if gone then
      out[#out + 1] = booth
      for _, value in ipairs(gone) do out[#out + 1] = value end
    end
  end
end
return out
`;

/** ARGV: prefix, instance, graceMs. This process is closing: its connections go to the grace period now. */
const RELEASE = `
local me, now = ARGV[2], now_ms()
for _, member in ipairs(redis.call('SMEMBERS', p .. 'i:' .. me)) do
  local a = string.find(member, '|', 1, true)
  local b = string.find(member, '|', a + 1, true)
  drop_socket(string.sub(member, 1, a - 1), string.sub(member, a + 1, b - 1), string.sub(member, b + 1), tonumber(ARGV[3]), now)
end
redis.call('DEL', p .. 'i:' .. me)
redis.call('ZREM', p .. 'instances', me)
redis.call('SREM', p .. 'reaped', me)
return false
`;

const script = (body: string, doing: string) => redisScript(PRELUDE + body, doing);
type Script = ReturnType<typeof script>;

const SCRIPTS = {
  join: script(JOIN, 'presence join'),
  leave: script(LEAVE, 'presence leave'),
  drop: script(DROP, 'presence drop'),
  remove: script(REMOVE, 'presence removal'),
  counts: script(COUNTS, 'presence counts'),
  snapshot: script(SNAPSHOT, 'presence snapshot'),
  page: script(PAGE, 'presence page'),
  sweep: script(SWEEP, 'presence sweep'),
  release: script(RELEASE, 'presence hand-over'),
};

type Reply = string | number | null | Reply[];

/** An entry as the scripts store it (written only by JOIN, from a signed-in user). */
const parseEntry = (json: unknown): PresenceEntry => {
  const { userId, displayName, role, private: isPrivate } = JSON.parse(String(json)) as PresenceEntry;
  return { userId, displayName, role, private: isPrivate === true };
};

/** `[entry, count, public]` from a script, or null when nobody left. */
function parseDeparture(reply: Reply): { entry: PresenceEntry; counts: BoothCounts } | null {
  if (!Array.isArray(reply)) return null;
  const [entry, count, publicCount] = reply;
  return { entry: parseEntry(entry), counts: { count: Number(count), publicCount: Number(publicCount) } };
}

type Departure = { kind: 'leave' | 'drop'; boothId: number; userId: string; socketId: string } | { kind: 'remove'; boothId: number; userId: string };

/** This node's own connections to one booth by one person: what it puts back if Redis forgets them. */
interface LocalVisit {
  boothId: number;
  entry: PresenceEntry;
  sockets: Set<string>;
}

/**
 * Presence shared by every node of the fair (scaled mode), in Redis under the fair's key
 * prefix. The same rules as the memory store (counted once per person however many tabs,
 * devices or nodes; private once private until the visit ends; staff always in snapshots),
 * each change one atomic Lua script.
 *
 * The grace period works across nodes: a dropped connection puts the person in a sorted set
 * of grace periods; a join on any node takes them out of it. Each node sweeps it every
 * sweepMs, and the script that removes an expired person tells only the node that ran it, so
 * each expiry is announced once, through the Socket.IO adapter to every node.
 *
 * A node that dies leaves no ghosts: each process lists its connections under its own
 * instance and says it is alive at each sweep; when one has not for `nodeTimeoutMs`, the next
 * sweep of a surviving node moves its connections to the grace period (a node that restarts
 * under the same NODE_ID does so for its earlier process at once). A node only does so once
 * it has itself reached Redis for `nodeTimeoutMs` in a row, so after a Redis outage nobody
 * takes the others for dead before they could say otherwise. A node that finds Redis forgot it
 * (a restart with no persistence, or taken for dead while stalled) puts its connections back.
 *
 * Redis away: joins and reads fail with RedisUnavailableError (the edge answers UNAVAILABLE);
 * departures never fail: they are kept in order and replayed once Redis answers, and joins
 * wait (UNAVAILABLE) until that backlog is through, so nothing is applied out of order.
 */
export function createRedisPresenceStore(options: RedisPresenceOptions): PresenceStore {
  const { keyPrefix, nodeId, graceMs, nodeTimeoutMs, onChanged, logger } = options;
  const client = storeClient(options.redis);
  const prefix = `${keyPrefix}presence:`;
  const instance = `${nodeId}#${randomBytes(6).toString('hex')}`;
  const sweepMs = options.sweepMs ?? sweepIntervalFor(graceMs);
  const local = new Map<string, LocalVisit>();
  const backlog: Departure[] = [];
  let closed = false;
  const graceTimers = new Set<NodeJS.Timeout>();
  /** Since when this node's sweeps have reached Redis without a break (null: the last one failed). */
  let reachableSince: number | null = null;
  /** Redis forgot this process's connections and they are not all back yet. */
  let restoreDue = false;
  let outageLogged = false;

  const visitKey = (boothId: number, userId: string) => `${boothId}|${userId}`;
  const unavailable = (doing: string) => new RedisUnavailableError(`Redis is not connected (${doing})`);

  /** Runs a script with this store's prefix first (sent during the call: calls apply in call order). */
  const run = (which: Script, args: (string | number)[]): Promise<Reply> =>
    which(client, { arguments: [prefix, ...args.map(String)] }) as Promise<Reply>;

  /** A read: Redis's answer, or RedisUnavailableError. */
  const read = redisCaller(options.redis);

  function rememberJoin(boothId: number, entry: PresenceEntry, socketId: string): void {
    const key = visitKey(boothId, entry.userId);
    const visit = local.get(key);
    if (visit) {
      visit.sockets.add(socketId);
      visit.entry = entry;
    } else local.set(key, { boothId, entry, sockets: new Set([socketId]) });
  }

  function forgetSocket(boothId: number, userId: string, socketId: string): void {
    const key = visitKey(boothId, userId);
    const visit = local.get(key);
    if (visit?.sockets.delete(socketId) && visit.sockets.size === 0) local.delete(key);
  }

  function joinScript(boothId: number, user: Pick<AuthUser, 'id' | 'displayName' | 'role'>, socketId: string, privately: boolean, capacity?: number) {
    return run(SCRIPTS.join, [boothId, user.id, socketId, instance, privately ? 1 : 0, user.displayName, user.role, capacity ?? '']).then((reply): JoinOutcome | 'full' => {
      const [status, entryJson, arrived, changed, count, publicCount] = reply as Reply[];
      if (status === 'full') return 'full';
      const outcome: JoinOutcome = {
        entry: parseEntry(entryJson),
        arrived: arrived === 1,
        visibilityChanged: changed === 1,
        counts: { count: Number(count), publicCount: Number(publicCount) },
      };
      rememberJoin(boothId, outcome.entry, socketId);
      if (outcome.arrived || outcome.visibilityChanged) onChanged(boothId, { kind: 'joined', outcome });
      return outcome;
    });
  }

  /** Applies one departure in Redis and tells the listener; rejects when Redis does not answer. */
  function applyDeparture(departure: Departure): Promise<PresenceEntry | null> {
    const { boothId, userId } = departure;
    const sent =
      departure.kind === 'leave'
        ? run(SCRIPTS.leave, [boothId, userId, departure.socketId])
        : departure.kind === 'drop'
          ? run(SCRIPTS.drop, [boothId, userId, departure.socketId, graceMs])
          : run(SCRIPTS.remove, [boothId, userId]);
    return sent.then((reply) => {
      // The mirror follows Redis's order: a join answered after this departure was sent came before it.
      if (departure.kind === 'remove') local.delete(visitKey(boothId, userId));
      else forgetSocket(boothId, userId, departure.socketId);
      if (departure.kind === 'drop') expireAfterGrace();
      const gone = parseDeparture(reply);
      if (!gone) return null;
      onChanged(boothId, { kind: 'left', entry: gone.entry, expired: false, counts: gone.counts });
      return gone.entry;
    });
  }

  function queue(departure: Departure): void {
    if (backlog.length >= BACKLOG_MAX) {
      const given = backlog.shift()!;
      logger.error({ boothId: given.boothId, kind: given.kind }, 'presence backlog full while Redis is away; a departure is given up');
    }
    backlog.push(departure);
  }

  /**
   * A departure happens whatever Redis says: applied now when nothing waits before it, else
   * queued behind what does, in order; never rejects.
   */
  function depart(departure: Departure): Promise<PresenceEntry | null> {
    if (closed) return Promise.resolve(null);
    if (backlog.length > 0 || !options.redis.isReady) {
      queue(departure);
      return Promise.resolve(null);
    }
    return applyDeparture(departure).catch((err: unknown) => {
      logger.warn({ err, boothId: departure.boothId, kind: departure.kind }, 'presence departure not applied yet; it will be when Redis answers');
      queue(departure);
      return null;
    });
  }

  /** Replays the departures kept while Redis was away, in order; stops at the first failure. */
  async function replayBacklog(): Promise<void> {
    while (backlog.length > 0) {
      await applyDeparture(backlog[0]!);
      backlog.shift();
    }
  }

  /** Redis forgot this process's connections: put them back (a reconnect within the grace period announces nothing). */
  async function restore(): Promise<void> {
    const joins: Promise<unknown>[] = [];
    for (const { boothId, entry, sockets } of local.values()) {
      const user = { id: entry.userId, displayName: entry.displayName, role: entry.role };
      for (const socketId of sockets) joins.push(joinScript(boothId, user, socketId, entry.private));
    }
    if (joins.length === 0) return;
    await Promise.all(joins);
    logger.warn({ connections: joins.length }, 'Redis had lost this node’s presence; put back');
  }

  async function sweep(): Promise<void> {
    const reapOthers = reachableSince !== null && Date.now() - reachableSince >= nodeTimeoutMs;
    const reply = (await run(SCRIPTS.sweep, [instance, nodeId, graceMs, nodeTimeoutMs, reapOthers ? 1 : 0, EXPIRIES_PER_SWEEP])) as Reply[];
    reachableSince ??= Date.now();
    if (Number(reply[1]) > 0) {
      logger.warn({ connections: reply[1] }, 'connections of a node that stopped answering moved to the grace period');
      expireAfterGrace();
    }
    let expired = 0;
    for (let i = 2; i + 3 < reply.length; i += 4, expired++) {
      const boothId = Number(reply[i]);
      const gone = parseDeparture(reply.slice(i + 1, i + 4))!;
      local.delete(visitKey(boothId, gone.entry.userId));
      onChanged(boothId, { kind: 'left', entry: gone.entry, expired: true, counts: gone.counts });
    }
    // More were due than one sweep takes: the next one goes at once.
    if (expired >= EXPIRIES_PER_SWEEP) sweepAgain = true;
    if (reply[0] === 1) restoreDue = true;
    if (restoreDue) {
      await restore();
      restoreDue = false;
    }
    await replayBacklog();
  }

  async function tick(): Promise<void> {
    try {
      if (!options.redis.isReady) throw unavailable('presence sweep');
      await sweep();
      if (outageLogged) logger.info('presence reaches Redis again');
      outageLogged = false;
    } catch (err) {
      reachableSince = null;
      if (!outageLogged) logger.warn({ err }, 'presence cannot reach Redis; departures are kept until it answers');
      outageLogged = true;
    }
  }

  let sweeping = false;
  let sweepAgain = false;
  /** Sweeps now, or right after the sweep under way: never two at once. */
  function sweepNow(): void {
    if (closed) return;
    if (sweeping) {
      sweepAgain = true;
      return;
    }
    sweeping = true;
    void tick().finally(() => {
      sweeping = false;
      if (!sweepAgain) return;
      sweepAgain = false;
      sweepNow();
    });
  }
  /** A grace period this node started ends: it sweeps then, not up to sweepMs later. */
  function expireAfterGrace(): void {
    const timer = setTimeout(() => {
      graceTimers.delete(timer);
      sweepNow();
    }, graceMs + GRACE_SWEEP_MARGIN_MS);
    timer.unref();
    graceTimers.add(timer);
  }
  // The first sweep registers this process (and hands an earlier process of this node to the
  // grace period) before any join can be sent.
  sweepNow();
  const sweeps = setInterval(sweepNow, sweepMs);
  sweeps.unref();

  return {
    async join(boothId, user, socketId, privately, capacity) {
      if (closed || !options.redis.isReady) throw unavailable('presence join');
      // Departures kept while Redis was away go first: a join must not overtake them.
      if (backlog.length > 0) throw new RedisUnavailableError('presence is catching up after Redis was away (join)');
      try {
        return await joinScript(boothId, user, socketId, privately, capacity);
      } catch (err) {
        // Sent, but no answer: it may have been applied all the same. Take that connection out again.
        queue({ kind: 'drop', boothId, userId: user.id, socketId });
        throw err;
      }
    },
    leave: (boothId, userId, socketId) => depart({ kind: 'leave', boothId, userId, socketId }),
    drop: async (boothId, userId, socketId) => void (await depart({ kind: 'drop', boothId, userId, socketId })),
    remove: (boothId, userId) => depart({ kind: 'remove', boothId, userId }),
    has: (boothId, userId) => read('presence', async () => (await client.hExists(`${prefix}b:${boothId}:v`, userId)) === 1),
    async isPrivate(boothId, userId) {
      // This node's own connection saw the visit private: private until the visit ends, no need to ask.
      if (local.get(visitKey(boothId, userId))?.entry.private) return true;
      return read('presence', async () => (await client.sIsMember(`${prefix}b:${boothId}:priv`, userId)) === 1);
    },
    count: (boothId) => read('presence count', () => client.zCard(`${prefix}b:${boothId}:ids`)),
    async publicCount(boothId) {
      const [, publicCount] = (await run(SCRIPTS.counts, [boothId])) as number[];
      return Number(publicCount);
    },
    list: (boothId) => read('presence list', async () => (await client.hVals(`${prefix}b:${boothId}:v`)).map(parseEntry)),
    async snapshot(boothId, viewerId, viewerIsStaff, othersMax) {
      return ((await run(SCRIPTS.snapshot, [boothId, viewerId, viewerIsStaff ? 1 : 0, othersMax])) as Reply[]).map(parseEntry);
    },
    async page(boothId, viewerId, viewerIsStaff, afterUserId, limit) {
      const [more, ...entries] = (await run(SCRIPTS.page, [boothId, viewerId, viewerIsStaff ? 1 : 0, afterUserId ?? '', limit])) as Reply[];
      return { entries: entries.map(parseEntry), more: more === 1 };
    },
    boothsOf: (userId) => read('presence', async () => (await client.sMembers(`${prefix}u:${userId}`)).map(Number)),
    async close() {
      if (closed) return;
      closed = true;
      clearInterval(sweeps);
      for (const timer of graceTimers) clearTimeout(timer);
      graceTimers.clear();
      local.clear();
      // This process's connections end with it: into the grace period now, rather than when
      // the others notice it is gone. A reconnect to another node within the grace changes nothing.
      try {
        await run(SCRIPTS.release, [instance, graceMs]);
      } catch (err) {
        logger.warn({ err }, 'presence could not hand this node’s connections over; the other nodes will when it stops answering');
      }
    },
  };
}
