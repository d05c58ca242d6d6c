import type { HandEntry } from '../../shared/protocol.js';
import { redisCaller, redisScript, storeClient, type RedisClient } from '../realtime/redis.js';

/**
 * What the video feature remembers between requests: raised hands, who is in each booth's
 * LiveKit room (from its webhooks), and who was given a private visitor's identity. One
 * interface each, in memory for the embedded fair and in Redis when several nodes serve it:
 * a webhook, a raised hand or a grant may reach any node, and every node must see its effect.
 */

/** Raised hands per booth, in the order they went up. */
export interface HandQueueStore {
  /** Raises a hand; raising it again changes nothing. `raised`: it went up now (it was not already). */
  raise(boothId: number, person: { userId: string; displayName: string }, now: Date): Promise<{ entry: HandEntry; raised: boolean }>;
  /** Removes the hand (raised or granted); the entry as it was, or null. */
  lower(boothId: number, userId: string): Promise<HandEntry | null>;
  /** Marks a raised hand granted (or not); null when there is no such hand (it is not raised again). */
  setGranted(boothId: number, userId: string, granted: boolean): Promise<HandEntry | null>;
  get(boothId: number, userId: string): Promise<HandEntry | null>;
  /** The booth's hands, first raised first. */
  list(boothId: number): Promise<HandEntry[]>;
}

/** Who is in each booth's LiveKit room, as its webhooks report them, and private-visitor tokens given. */
export interface VideoRoomStore {
  /** Notes an identity joining (true) or leaving (false) the room; the count after, and whether it moved. */
  setParticipant(boothId: number, identity: string, present: boolean): Promise<{ count: number; changed: boolean }>;
  /** The room finished: nobody is in it. Whether anybody was. */
  clearRoom(boothId: number): Promise<boolean>;
  participants(boothId: number): Promise<number>;
  /** Notes that this person was given a private visitor's opaque identity in this booth. */
  markPrivateToken(boothId: number, userId: string): Promise<void>;
  hadPrivateToken(boothId: number, userId: string): Promise<boolean>;
}

export interface VideoStores {
  hands: HandQueueStore;
  rooms: VideoRoomStore;
}

/**
 * Redis keeps a booth's video state this long after its last change. A safety net, not a
 * rule: webhooks and departures clear it, but a node that dies or a webhook that never comes
 * must not leave a count or a hand in Redis for ever. A day is longer than any fair session.
 */
export const VIDEO_STATE_TTL_MS = 24 * 60 * 60 * 1000;

/** The embedded fair's stores, or the shared ones when the fair runs on several nodes (Redis). */
export function createVideoStores(redis: RedisClient | undefined, keyPrefix: string): VideoStores {
  if (!redis) return { hands: createMemoryHandQueue(), rooms: createMemoryVideoRooms() };
  return { hands: createRedisHandQueue(redis, keyPrefix), rooms: createRedisVideoRooms(redis, keyPrefix) };
}

// In memory: each answer is ready at once, handed back as a promise like the shared stores' answers.
export function createMemoryHandQueue(): HandQueueStore {
  // A Map keeps insertion order: the order hands went up.
  const booths = new Map<number, Map<string, HandEntry>>();

  function raise(boothId: number, { userId, displayName }: { userId: string; displayName: string }, now: Date) {
    let hands = booths.get(boothId);
    if (!hands) {
      hands = new Map();
      booths.set(boothId, hands);
    }
    const existing = hands.get(userId);
    if (existing) return { entry: existing, raised: false };
    const entry: HandEntry = { userId, displayName, raisedAt: now.toISOString(), granted: false };
    hands.set(userId, entry);
    return { entry, raised: true };
  }

  function lower(boothId: number, userId: string): HandEntry | null {
    const hands = booths.get(boothId);
    const entry = hands?.get(userId);
    if (!hands || !entry) return null;
    hands.delete(userId);
    if (hands.size === 0) booths.delete(boothId);
    return entry;
  }

  function setGranted(boothId: number, userId: string, granted: boolean): HandEntry | null {
    const hands = booths.get(boothId);
    const entry = hands?.get(userId);
    if (!hands || !entry) return null;
    const updated = { ...entry, granted };
    hands.set(userId, updated);
    return updated;
  }

  return {
    raise: (boothId, person, now) => Promise.resolve(raise(boothId, person, now)),
    lower: (boothId, userId) => Promise.resolve(lower(boothId, userId)),
    setGranted: (boothId, userId, granted) => Promise.resolve(setGranted(boothId, userId, granted)),
    get: (boothId, userId) => Promise.resolve(booths.get(boothId)?.get(userId) ?? null),
    list: (boothId) => Promise.resolve([...(booths.get(boothId)?.values() ?? [])]),
  };
}

