import { createServer, type Server as HttpServer } from 'node:http';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import compression from 'compression';
import express from 'express';
import helmet from 'helmet';
import { sessionCookieFor } from './auth/cookies.js';
import { createNameClaims } from './auth/name-claims.js';
import { authRoutes } from './auth/routes.js';
import { createAuthService, type Clock } from './auth/service.js';
import type { LoginThrottlePolicy } from './auth/login-throttle.js';
import { createPasswordResetService, type PasswordResetPolicy } from './auth/password-reset.js';
import { createSignInNotices } from './auth/sign-in-notice.js';
import { disconnectEndedSessions, startSessionSweep } from './auth/session-sockets.js';
import { boothCommands, dropFromBooths } from './booths/handlers.js';
import { boothRoutes } from './booths/routes.js';
import { boothAdminRoutes } from './booths/admin-routes.js';
import { createFairSettings, fairRoutes } from './fair/settings.js';
import { conductRoutes, createConductStore } from './conduct/service.js';
import { createInbox, inboxRoutes } from './inbox/service.js';
import { createSurveyService, surveyRoutes } from './survey/service.js';
import { createYouSaid, youSaidRoutes } from './you-said/service.js';
import { boothFeedbackRoutes, createBoothFeedback } from './feedback/service.js';
import { accountabilityRoutes, createAccountabilityReport } from './accountability/report.js';
import { createComplaintStore } from './complaints/service.js';
import { createCapabilityGrants } from './complaints/grants.js';
import { complaintRoutes } from './complaints/routes.js';
import { chatCommands } from './chat/handlers.js';
import { conversationCommands } from './conversations/handlers.js';
import { createConversationReportStore } from './conversations/reports.js';
import { conversationRoutes } from './conversations/routes.js';
import { createConversationService } from './conversations/service.js';
import { createChatService, type ChatRateOptions } from './chat/service.js';
import { createPrivateAliasStore } from './chat/private-aliases.js';
import { questionCommands } from './questions/handlers.js';
import { createQuestionService, type QuestionRateOptions } from './questions/service.js';
import { createBoothService } from './booths/service.js';
import type { Config } from './config.js';
import type { Db } from './db/open.js';
import { isStorageError, storageErrorCode } from './db/storage-errors.js';
import { errorHandler, ok, sendError, type Failure } from './http/errors.js';
import { sameOriginWrites } from './http/middleware.js';
import { compileTrustProxy } from './http/client-address.js';
import { inviteRoutes } from './invites/routes.js';
import { createInviteService } from './invites/service.js';
import { createMailer } from './mail/mailer.js';
import type { Logger } from './logger.js';
import { createPresenceBroadcaster } from './presence/broadcast.js';
import { createOccupancyBroadcaster, redisLobbyLedger } from './presence/lobby-occupancy.js';
import { createLobbySnapshots } from './presence/lobby-snapshots.js';
import { createPresenceStore, type PresenceChange } from './presence/presence-store.js';
import { createRedisPresenceStore } from './presence/redis-presence-store.js';
import { createCommandBudget, type CommandBudgetOptions } from './realtime/command-budget.js';
import { createCommandRouter, type CommandTable } from './realtime/commands.js';
import { createSocketServer, dropIfBacklogged, type ConnectionLimits, type EngineConnection, type SocketTimings } from './realtime/socket-server.js';
import { rooms, type FairServer, type FairSocket } from './realtime/types.js';
import { LOBBY_OCCUPANCY_INTERVAL_MS, LOBBY_SNAPSHOT_DELAY_MS, SOCKET_SEND_BUFFER_MAX_BYTES } from '../shared/limits.js';
import { videoCommands } from './video/handlers.js';
import { queueCommands } from './queue/handlers.js';
import { createBoothQueue } from './queue/service.js';
import { videoTokenRoute, videoWebhookRoute } from './video/routes.js';
import { createVideoService, type VideoAccess, type VideoService } from './video/service.js';
import { createVideoStores } from './video/video-state.js';
import { can } from '../shared/roles.js';
import { hostCommands } from './host/handlers.js';
import { hostRoutes } from './host/routes.js';
import { createVisitLog, recordingVisits } from './host/visits.js';
import { createAuditLog } from './moderation/audit.js';
import { createEnforcer, type VideoRooms } from './moderation/enforcement.js';
import { moderationCommands } from './moderation/handlers.js';
import { reportSummaryRoute } from './moderation/report-summary.js';
import { createReportStore } from './moderation/reports.js';
import { createRestrictionStore } from './moderation/restrictions.js';
import { moderationRoutes } from './moderation/routes.js';
import { createAccountEraser } from './privacy/account-erasure.js';
import { createRetention, type RetentionCounts } from './privacy/retention.js';
import { privacyRoutes } from './privacy/routes.js';
import { createPeopleService } from './people/service.js';
import { peopleRoutes } from './people/routes.js';
import { passkeyRoutes } from './passkeys/routes.js';
import { createPasskeyService } from './passkeys/service.js';
import { sessionRoutes } from './sessions/routes.js';
import { createSessionsService } from './sessions/service.js';
import { databaseProbe } from './ops/database-probe.js';
import { redisAdapter, redisProbe, type RedisClient } from './realtime/redis.js';
import { limitersFor } from './rate-limit/limiters.js';
import { createOps, type OpsOptions } from './ops/ops.js';
import { adapterLagSeconds, answerLagProbes } from './ops/adapter-lag.js';
import { contactCommands } from './contacts/handlers.js';
import { contactRoutes } from './contacts/routes.js';
import { organisationRoutes } from './people/organisation.js';
import { createContactService } from './contacts/service.js';
import { CONTACT_SWEEP_MS } from '../shared/contacts.js';

