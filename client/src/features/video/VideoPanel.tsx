import { useEffect, useRef, useState } from 'react';
import type { Booth } from '../../../../shared/booths.js';
import type { ApiError } from '../../../../shared/errors.js';
import { can } from '../../../../shared/roles.js';
import { useStore } from '../../app/store.js';
import type { MessageKey } from '../../i18n/index.js';
import { useT } from '../../i18n/use-t.js';
import { api } from '../../lib/api.js';
// Types only: erased at build time, so the livekit-client chunk is not pulled in.
import type { Publishing, RoomHandle } from './media-room.js';
import { nextCheckAt, TIERS, type MediaTier, type Quality, type Tier } from './tier.js';
import { decideHand, lowerHand, raiseHand, refreshHands } from './video-actions.js';

const tierKey = (tier: Tier) => `video.tier.${tier}` as MessageKey;
const NOT_PUBLISHING: Publishing = { camera: false, microphone: false, screenShare: false };

function TierChooser({ videoAvailable }: { videoAvailable: boolean }) {
  const t = useT();
  const tier = useStore((state) => state.ladder.tier);
  const pickTier = useStore((state) => state.pickTier);
  return (
    <fieldset className="tier-chooser" aria-describedby="tier-hint">
      <legend>{t('video.tierLegend')}</legend>
      {TIERS.map((option) => (
        <label key={option}>
          <input
            type="radio"
            name="video-tier"
            value={option}
            checked={tier === option}
            disabled={!videoAvailable && option !== 'text'}
            onChange={() => pickTier(option)}
          />{' '}
          {t(tierKey(option))}
        </label>
      ))}
      <p id="tier-hint" className="hint">
        {videoAvailable ? t('video.tierHint') : t('video.unavailable')}
      </p>
    </fieldset>
  );
}

/** Says why the ladder moved, and offers to step up again when the connection is good. */
function LadderNotices() {
  const t = useT();
  const ladder = useStore((state) => state.ladder);
  const acceptTierOffer = useStore((state) => state.acceptTierOffer);
  const dismissTierOffer = useStore((state) => state.dismissTierOffer);
  return (
    <>
      {ladder.steppedDownFrom && <p className="notice">{t('video.steppedDown', { tier: t(tierKey(ladder.tier)) })}</p>}
      {ladder.offer && (
        <div className="notice" role="status">
          <p>{t('video.offerUp', { tier: t(tierKey(ladder.offer)) })}</p>
          <button type="button" onClick={() => acceptTierOffer(Date.now())}>
            {t('video.offerAccept', { tier: t(tierKey(ladder.offer)) })}
          </button>{' '}
          <button type="button" className="secondary" onClick={() => dismissTierOffer(Date.now())}>
            {t('video.offerDismiss')}
          </button>
        </div>
      )}
    </>
  );
}

/**
 * The media of the booth. Mounted only for audio and video tiers: only then is a token asked
 * for and livekit-client downloaded (import() below is its own chunk).
 */
