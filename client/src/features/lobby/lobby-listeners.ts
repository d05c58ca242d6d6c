import { useStore } from '../../app/store.js';
import type { FairClientSocket } from '../../lib/socket.js';

/** Live occupancy and booth changes (profile, schedule, lock, status), applied to the lobby's booths. */
export function registerLobbyListeners(socket: FairClientSocket): void {
  socket.on('booth:updated', (booth) => {
    useStore.setState((state) => {
      if (!state.booths) return {};
      // A booth organisers have just made appears in every open lobby, in name order.
      if (!state.booths.some((b) => b.id === booth.id)) return { booths: [...state.booths, booth].sort((a, b) => a.name.localeCompare(b.name)) };
      return { booths: state.booths.map((b) => (b.id === booth.id ? { ...booth, occupancy: b.occupancy, waiting: b.waiting } : b)) };
    });
  });
  socket.on('lobby:occupancy', (changes) => {
    useStore.setState((state) => {
      if (!state.booths) return {};
      let changed = false;
      const booths = state.booths.map((booth) => {
        const count = changes[booth.id];
        if (count === undefined || count === booth.occupancy) return booth;
        changed = true;
        return { ...booth, occupancy: count };
      });
      return changed ? { booths } : {};
    });
  });
  // How many wait at each full booth (the card's 'Full — 7 waiting').
  socket.on('lobby:waiting', (changes) => {
    useStore.setState((state) => (state.booths ? { booths: state.booths.map((booth) => (changes[booth.id] === undefined ? booth : { ...booth, waiting: changes[booth.id] })) } : {}));
  });
  socket.on('video:count', ({ boothId, count }) => {
    useStore.setState((state) => {
      if (!state.booths?.some((booth) => booth.id === boothId && booth.videoParticipants !== count)) return {};
      return { booths: state.booths.map((booth) => (booth.id === boothId ? { ...booth, videoParticipants: count } : booth)) };
    });
  });
}