export interface AppDeps {
  config: Config;
  db: Db;
  logger: Logger;
  clock?: Clock;
  /** Built client to serve; omitted in API-only tests. */
  clientDir?: string;
  /** How long a dropped connection stays present (tests shorten it). */
  presenceGraceMs?: number;
  /** Scaled mode: how often this node sweeps presence (expiries, dead nodes) and says it is alive; see redis-presence-store.ts. */
  presenceSweepMs?: number;
  lobbyIntervalMs?: number;
  /** In a crowded booth, how often members hear a count-only change (PRESENCE_CROWD_COUNT_MS). */
  presenceCrowdCountMs?: number;
  /** Whether a person may use video in a booth (moderation refuses kicked and banned people). */
  videoAccess?: VideoAccess;
  /** The video side, when there is one: bans and kicks remove people from its rooms. */
  videoRooms?: VideoRooms;
  /** How long slow or silent clients may hold a connection (tests shorten these). */
  connectionTimeouts?: ConnectionTimeouts;
  /** Longest pause between looks for expired sessions (tests shorten it). */
  sessionSweepIntervalMs?: number;
  /** Sign-in throttle settings (tests shorten them). */
  loginThrottle?: Partial<LoginThrottlePolicy>;
  /** Password-reset limits per address and per account (tests change them). */
  passwordReset?: Partial<PasswordResetPolicy>;
  /** The chat rate limit (tests that post many messages on purpose lift it). */
  chatRate?: ChatRateOptions;
  /** The question limits: asks and votes per person (tests that ask many questions on purpose lift them). */
  questionRate?: QuestionRateOptions;
  /** 'daily' (default): the retention job runs shortly after start, then every day. 'on-demand': only `runRetention`. */
  retentionJob?: 'daily' | 'on-demand';
  /** Command budget sizes (tests that send thousands of commands on purpose raise them). */
  commandBudget?: CommandBudgetOptions;
  /** Sockets per account and address, and the send-buffer limit (tests change these). */
  connectionLimits?: ConnectionLimits;
  /** Health check interval, extra dependency probes, adapter lag (server/ops). */
  ops?: OpsOptions;
  /** Redis (scaled mode): Socket.IO broadcasts and disconnections go through it to every node. */
  redis?: RedisClient;
  /** The queue at full booths: how long an offered seat waits (QUEUE_OFFER_MS) and how often expiries are swept (tests shorten both). */
  queue?: { offerMs?: number; sweepMs?: number };
}

