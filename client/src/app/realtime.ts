import { loadOutbox, persistOutbox, joinCurrentBooth, registerBoothListeners } from '../features/booth/booth-actions.js';
import { registerLobbyListeners } from '../features/lobby/lobby-listeners.js';
import { registerVideoListeners } from '../features/video/video-actions.js';
import { registerModerationListeners } from '../features/moderation/moderation-listeners.js';
import { registerInboxListeners } from '../features/inbox/inbox-listeners.js';
import { classifyHandshakeRefusal } from '../features/connection/handshake-refusal.js';
import { outdatedAction, reloadIntoNewBuild } from '../features/connection/reload-into-new-build.js';
import { closeSocket, createSocket } from '../lib/socket.js';
import { useStore } from './store.js';

/**
 * Opens the realtime connection at boot, in parallel with asking who the member is (the
 * handshake authenticates from the cookie), and keeps the connection state honest: online,
 * reconnecting (the link dropped, Socket.IO retries), offline (the device says so), busy (the
 * server refused us for load: we come back when it said, with jitter), or updating/outdated
 * (the server speaks a newer protocol than this build: reload into it).
 * Signing in connects; signing out disconnects. Returns the clean-up.
 */
export function startRealtime(): () => void {
  const { setConnection } = useStore.getState();
  const socket = createSocket();
  // Set once the server says this build is too old: no connection is tried again from this page.
  let outdated = false;
  // A refused handshake waiting out its backoff: nothing else (sign-in finishing, the device
  // coming online) may cut the wait short, or a refused crowd would come straight back.
  let refusedAttempts = 0;
  let refusedRetry: ReturnType<typeof setTimeout> | undefined;
  const mayConnect = () => !socket.active && !outdated && refusedRetry === undefined;
  registerBoothListeners(socket);
  registerLobbyListeners(socket);
  registerVideoListeners(socket);
  registerModerationListeners(socket);
  registerInboxListeners(socket);
  const unsubscribeMe = useStore.subscribe((state, previous) => {
    const userId = state.me?.id;
    if (userId === previous.me?.id) return;
    if (userId) {
      loadOutbox(userId);
      if (mayConnect()) socket.connect();
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
    if (me && mayConnect()) socket.connect();
  };
  socket.on('connect', () => {
    refusedAttempts = 0;
    clearTimeout(refusedRetry);
    refusedRetry = undefined;
  });
  socket.on('connect_error', (error: Error & { data?: unknown }) => {
    const refusal = classifyHandshakeRefusal(error, refusedAttempts);
    if (refusal.kind === 'signed-out') {
      useStore.getState().setMe(null);
      return;
    }
    if (refusal.kind === 'outdated') {
      // The service worker kept the previous shell: reload into the new build, once; if that
      // brought the old build back, ask the member rather than reload in a loop.
      outdated = true;
      if (outdatedAction() === 'reload') {
        setConnection('updating');
        void reloadIntoNewBuild();
      } else {
        setConnection('outdated');
      }
      return;
    }
    if (!navigator.onLine) {
      setConnection('offline');
      return;
    }
    if (refusal.kind === 'transport') {
      setConnection('reconnecting');
      return;
    }
    // Refused by the server itself (too busy, too many tabs, a cool-down after flooding, its
    // database busy for a moment): Socket.IO does not retry these, so we do, never sooner than
    // the server asked and with jitter, so a crowd does not return at once.
    refusedAttempts++;
    const reconnectAt = Date.now() + refusal.delayMs;
    setConnection(refusal.busy ? 'busy' : 'reconnecting', refusal.busy ? reconnectAt : undefined);
    clearTimeout(refusedRetry);
    refusedRetry = setTimeout(() => {
      refusedRetry = undefined;
      // Still asking who the member is: signing in connects (through `me`).
      if (!useStore.getState().me || !mayConnect()) return;
      setConnection('reconnecting');
      socket.connect();
    }, refusal.delayMs);
  });

  // The device knows before Socket.IO's ping does: act on it at once.
  const goOffline = () => {
    if (outdated) return;
    setConnection('offline');
    socket.disconnect();
  };
  const goOnline = () => {
    if (useStore.getState().me === null || outdated) return;
    setConnection('reconnecting');
    if (mayConnect()) socket.connect();
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