function MediaStage({
  slug,
  tier,
  sources,
  visitingPrivately,
  onRetry,
}: {
  slug: string;
  tier: MediaTier;
  sources: readonly (keyof Publishing)[];
  visitingPrivately: boolean;
  onRetry: () => void;
}) {
  const t = useT();
  const stageRef = useRef<HTMLDivElement>(null);
  const handleRef = useRef<RoomHandle | null>(null);
  const tierRef = useRef(tier);
  const [status, setStatus] = useState<'connecting' | 'connected' | 'failed'>('connecting');
  const [error, setError] = useState<ApiError | null>(null);
  const [publishing, setPublishing] = useState<Publishing>(NOT_PUBLISHING);
  const [publishFailed, setPublishFailed] = useState(false);
  // A private visitor is told, once, that camera and microphone show them to everyone here.
  const [pendingSource, setPendingSource] = useState<keyof Publishing | null>(null);
  const [shownConfirmed, setShownConfirmed] = useState(false);

  useEffect(() => {
    tierRef.current = tier;
    handleRef.current?.setTier(tier);
  }, [tier]);

  useEffect(() => {
    let cancelled = false;
    let handle: RoomHandle | null = null;
    void (async () => {
      const token = await api<{ url: string; token: string }>(`/api/booths/${encodeURIComponent(slug)}/video-token`, { method: 'POST' });
      if (cancelled) return;
      if (!token.ok) {
        setError(token.error);
        setStatus('failed');
        return;
      }
      try {
        const { joinRoom } = await import('./media-room.js');
        if (cancelled) return;
        handle = await joinRoom({
          ...token.data,
          tier: tierRef.current,
          stage: stageRef.current!,
          callbacks: {
            onQuality: (quality: Quality) => useStore.getState().observeQuality(quality, Date.now()),
            onPublishing: setPublishing,
            onRemoteCount: () => undefined,
            onDisconnected: () => {
              if (!cancelled) setStatus('failed');
            },
          },
        });
        if (cancelled) {
          void handle.leave();
          return;
        }
        handleRef.current = handle;
        setStatus('connected');
      } catch {
        if (!cancelled) setStatus('failed');
      }
    })();
    return () => {
      cancelled = true;
      handleRef.current = null;
      void handle?.leave();
    };
  }, [slug]);

  const toggle = (source: keyof Publishing, confirmed = shownConfirmed) => {
    if (visitingPrivately && !confirmed && !publishing[source]) return setPendingSource(source);
    setPublishFailed(false);
    handleRef.current?.setPublishing(source, !publishing[source]).catch(() => setPublishFailed(true));
  };
  const label: Record<keyof Publishing, MessageKey> = { camera: 'video.camera', microphone: 'video.microphone', screenShare: 'video.screenShare' };

  return (
    <div className="media">
      <p role="status">
        {status === 'connecting' && t('video.connecting')}
        {status === 'connected' && (tier === 'audio' ? t('video.audioOnly') : t('video.connected'))}
      </p>
      {status === 'failed' && (
        <div role="alert" className="error">
          <p>{error ? t.error(error) : t('video.failed')}</p>
          <button type="button" className="secondary" onClick={onRetry}>
            {t('video.retry')}
          </button>
        </div>
      )}
      {status === 'connected' && sources.length > 0 && (
        <div role="group" aria-label={t('video.controls')} className="media-controls">
          {sources.map((source) => (
            <button key={source} type="button" aria-pressed={publishing[source]} disabled={source !== 'microphone' && tier === 'audio'} onClick={() => toggle(source)}>
              {t(label[source])}
            </button>
          ))}
          {pendingSource && (
            <div role="alertdialog" aria-labelledby="private-publish-warning" className="notice">
              <p id="private-publish-warning">{t('video.privatePublishWarning')}</p>
              <button
                type="button"
                onClick={() => {
                  setShownConfirmed(true);
                  setPendingSource(null);
                  toggle(pendingSource, true);
                }}
              >
                {t('video.privatePublishConfirm')}
              </button>{' '}
              <button type="button" className="secondary" onClick={() => setPendingSource(null)}>
                {t('video.privatePublishCancel')}
              </button>
            </div>
          )}
          {publishFailed && <p className="error">{t('video.publishFailed')}</p>}
        </div>
      )}
      <div ref={stageRef} className="video-stage" role="region" aria-label={t('video.stage')} />
    </div>
  );
}

function HandButton({ boothId, tier }: { boothId: number; tier: Tier }) {
  const t = useT();
  const hand = useStore((state) => state.hand);
  const [error, setError] = useState<ApiError | null>(null);
  const raise = async () => setError(await raiseHand(boothId));
  return (
    <div className="hand">
      {hand === 'none' ? (
        <button type="button" onClick={() => void raise()}>
          {t('video.raiseHand')}
        </button>
      ) : (
        <button type="button" className="secondary" onClick={() => void lowerHand(boothId)}>
          {t('video.lowerHand')}
        </button>
      )}
      <p role="status" className={hand === 'granted' ? 'notice speak-now' : 'hint'}>
        {hand === 'raised' && t('video.handRaised')}
        {hand === 'granted' && (tier === 'text' ? t('video.maySpeakText') : t('video.maySpeak'))}
      </p>
      {error && <p role="alert" className="error">{t.error(error)}</p>}
    </div>
  );
}

