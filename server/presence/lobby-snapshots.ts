/**
 * The full lobby counts a new connection needs, sent in one broadcast to everyone who connected
 * within the last `delayMs` and is still browsing. A member who reconnects straight into a booth
 * (the client asks for it in its first breath) has left the lobby by then and is sent nothing;
 * `booth:leave` sends the counts when they come back. At the doors' opening this saves one read,
 * one encode and one frame per arriving member: thousands of them a second.
 */
export function createLobbySnapshots(options: {
  delayMs: number;
  /** Which of these connections are still connected and looking at the lobby. */
  stillBrowsing: (socketIds: string[]) => string[];
  counts: () => Promise<Record<string, number>>;
  emit: (socketIds: string[], counts: Record<string, number>) => void;
  /** A failed read: those connections keep the counts their page loaded (GET /api/booths) and hear changes. */
  failed: (err: unknown) => void;
}) {
  let waiting: string[] = [];
  let timer: NodeJS.Timeout | undefined;

  async function flush(): Promise<void> {
    timer = undefined;
    const due = waiting;
    waiting = [];
    const counts = await options.counts();
    const audience = options.stillBrowsing(due);
    if (audience.length > 0) options.emit(audience, counts);
  }

  return {
    /** A connection was let in: it gets the lobby's counts within `delayMs` if it is still browsing then. */
    connected(socketId: string): void {
      waiting.push(socketId);
      if (!timer) {
        timer = setTimeout(() => void flush().catch(options.failed), options.delayMs);
        timer.unref();
      }
    },
    close(): void {
      clearTimeout(timer);
      waiting = [];
    },
  };
}
