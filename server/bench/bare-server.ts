/**
 * The bench's yardstick: bare Socket.IO that only joins rooms and broadcasts to them, with no
 * auth, validation, persistence, presence or rate limits. Same Socket.IO options and the same
 * event names as the fair, so the load workers drive both alike. Run as its own process (PORT).
 */
import { createServer } from 'node:http';
import { Server } from 'socket.io';
import { SOCKET_MAX_PAYLOAD_BYTES, SOCKET_PING_INTERVAL_MS, SOCKET_PING_TIMEOUT_MS } from '../realtime/socket-server.js';

type Ack = (result: { ok: true; data: unknown }) => void;

const httpServer = createServer((req, res) => {
  res.statusCode = req.url === '/healthz' ? 200 : 404;
  res.end();
});
const io = new Server(httpServer, {
  serveClient: false,
  maxHttpBufferSize: SOCKET_MAX_PAYLOAD_BYTES,
  pingInterval: SOCKET_PING_INTERVAL_MS,
  pingTimeout: SOCKET_PING_TIMEOUT_MS,
});

let seq = 0;
io.on('connection', (socket) => {
  void socket.join('lobby');
  socket.on('booth:join', (payload: { boothId: number }, ack: Ack) => {
    void socket.join(`booth:${payload.boothId}`);
    ack({ ok: true, data: { boothId: payload.boothId } });
  });
  socket.on('chat:send', (payload: { boothId: number; clientMsgId: string; body: string }, ack: Ack) => {
    const message = { ...payload, seq: ++seq };
    io.to(`booth:${payload.boothId}`).emit('chat:created', message);
    ack({ ok: true, data: message });
  });
});

httpServer.listen(Number(process.env.PORT ?? 0), '127.0.0.1');
process.on('SIGTERM', () => process.exit(0));
process.on('SIGINT', () => process.exit(0));