export function createMemoryVideoRooms(): VideoRoomStore {
  const participants = new Map<number, Set<string>>();
  const privateTokens = new Set<string>();

  function setParticipant(boothId: number, identity: string, present: boolean) {
    const set = participants.get(boothId) ?? new Set<string>();
    const before = set.size;
    if (present) set.add(identity);
    else set.delete(identity);
    if (set.size === 0) participants.delete(boothId);
    else participants.set(boothId, set);
    return { count: set.size, changed: set.size !== before };
  }

  return {
    setParticipant: (boothId, identity, present) => Promise.resolve(setParticipant(boothId, identity, present)),
    clearRoom: (boothId) => Promise.resolve(participants.delete(boothId)),
    participants: (boothId) => Promise.resolve(participants.get(boothId)?.size ?? 0),
    markPrivateToken(boothId, userId) {
      privateTokens.add(`${boothId}:${userId}`);
      return Promise.resolve();
    },
    hadPrivateToken: (boothId, userId) => Promise.resolve(privateTokens.has(`${boothId}:${userId}`)),
  };
}

// ── Redis ────────────────────────────────────────────────────────────────────────────────
// Hands: one hash per booth, userId → the entry as JSON with an `order` taken from a fair-wide
// counter, so the queue keeps the order hands went up whichever node each one reached. Every
// change that reads before it writes is one Lua script: atomic, so two nodes granting and
// lowering the same hand at once cannot bring a lowered hand back.

/** KEYS: hands, order counter. ARGV: userId, entry JSON, ttl ms. Answers {1 raised now | 0 already, stored JSON}. */
const RAISE = `
local existing = redis.call('HGET', KEYS[1], ARGV[1])
if existing then return {0, existing} end
local entry = cjson.decode(ARGV[2])
entry.order = redis.call('INCR', KEYS[2])
local stored = cjson.encode(entry)
redis.call('HSET', KEYS[1], ARGV[1], stored)
redis.call('PEXPIRE', KEYS[1], ARGV[3])
return {1, stored}`;

/** KEYS: hands. ARGV: userId. Answers the entry removed, or nil. */
const LOWER = `
local existing = redis.call('HGET', KEYS[1], ARGV[1])
if existing then redis.call('HDEL', KEYS[1], ARGV[1]) end
return existing`;

/** KEYS: hands. ARGV: userId, '1' granted | '0', ttl ms. Answers the entry updated, or nil when there is no hand. */
const SET_GRANTED = `
local existing = redis.call('HGET', KEYS[1], ARGV[1])
if not existing then return false end
local entry = cjson.decode(existing)
entry.granted = ARGV[2] == '1'
local stored = cjson.encode(entry)
redis.call('HSET', KEYS[1], ARGV[1], stored)
redis.call('PEXPIRE', KEYS[1], ARGV[3])
return stored`;

/** What Redis holds per hand: the entry and its place in the fair-wide order. */
type StoredHand = HandEntry & { order: number };

function parseHand(stored: unknown): StoredHand | null {
  if (typeof stored !== 'string') return null;
  return JSON.parse(stored) as StoredHand;
}

const handEntryOf = ({ userId, displayName, raisedAt, granted }: StoredHand): HandEntry => ({ userId, displayName, raisedAt, granted });