export interface ConnectionTimeouts extends SocketTimings {
  /** The request line and headers must arrive within this: slowloris clients are cut off. */
  headersMs?: number;
  /** A whole request must arrive within this. */
  requestMs?: number;
  /** How often Node checks the two limits above. */
  checkIntervalMs?: number;
}

export interface Application {
  httpServer: HttpServer;
  io: FairServer;
  /** Every command the server answers, with its capability and scope (the authorization test reads it). */
  commands: CommandTable;
  /** Video: tokens, raised hands, and the LiveKit RoomService (moderation removes people through it). */
  video: VideoService;
  /**
   * Why a person may not be in a booth now (banned: BANNED, kicked: FORBIDDEN, with
   * `details.until`), or null. For routes outside moderation, such as the video token.
   */
  barredFromBooth(userId: string, boothId: number): Promise<Failure | null>;
  /** Deletes what is due for retention at `now` (expired sessions and challenges too), and says how much. */
  runRetention(now?: number): Promise<RetentionCounts>;
  /** Serves /metrics and /healthz on METRICS_PORT when that is set; the caller listens on it. */
  metricsServer: HttpServer | null;
  /** Stops timers and closes sockets; the database stays open (its owner closes it). */
  close(): Promise<void>;
}

const JSON_BODY_LIMIT = '32kb';
// Node's defaults (60 s for headers, 300 s for a request, checked every 30 s) let half-open
// requests pile up; these still leave a slow mobile link ample time.
const HTTP_HEADERS_TIMEOUT_MS = 20_000;
const HTTP_REQUEST_TIMEOUT_MS = 60_000;
const HTTP_TIMEOUT_CHECK_MS = 5_000;