function HandQueue({ boothId }: { boothId: number }) {
  const t = useT();
  const queue = useStore((state) => state.handQueue);
  const [error, setError] = useState<ApiError | null>(null);
  const decide = async (userId: string, decision: 'grant' | 'revoke') => setError(await decideHand(boothId, userId, decision));
  return (
    <section aria-labelledby="hands-title" className="hand-queue">
      <h3 id="hands-title">{t('video.queue')}</h3>
      {queue.length === 0 ? (
        <p className="hint">{t('video.queueEmpty')}</p>
      ) : (
        <ul aria-labelledby="hands-title">
          {queue.map((entry) => (
            <li key={entry.userId}>
              <span>{entry.displayName}</span>{' '}
              {entry.granted ? (
                <>
                  <span className="badge">{t('video.speaking')}</span>{' '}
                  <button type="button" className="secondary" aria-label={t('video.revokeLabel', { name: entry.displayName })} onClick={() => void decide(entry.userId, 'revoke')}>
                    {t('video.revoke')}
                  </button>
                </>
              ) : (
                <button type="button" aria-label={t('video.acceptLabel', { name: entry.displayName })} onClick={() => void decide(entry.userId, 'grant')}>
                  {t('video.accept')}
                </button>
              )}
            </li>
          ))}
        </ul>
      )}
      {error && <p role="alert" className="error">{t.error(error)}</p>}
    </section>
  );
}

/** The booth's video: tier chooser, media, host controls and raised hands. */
export function VideoPanel({ booth, joined }: { booth: Booth; joined: boolean }) {
  const t = useT();
  const me = useStore((state) => state.me);
  const ladder = useStore((state) => state.ladder);
  const hand = useStore((state) => state.hand);
  const startVideoLadder = useStore((state) => state.startVideoLadder);
  const evaluateLadder = useStore((state) => state.evaluateLadder);
  const [attempt, setAttempt] = useState(0);
  const visitingPrivately = useStore((state) => (state.boothView?.privateAlias ?? null) !== null);
  const isHost = can(me, 'video:publish', { boothId: booth.id });
  const managesHands = can(me, 'hand:manage', { boothId: booth.id });

  useEffect(() => startVideoLadder(booth.video), [booth.id, booth.video, startVideoLadder]);

  useEffect(() => {
    if (joined && booth.video) void refreshHands(booth.id, managesHands);
  }, [joined, booth.id, booth.video, managesHands]);

  // One timer for whatever the ladder is waiting on (a sustained Poor or Good).
  useEffect(() => {
    const at = nextCheckAt(ladder);
    if (at === null) return;
    const timer = setTimeout(() => evaluateLadder(Date.now()), Math.max(0, at - Date.now()));
    return () => clearTimeout(timer);
  }, [ladder, evaluateLadder]);

  const sources: (keyof Publishing)[] = isHost ? ['camera', 'microphone', 'screenShare'] : hand === 'granted' ? ['camera', 'microphone'] : [];

  return (
    <section className="card video" aria-labelledby="video-title">
      <h2 id="video-title">{t('video.title')}</h2>
      {booth.video && <p>{t.plural('video.onVideo', booth.videoParticipants)}</p>}
      <TierChooser videoAvailable={booth.video} />
      {booth.video && <LadderNotices />}
      {booth.video && joined && ladder.tier !== 'text' && (
        <MediaStage key={attempt} slug={booth.slug} tier={ladder.tier} sources={sources} visitingPrivately={visitingPrivately && !isHost} onRetry={() => setAttempt((n) => n + 1)} />
      )}
      {booth.video && joined && !isHost && <HandButton boothId={booth.id} tier={ladder.tier} />}
      {booth.video && managesHands && <HandQueue boothId={booth.id} />}
    </section>
  );
}
