import { loadOutbox, persistOutbox, joinCurrentBooth, registerBoothListeners } from '../features/booth/booth-actions.js';
import { registerLobbyListeners } from '../features/lobby/lobby-listeners.js';
import { registerVideoListeners } from '../features/video/video-actions.js';
import { registerModerationListeners } from '../features/moderation/moderation-listeners.js';
import { closeSocket, createSocket } from '../lib/socket.js';
import { useStore } from './store.js';

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
    // The server ended the connection (this session was signed out elsewhere, or a ban), and
    // Socket.IO will not retry: ask who we are; signed out shows the sign-in page.
    if (reason === 'io server disconnect') {
      void useStore.getState().loadMe().then(() => {
        if (useStore.getState().me) socket.connect();
      });
    }
  });
  socket.on('connect_error', (error) => {
    if (error.message === 'UNAUTHENTICATED' || error.message === 'BANNED') {
      useStore.getState().setMe(null);
      return;
    }
    setConnection(navigator.onLine ? 'reconnecting' : 'offline');
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
    closeSocket();
  };
}