/** Builds the whole fair from its dependencies. Nothing listens until the caller says so. */
export function createApplication(deps: AppDeps): Application {
  const { config, db, logger, clock = { now: Date.now }, clientDir } = deps;
  // One rule for which X-Forwarded-For hops to believe: HTTP's req.ip and the socket caps share it.
  const trustProxy = compileTrustProxy(config.trustProxy);
  const restrictions = createRestrictionStore(db, clock);
  // Rate limits, slow mode and throttles count here: in Redis with several nodes, else in memory.
  const limiters = limitersFor(deps.redis, config.redisKeyPrefix);
  const auth = createAuthService({
    db,
    clock,
    sessionTtlMs: config.sessionTtlMs,
    loginThrottle: deps.loginThrottle,
    loginLimiters: limiters,
    banOf: (userId) => restrictions.ban(userId),
    // Logout, expiry, password change, ban: the session's sockets close at once.
    onSessionsEnded: (ended) => disconnectEndedSessions(io, ended),
    passwordSignIn: (user) => passkeys.passwordSignIn(user),
  });
  const passkeys = createPasskeyService({
    db,
    clock,
    logger: logger.child({ feature: 'passkeys' }),
    publicUrl: () => config.publicUrl,
    requiredForStaff: config.passkeysRequiredForStaff,
    banOf: (userId) => restrictions.ban(userId),
    limiters,
  });
  // The sessions page, a password change and a new passkey end sessions through auth, which closes their sockets.
  const sessions = createSessionsService({ db, clock, auth, limiters });
  const audit = createAuditLog(db, clock);
  const reports = createReportStore(db, clock);
  const visits = createVisitLog(db, clock, config.nodeId);
  const storageLogger = logger.child({ feature: 'storage' });
  /** Timers and background jobs run this way: a storage failure is logged, never thrown. */
  function survive(job: string, work: () => void | Promise<unknown>): void {
    const failed = (err: unknown): void => {
      if (isStorageError(err)) storageLogger.warn({ err, job, sqlite: storageErrorCode(err) }, 'storage unavailable; carrying on');
      else storageLogger.error({ err, job }, 'background job failed; carrying on');
    };
    try {
      const done = work();
      if (done instanceof Promise) done.catch(failed);
    } catch (err) {
      failed(err);
    }
  }
  // A database locked at start-up only leaves old visits open a little longer.
  // With several nodes on one database (scaled mode), only this node's own: the others' members are still there.
  survive('close open visits', () => visits.closeOpenVisits(config.databaseUrl !== null));
  // Invitations and password resets go out by SMTP (SMTP_URL), or are written to the log.
  const mailLogger = logger.child({ feature: 'mail' });
  const mailer = createMailer({ ...config.mail, logger: mailLogger });
  const invites = createInviteService({ db, clock, auth, publicUrl: () => config.publicUrl, inviteTtlMs: config.inviteTtlMs, mailer, audit, logger: mailLogger });
  const chat = createChatService({ db, clock, limiters, rate: deps.chatRate });
  const aliases = createPrivateAliasStore(db, clock);
  const app = express();
  const timeouts = deps.connectionTimeouts ?? {};
  const httpServer = createServer(
    {
      headersTimeout: timeouts.headersMs ?? HTTP_HEADERS_TIMEOUT_MS,
      requestTimeout: timeouts.requestMs ?? HTTP_REQUEST_TIMEOUT_MS,
      connectionsCheckingInterval: timeouts.checkIntervalMs ?? HTTP_TIMEOUT_CHECK_MS,
    },
    app,
  );
  const realtimeLogger = logger.child({ feature: 'realtime' });
  const budget = createCommandBudget(realtimeLogger, deps.commandBudget, () => clock.now(), limiters);
  const io: FairServer = createSocketServer(
    httpServer,
    auth,
    realtimeLogger,
    (socket) => {
      if (can(socket.data.user, 'moderation:review')) void socket.join(rooms.moderators);
      commandRouter.attach(socket);
      lobbySnapshots.connected(socket.id);
      socket.on('disconnect', onSocketClosed);
    },
    // Banned people stay out (the ban is read with the session); so, for a short cool-down, does
    // an account cut off for flooding.
    async ({ user, banned }) => (banned ? 'BANNED' : (await budget.cooldownUntil(user.id)) !== null ? 'RATE_LIMITED' : null),
    {
      ...timeouts,
      sessionCookie: sessionCookieFor(config.env).name,
      trustProxy,
      // Scaled mode: connection-state recovery, checked against the live session (socket-server.ts).
      ...(deps.redis ? { adapter: redisAdapter(deps.redis, config.redisKeyPrefix, realtimeLogger), recovery: { sessionIsLive: (id: string) => auth.sessionIsLive(id) } } : {}),
    },
    deps.connectionLimits,
  );
  const presenceGraceMs = deps.presenceGraceMs ?? config.presenceGraceMs;
  // One node: in memory. Several (scaled mode): in Redis, shared by every node.
  const presence = recordingVisits(
    deps.redis
      ? createRedisPresenceStore({
          redis: deps.redis,
          keyPrefix: config.redisKeyPrefix,
          nodeId: config.nodeId,
          graceMs: presenceGraceMs,
          nodeTimeoutMs: config.presenceNodeTimeoutMs,
          sweepMs: deps.presenceSweepMs,
          onChanged: presenceChanged,
          logger: logger.child({ feature: 'presence' }),
        })
      : createPresenceStore({ graceMs: presenceGraceMs, onChanged: presenceChanged }),
    visits,
    storageLogger,
  );
  /**
   * Every arrival and departure this node makes, in the order presence made them: told to the
   * booth and the lobby (through the adapter: every node's members), departures written to the
   * visit log. Runs inside presence, and in its timers: nothing here may throw, or the process
   * exits. A person who left has left whatever the disk says; only the visit record may be lost.
   */
  function presenceChanged(boothId: number, change: PresenceChange): void {
    if (change.kind === 'joined') {
      survive('announce arrival', () => {
        presenceBroadcast.joined(boothId, change.outcome);
        // An arrival only changes the lobby's count: nobody left whose hand would come down.
        if (change.outcome.arrived) lobby.changed(boothId);
      });
      return;
    }
    survive('record departure', () => visits.left(boothId, change.entry.userId));
    survive('announce departure', () => {
      presenceBroadcast.left(boothId, change.entry, change.counts);
      someoneLeft(boothId);
    });
    // A seat freed: the first in line is offered it.
    queue.seatFreed(boothId);
  }
  const video = createVideoService({
    livekit: config.livekit,
    io,
    clock,
    logger: logger.child({ feature: 'video' }),
    // Kicked and banned people get no video token.
    videoAccess: deps.videoAccess ?? (async (user, boothId) => (await restrictions.barredFrom(user.id, boothId)) === null),
    isPrivateVisit: (boothId, userId) => presence.isPrivate(boothId, userId),
    // Hands, video counts and private-visitor tokens: shared by every node in the scaled mode.
    stores: createVideoStores(deps.redis, config.redisKeyPrefix),
  });
  const booths = createBoothService(
    db,
    (boothId) => presence.count(boothId),
    async (boothId) => ({ video: video.available, videoParticipants: await video.participantsIn(boothId) }),
    clock,
  );
  // Kicks and bans also remove the person from the booth's LiveKit room.
  const videoRooms: VideoRooms = deps.videoRooms ?? {
    async removeParticipant(boothId, userId) {
      await video.removeParticipant(boothId, userId);
    },
  };
  const presenceBroadcast = createPresenceBroadcaster(io, presence, {
    crowdCountMs: deps.presenceCrowdCountMs,
    failed: (err) => storageLogger.warn({ err }, 'presence totals unavailable; sending the last known'),
  });
  const enforcer = createEnforcer({
    io,
    presence,
    booths,
    videoRooms,
    logger: logger.child({ feature: 'moderation' }),
    // Kicks and bans reach this fair's other nodes (scaled mode).
    clustered: deps.redis !== undefined,
  });
  // One command table for the whole server, built once: every socket shares it.
  const conduct = createConductStore(db, clock, audit);
  const inbox = createInbox(db, io, logger.child({ feature: 'inbox' }));
  // The queue at full booths (issue 16): the booth_queue table is the truth; every node sweeps it.
  const queue = createBoothQueue({
    db,
    clock,
    io,
    booths,
    presence,
    holdMs: config.queueHoldMs,
    offerMs: deps.queue?.offerMs,
    sweepMs: deps.queue?.sweepMs,
    barred: (userId, boothId) => restrictions.barredFrom(userId, boothId),
    waitingChanged: (boothId) => lobbyWaiting.changed(boothId),
    survive: (job, work) => survive(job, work),
  });
  queue.start();
  // Waiting counts for the lobby's cards, coalesced like occupancy; to every connection (they change rarely).
  const lobbyWaiting = createOccupancyBroadcaster({
    intervalMs: deps.lobbyIntervalMs ?? LOBBY_OCCUPANCY_INTERVAL_MS,
    countOf: (boothId) => queue.waitingCount(boothId),
    ...(deps.redis ? { ledger: redisLobbyLedger(deps.redis, `${config.redisKeyPrefix}queue:`) } : {}),
    emit: (changes) => io.to(rooms.lobby).emit('lobby:waiting', changes),
    failed: (err) => storageLogger.warn({ err }, 'queue counts unavailable; trying again'),
    audienceSize: () => io.sockets.adapter.rooms.get(rooms.lobby)?.size ?? 0,
  });
  // Contact requests (issue 16): open ones are closed by a sweep once the fair has ended (every node, idempotent).
  const contacts = createContactService({ db, io, clock, audit, limiters });
  const contactSweep = setInterval(() => survive('close contact requests of an ended fair', () => contacts.sweep()), CONTACT_SWEEP_MS);
  contactSweep.unref();
  // 1:1 conversations (issue 16): chat's delivery rules and rate, their own reports.
  const conversations = createConversationService({ db, clock, limiters, rate: deps.chatRate });
  const conversationReports = createConversationReportStore(db, clock);
  const commandDeps = { io, auth, booths, presence, chat, aliases, restrictions, reports, audit, enforcer, clock, video, conduct, inbox, queue, contacts, conversations, conversationReports };
  const commandTable: CommandTable = {
    ...boothCommands(commandDeps),
    ...chatCommands(commandDeps),
    ...moderationCommands(commandDeps),
    ...hostCommands(commandDeps),
    ...videoCommands(commandDeps),
    ...queueCommands(commandDeps),
    ...contactCommands(commandDeps),
    // Questions to a booth (issue 16).
    ...questionCommands({ ...commandDeps, questions: createQuestionService({ db, clock, audit, limiters, rate: deps.questionRate }) }),
    ...conversationCommands(commandDeps),
  };
  // Acks are counted by the ops block below (set up with the routes; no ack is answered before).
  const sendBufferMaxBytes = deps.connectionLimits?.sendBufferMaxBytes ?? SOCKET_SEND_BUFFER_MAX_BYTES;
  const commandRouter = createCommandRouter(
    commandTable,
    realtimeLogger,
    budget,
    (command, result) => ops.observeAck(command, result),
    (socket) => dropIfBacklogged(socket.conn as unknown as EngineConnection, sendBufferMaxBytes, realtimeLogger),
  );
  /** Shared by every socket (called with the socket as `this`): no closure per connection. */
  function onSocketClosed(this: FairSocket): void {
    budget.forget(this.id);
    dropFromBooths(this, presence);
    // Their last connection gone: a place in a queue is held for QUEUE_HOLD_MS.
    queue.connectionClosed(this.data.user.id);
  }
  const lobby = createOccupancyBroadcaster({
    intervalMs: deps.lobbyIntervalMs ?? LOBBY_OCCUPANCY_INTERVAL_MS,
    countOf: (boothId) => presence.count(boothId),
    // Several nodes: what the lobby was told is shared, so a count goes out once whichever node sends it.
    ...(deps.redis ? { ledger: redisLobbyLedger(deps.redis, config.redisKeyPrefix) } : {}),
    // Through the adapter: lobby watchers on every node.
    emit: (changes) => io.to(rooms.browsing).emit('lobby:occupancy', changes),
    failed: (err) => storageLogger.warn({ err }, 'lobby counts unavailable; trying again'),
    audienceSize: () => io.sockets.adapter.rooms.get(rooms.browsing)?.size ?? 0,
  });
  const lobbySnapshots = createLobbySnapshots({
    delayMs: LOBBY_SNAPSHOT_DELAY_MS,
    stillBrowsing: (socketIds) => {
      const browsing = io.sockets.adapter.rooms.get(rooms.browsing);
      return browsing ? socketIds.filter((id) => browsing.has(id)) : [];
    },
    counts: () => booths.occupancy(),
    emit: (socketIds, counts) => io.to(socketIds).emit('lobby:occupancy', counts),
    failed: (err) => storageLogger.warn({ err }, 'lobby counts unavailable for new connections'),
  });
  /** Someone left a booth: the lobby's count changes, and their raised hand comes down. */
  function someoneLeft(boothId: number): void {
    lobby.changed(boothId);
    survive('clear hands of people gone', () => video.pruneHands(boothId, (userId) => presence.has(boothId, userId)));
  }

  app.disable('x-powered-by');
  // Express's own mode; the session cookie's name and flags follow it (auth/cookies.ts).
  app.set('env', config.env);
  app.set('trust proxy', trustProxy);
  app.use(
    helmet({
      contentSecurityPolicy: {
        directives: {
          defaultSrc: ["'self'"],
          connectSrc: ["'self'", ...(config.livekit ? [config.livekit.url, config.livekit.url.replace(/^ws/, 'http')] : [])],
          imgSrc: ["'self'", 'data:', 'blob:'],
          mediaSrc: ["'self'", 'blob:'],
          workerSrc: ["'self'", 'blob:'],
          objectSrc: ["'none'"],
          frameAncestors: ["'none'"],
          upgradeInsecureRequests: config.env === 'production' ? [] : null,
        },
      },
      crossOriginEmbedderPolicy: false,
    }),
  );

  // Members pay for every kilobyte: gzip text responses (the client's code shrinks about 3×).
  app.use(compression());

  // ── ops (server/ops): /healthz, /metrics, and draining while unhealthy ──────────────────
  // Every 2 s the node probes its dependencies; while one fails, new Socket.IO handshakes and
  // /api requests get 503 + Retry-After so nginx moves them to another node. /healthz and
  // /metrics keep answering. Metrics exist only with METRICS_TOKEN or METRICS_PORT.
  const ops = createOps({
    config,
    io,
    logger: logger.child({ feature: 'ops' }),
    probes: [databaseProbe(db, storageLogger), ...(deps.redis ? [redisProbe(deps.redis)] : [])],
    boothMembers: () => booths.occupancy(),
    // Scaled mode: every node answers the lag probe, and each times the round trip to the others.
    options: deps.redis ? { adapterLag: () => adapterLagSeconds(io), ...deps.ops } : deps.ops,
  });
  if (deps.redis) answerLagProbes(io);
  app.use(ops.routes);
  app.use('/api', ops.refuseWhileUnhealthy);
  // ── end ops ──────────────────────────────────────────────────────────────────────────────

  // The webhook's signature covers the raw bytes: it must see them before the JSON parser does.
  app.use(videoWebhookRoute(video));
  app.use('/api', sameOriginWrites(), express.json({ limit: JSON_BODY_LIMIT }));
  const resets = createPasswordResetService({
    db,
    clock,
    auth,
    mailer,
    publicUrl: () => config.publicUrl,
    logger: mailLogger,
    limiters,
    policy: deps.passwordReset,
    // Whom a password does not sign in (staff with a passkey, when passkeys are required) get no link.
    passwordSignIn: (user) => passkeys.passwordSignIn(user),
  });
  // "New sign-in to your account" emails, for browsers an account has not used before (only with SMTP_URL).
  const notices = createSignInNotices({ db, clock, mailer, publicUrl: () => config.publicUrl, logger: mailLogger, limiters });
  app.use(authRoutes(auth, invites, createNameClaims(db), resets, notices, config.sessionTtlMs));
  app.use(inviteRoutes(auth, invites));
  app.use(fairRoutes(auth, createFairSettings(db, clock, audit)));
  app.use(conductRoutes(auth, conduct));
  app.use(inboxRoutes(auth, inbox));
  app.use(surveyRoutes(auth, createSurveyService(db, clock, audit, inbox)));
  app.use(youSaidRoutes(auth, createYouSaid(db, audit, inbox)));
  // Complaints to the organisers (issue 15): `complaints:handle` by role or grant, checked on these routes only.
  const complaints = createComplaintStore({ db, clock, audit, inbox, io, chat, ackTargetMs: config.complaintAckTargetMs });
  app.use(complaintRoutes(auth, complaints, createCapabilityGrants(db, clock, audit), limiters));
  app.use(boothRoutes(auth, booths));
  app.use(boothAdminRoutes(auth, { db, io, booths, audit, invites }));
  app.use(videoTokenRoute(auth, booths, video));
  // The open-report count the lobby shows moderators (the queue itself is in moderationRoutes).
  app.use(reportSummaryRoute(auth, db));
  app.use(hostRoutes(auth, { booths, presence, visits, aliases, clock }));
  app.use(moderationRoutes(auth, { audit, restrictions, reports }));
  app.use(
    privacyRoutes(auth, {
      db,
      clock,
      // Deleting the account asks for the password, through the same per-account throttle as a password change.
      confirmIdentity: async (userId, password) => {
        const checked = await sessions.checkPassword(userId, password);
        return checked.ok ? ok(undefined) : checked;
      },
      eraser: createAccountEraser({ db, clock, audit, io, enforcer, booths, logger }),
    }),
  );
  app.use(peopleRoutes(auth, createPeopleService({ db, clock, auth, audit })));
  app.use(sessionRoutes(auth, sessions));
  app.use(passkeyRoutes({ auth, passkeys, sessions, sessionTtlMs: config.sessionTtlMs, notices }));
  // Booth ratings (issue 15) and the accountability report that gathers them with complaints and the NPS.
  const boothFeedback = createBoothFeedback(db, clock);
  app.use(boothFeedbackRoutes(auth, { booths, feedback: boothFeedback }));
  app.use(accountabilityRoutes(auth, createAccountabilityReport(db, clock, boothFeedback)));
  app.use(contactRoutes(auth, { booths, contacts }));
  app.use(organisationRoutes(auth, db));
  app.use(conversationRoutes(auth, { conversations, conversationReports }));
  app.use('/api', (_req, res) => {
    sendError(res, { code: 'NOT_FOUND', message: 'No such API endpoint.' });
  });

  if (clientDir && existsSync(join(clientDir, 'index.html'))) {
    app.use(express.static(clientDir, { index: false, maxAge: '1y', immutable: true, setHeaders: noCacheForShell }));
    // Client-side routes (/, /booths/x, /invite/code) all load the shell.
    app.get(/^\/(?!api\/|socket\.io\/).*/, (_req, res) => {
      res.setHeader('Cache-Control', 'no-cache');
      res.sendFile(join(clientDir, 'index.html'));
    });
  }

  app.use(errorHandler(logger.child({ feature: 'http' })));

  const sessionSweep = startSessionSweep({ auth, clock, logger: logger.child({ feature: 'auth' }), maxIntervalMs: deps.sessionSweepIntervalMs });
  // The daily clean-up: whatever retention says is due, expired challenges, and any expired
  // sessions the sweep above has not reached yet.
  const retention = createRetention({ db, clock, config, logger, purgeExpiredSessions: async () => (await auth.endExpiredSessions()).ended });
  const stopRetention = deps.retentionJob === 'on-demand' ? () => {} : retention.start();

  return {
    httpServer,
    io,
    commands: commandTable,
    video,
    barredFromBooth: (userId, boothId) => restrictions.barredFrom(userId, boothId),
    runRetention: (now) => retention.run(now),
    metricsServer: ops.metricsServer,
    async close() {
      await ops.close();
      sessionSweep.close();
      clearInterval(contactSweep);
      stopRetention();
      lobby.close();
      lobbyWaiting.close();
      queue.close();
      lobbySnapshots.close();
      presenceBroadcast.close();
      video.close();
      mailer.close();
      await presence.close();
      await io.close();
      await new Promise<void>((resolve) => {
        httpServer.close(() => resolve());
        httpServer.closeAllConnections();
      });
    },
  };
}

/** Hashed assets are immutable; the shell and service worker must always be revalidated. */
function noCacheForShell(res: express.Response, path: string): void {
  if (path.endsWith('.html') || path.endsWith('sw.js') || path.endsWith('.webmanifest')) res.setHeader('Cache-Control', 'no-cache');
}
