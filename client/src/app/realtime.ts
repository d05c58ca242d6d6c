import { loadOutbox, persistOutbox, joinCurrentBooth, registerBoothListeners } from '../features/booth/booth-actions.js';
import { registerLobbyListeners } from '../features/lobby/lobby-listeners.js';
import { registerModerationListeners } from '../features/moderation/moderation-listeners.js';
import { closeSocket, createSocket } from '../lib/socket.js';
import { useStore } from './store.js';

/**
 * Opens the realtime connection for a signed-in member and keeps the connection state honest:
 * online, reconnecting (the link dropped, Socket.IO retries), or offline (the device says so).
 * Returns the clean-up.
 */
export function startRealtime(userId: string): () => void {
  const { setConnection } = useStore.getState();
  loadOutbox(userId);
  const unsubscribeOutbox = useStore.subscribe((state, previous) => {
    if (state.outbox !== previous.outbox) persistOutbox(userId, state.outbox);
  });
  // Re-join with the new visibility when the member switches private visiting on or off.
  const unsubscribePrivate = useStore.subscribe((state, previous) => {
    if (state.visitPrivately !== previous.visitPrivately && state.boothView?.joined) void joinCurrentBooth();
  });

  const socket = createSocket();
  registerBoothListeners(socket);
  registerLobbyListeners(socket);
  registerModerationListeners(socket);
  setConnection(navigator.onLine ? 'connecting' : 'offline');

  socket.on('connect', () => {
    setConnection('online');
    void joinCurrentBooth();
  });
  socket.on('disconnect', () => setConnection(navigator.onLine ? 'reconnecting' : 'offline'));
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
    setConnection('reconnecting');
    socket.connect();
  };
  window.addEventListener('offline', goOffline);
  window.addEventListener('online', goOnline);

  return () => {
    window.removeEventListener('offline', goOffline);
    window.removeEventListener('online', goOnline);
    unsubscribeOutbox();
    unsubscribePrivate();
    closeSocket();
  };
}
