/**
 * Vitest setup file (vite.config.ts `setupFiles`): fails a test whose clients received an
 * event or ack that breaks the protocol registry. afterAll catches what arrives while a file's
 * own afterAll hooks close sockets and servers (vitest runs after-hooks in reverse order, so
 * this one runs last).
 */
import { afterAll, afterEach } from 'vitest';
import { assertProtocolClean } from './protocol-check.js';

afterEach(() => assertProtocolClean());
afterAll(() => assertProtocolClean());
