import { loadOutbox, persistOutbox, joinCurrentBooth, registerBoothListeners } from '../features/booth/booth-actions.js';
import { registerLobbyListeners } from '../features/lobby/lobby-listeners.js';
import { registerVideoListeners } from '../features/video/video-actions.js';
import { registerModerationListeners } from '../features/moderation/moderation-listeners.js';
import { retryDelayMs } from '../features/booth/send-retry.js';
import { closeSocket, createSocket } from '../lib/socket.js';
import { useStore } from './store.js';

/** A refused handshake is tried again no sooner than this (the server's flood cool-down is 10 s). */
const REFUSED_RETRY_MIN_MS = 5_000;

/**
 * Opens the realtime connection at boot, in parallel with asking who the member is (the
 * handshake authenticates from the cookie), and keeps the connection state honest: online,
 * reconnecting (the link dropped, Socket.IO retries), or offline (the device says so).
 * Signing in connects; signing out disconnects. Returns the clean-up.
 */
export function startRealtime(): () => void {
  const { setConnection } = useStore.getState();
  const socket = createSocket();
  registerBoothListeners(socket);
  registerLobbyListeners(socket);
  registerVideoListeners(socket);
  registerModerationListeners(socket);
  const unsubscribeMe = useStore.subscribe((state, previous) => {
    const userId = state.me?.id;
    if (userId === previous.me?.id) return;
    if (userId) {
      loadOutbox(userId);
      if (!socket.active) socket.connect();
    } else if (state.me === null) {
      socket.disconnect();
      useStore.setState({ outbox: [] });
    }
  });
  const unsubscribeOutbox = useStore.subscribe((state, previous) => {
    const userId = state.me?.id;
    if (userId && state.outbox !== previous.outbox) persistOutbox(userId, state.outbox);
  });
  // Re-join with the new visibility when the member switches private visiting on or off.
  const unsubscribePrivate = useStore.subscribe((state, previous) => {
    if (state.visitPrivately !== previous.visitPrivately && state.boothView?.joined) void joinCurrentBooth();
  });

  setConnection(navigator.onLine ? 'connecting' : 'offline');

  socket.on('connect', () => {
    setConnection('online');
    void joinCurrentBooth();
  });
  socket.on('disconnect', (reason) => {
    setConnection(navigator.onLine ? 'reconnecting' : 'offline');
    // The server closed us on purpose and Socket.IO will not retry: the session may have
    // ended (signed out elsewhere, expired, ended by a password change or a ban). Ask who we
    // are: signed out → the sign-in page (through `me`); still signed in → connect again.
    if (reason === 'io server disconnect') void recheckSession();
  });
  const recheckSession = async () => {
    await useStore.getState().loadMe();
    const { me } = useStore.getState();
    if (me && !socket.active) socket.connect();
  };
  let refusedAttempts = 0;
  let refusedRetry: ReturnType<typeof setTimeout> | undefined;
  socket.on('connect', () => {
    refusedAttempts = 0;
  });
  socket.on('connect_error', (error) => {
    if (error.message === 'UNAUTHENTICATED' || error.message === 'BANNED') {
      useStore.getState().setMe(null);
      return;
    }
    setConnection(navigator.onLine ? 'reconnecting' : 'offline');
    // Refused by the server itself (too many tabs, a cool-down after flooding, its database busy
    // for a moment): Socket.IO does not retry these, so we do, backing off with jitter so a
    // crowd does not return at once.
    if (error.message === 'RATE_LIMITED' || error.message === 'UNAVAILABLE') {
      clearTimeout(refusedRetry);
      refusedRetry = setTimeout(() => {
        if (useStore.getState().me && !socket.active) socket.connect();
      }, retryDelayMs(refusedAttempts++, REFUSED_RETRY_MIN_MS));
    }
  });

  // The device knows before Socket.IO's ping does: act on it at once.
  const goOffline = () => {
    setConnection('offline');
    socket.disconnect();
  };
  const goOnline = () => {
    if (useStore.getState().me === null) return;
    setConnection('reconnecting');
    socket.connect();
  };
  window.addEventListener('offline', goOffline);
  window.addEventListener('online', goOnline);

  return () => {
    unsubscribeMe();
    window.removeEventListener('offline', goOffline);
    window.removeEventListener('online', goOnline);
    unsubscribeOutbox();
    unsubscribePrivate();
    clearTimeout(refusedRetry);
    closeSocket();
  };
}