const raiseHand = redisScript(RAISE, 'raising a hand');
const lowerHand = redisScript(LOWER, 'lowering a hand');
const setGranted = redisScript(SET_GRANTED, 'granting a hand');

export function createRedisHandQueue(redis: RedisClient, keyPrefix: string): HandQueueStore {
  const client = storeClient(redis);
  const call = redisCaller(redis);
  const handsKey = (boothId: number) => `${keyPrefix}video:hands:${boothId}`;
  const orderKey = `${keyPrefix}video:hands-order`;
  const entryOrNull = (stored: unknown) => {
    const hand = parseHand(stored);
    return hand && handEntryOf(hand);
  };

  return {
    async raise(boothId, { userId, displayName }, now) {
      const entry: HandEntry = { userId, displayName, raisedAt: now.toISOString(), granted: false };
      const [raised, stored] = (await raiseHand(client, { keys: [handsKey(boothId), orderKey], arguments: [userId, JSON.stringify(entry), String(VIDEO_STATE_TTL_MS)] })) as [
        number,
        string,
      ];
      return { entry: handEntryOf(parseHand(stored)!), raised: raised === 1 };
    },
    lower: async (boothId, userId) => entryOrNull(await lowerHand(client, { keys: [handsKey(boothId)], arguments: [userId] })),
    setGranted: async (boothId, userId, granted) =>
      entryOrNull(await setGranted(client, { keys: [handsKey(boothId)], arguments: [userId, granted ? '1' : '0', String(VIDEO_STATE_TTL_MS)] })),
    get: async (boothId, userId) => entryOrNull(await call('reading raised hands', (redis) => redis.hGet(handsKey(boothId), userId))),
    async list(boothId) {
      const all = await call('reading raised hands', (redis) => redis.hVals(handsKey(boothId)));
      return all
        .map((stored) => parseHand(stored)!)
        .sort((a, b) => a.order - b.order)
        .map(handEntryOf);
    },
  };
}

// Video rooms: one set of LiveKit identities per booth, and one set of user ids given a private
// visitor's token per booth. Redis drops an empty set, so "the key exists" means "somebody is in".

/** KEYS: participants. ARGV: identity, '1' joined | '0' left, ttl ms. Answers {1 changed | 0, count after}. */
const SET_PARTICIPANT = `
local changed
if ARGV[2] == '1' then changed = redis.call('SADD', KEYS[1], ARGV[1]) else changed = redis.call('SREM', KEYS[1], ARGV[1]) end
local count = redis.call('SCARD', KEYS[1])
if count > 0 then redis.call('PEXPIRE', KEYS[1], ARGV[3]) end
return {changed, count}`;

const setParticipant = redisScript(SET_PARTICIPANT, 'counting video participants');

export function createRedisVideoRooms(redis: RedisClient, keyPrefix: string): VideoRoomStore {
  const client = storeClient(redis);
  const call = redisCaller(redis);
  const participantsKey = (boothId: number) => `${keyPrefix}video:participants:${boothId}`;
  const privateTokensKey = (boothId: number) => `${keyPrefix}video:private-tokens:${boothId}`;

  return {
    async setParticipant(boothId, identity, present) {
      const [changed, count] = (await setParticipant(client, {
        keys: [participantsKey(boothId)],
        arguments: [identity, present ? '1' : '0', String(VIDEO_STATE_TTL_MS)],
      })) as [number, number];
      return { count, changed: changed === 1 };
    },
    clearRoom: async (boothId) => (await call('reading video rooms', (redis) => redis.del(participantsKey(boothId)))) > 0,
    participants: (boothId) => call('reading video rooms', (redis) => redis.sCard(participantsKey(boothId))),
    async markPrivateToken(boothId, userId) {
      const key = privateTokensKey(boothId);
      await call('reading video rooms', (redis) => Promise.all([redis.sAdd(key, userId), redis.pExpire(key, VIDEO_STATE_TTL_MS)]));
    },
    hadPrivateToken: async (boothId, userId) => (await call('reading video rooms', (redis) => redis.sIsMember(privateTokensKey(boothId), userId))) === 1,
  };
}
