/**
 * The one module that imports livekit-client (about 150 KB gzipped). VideoPanel loads it with
 * import() only when a member turns audio or video on, so the text tier never downloads it.
 */
import {
  AudioPresets,
  Room,
  RoomEvent,
  Track,
  VideoPresets,
  VideoQuality,
  type Participant,
  type RemoteTrack,
  type RemoteTrackPublication,
} from 'livekit-client';
import type { MediaTier, Quality } from './tier.js';

export interface Publishing {
  camera: boolean;
  microphone: boolean;
  screenShare: boolean;
}

export interface RoomCallbacks {
  /** Our own connection quality, on every change. */
  onQuality(quality: Quality): void;
  /** What we publish changed (including when a moderator muted us or permissions changed). */
  onPublishing(publishing: Publishing): void;
  /** How many people are on screen or audible. */
  onRemoteCount(count: number): void;
  /** The room went away (network, or a moderator removed us). */
  onDisconnected(): void;
}

export interface RoomHandle {
  setTier(tier: MediaTier): void;
  setPublishing(source: keyof Publishing, on: boolean): Promise<void>;
  leave(): Promise<void>;
}

/**
 * Joins the booth's room. Nothing is subscribed automatically: the tier decides, so the audio
 * tier never receives a video packet. Remote media is attached into `stage`.
 */
export async function joinRoom(options: { url: string; token: string; tier: MediaTier; stage: HTMLElement; callbacks: RoomCallbacks }): Promise<RoomHandle> {
  const { stage, callbacks } = options;
  let tier = options.tier;
  const room = new Room({
    // Both are off by default: subscribers get the layer their element needs, publishers
    // stop sending layers nobody watches.
    adaptiveStream: true,
    dynacast: true,
    publishDefaults: {
      simulcast: true,
      videoSimulcastLayers: [VideoPresets.h180, VideoPresets.h360],
      audioPreset: AudioPresets.speech,
      dtx: true,
    },
  });

  const elements = new Map<string, HTMLElement>();

  const applyTier = (publication: RemoteTrackPublication) => {
    if (publication.kind === Track.Kind.Audio) {
      publication.setSubscribed(true);
      return;
    }
    if (tier === 'audio') {
      publication.setSubscribed(false);
      return;
    }
    publication.setSubscribed(true);
    publication.setVideoQuality(tier === 'lowVideo' ? VideoQuality.LOW : VideoQuality.HIGH);
  };
  const applyTierToAll = () => {
    for (const participant of room.remoteParticipants.values()) for (const publication of participant.trackPublications.values()) applyTier(publication);
  };

  const reportPublishing = () =>
    callbacks.onPublishing({
      camera: room.localParticipant.isCameraEnabled,
      microphone: room.localParticipant.isMicrophoneEnabled,
      screenShare: room.localParticipant.isScreenShareEnabled,
    });
  const reportRemotes = () => callbacks.onRemoteCount(room.remoteParticipants.size);

  const attach = (track: RemoteTrack, publication: RemoteTrackPublication, participant: Participant) => {
    const media = track.attach();
    let element: HTMLElement = media;
    if (track.kind === Track.Kind.Video) {
      const figure = document.createElement('figure');
      const caption = document.createElement('figcaption');
      caption.textContent = participant.name || participant.identity;
      (media as HTMLVideoElement).playsInline = true;
      figure.append(media, caption);
      element = figure;
    }
    elements.set(publication.trackSid, element);
    stage.append(element);
  };
  const detach = (track: RemoteTrack, publication: RemoteTrackPublication) => {
    track.detach();
    elements.get(publication.trackSid)?.remove();
    elements.delete(publication.trackSid);
  };

  room
    .on(RoomEvent.TrackPublished, applyTier)
    .on(RoomEvent.TrackSubscribed, attach)
    .on(RoomEvent.TrackUnsubscribed, detach)
    .on(RoomEvent.ParticipantConnected, reportRemotes)
    .on(RoomEvent.ParticipantDisconnected, reportRemotes)
    .on(RoomEvent.LocalTrackPublished, reportPublishing)
    .on(RoomEvent.LocalTrackUnpublished, reportPublishing)
    .on(RoomEvent.TrackMuted, reportPublishing)
    .on(RoomEvent.TrackUnmuted, reportPublishing)
    .on(RoomEvent.ParticipantPermissionsChanged, reportPublishing)
    .on(RoomEvent.ConnectionQualityChanged, (quality, participant) => {
      if (participant.isLocal) callbacks.onQuality(quality);
    })
    .on(RoomEvent.Disconnected, () => {
      for (const element of elements.values()) element.remove();
      elements.clear();
      callbacks.onDisconnected();
    });

  await room.connect(options.url, options.token, { autoSubscribe: false });
  applyTierToAll();
  reportRemotes();
  reportPublishing();

  return {
    setTier(next) {
      tier = next;
      applyTierToAll();
      // Leaving video: stop sending our camera too.
      if (tier === 'audio' && room.localParticipant.isCameraEnabled) void room.localParticipant.setCameraEnabled(false).then(reportPublishing);
    },
    async setPublishing(source, on) {
      const local = room.localParticipant;
      if (source === 'camera') await local.setCameraEnabled(on);
      else if (source === 'microphone') await local.setMicrophoneEnabled(on);
      else await local.setScreenShareEnabled(on);
      reportPublishing();
    },
    async leave() {
      room.removeAllListeners();
      for (const element of elements.values()) element.remove();
      elements.clear();
      await room.disconnect();
    },
  };
}
