import { createHash, generateKeyPairSync, randomBytes, sign, type KeyObject } from 'node:crypto';
import { isoCBOR } from '@simplewebauthn/server/helpers';

/**
 * A WebAuthn authenticator in software, for server tests without a browser: it makes a P-256
 * passkey ("none" attestation) and signs assertions exactly as a device would, so the real
 * @simplewebauthn/server verification runs. The browser tests use Chromium's virtual one.
 */
export function createSoftAuthenticator(origin: string) {
  const rpID = new URL(origin).hostname;
  const rpIdHash = createHash('sha256').update(rpID).digest();
  const b64 = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64url');
  const clientData = (type: string, challenge: string) => Buffer.from(JSON.stringify({ type, challenge, origin, crossOrigin: false }));
  const credentials = new Map<string, { privateKey: KeyObject; counter: number; userHandle: string }>();
  const keysOf = new Map<string, { privateKey: KeyObject; publicKey: KeyObject }>();

  return {
    /**
     * Answers `navigator.credentials.create()` for registration options: a new passkey, or with
     * `sameAs` the one made earlier again (what a replaying client would send).
     */
    register(options: { challenge: string; user: { id: string } }, sameAs?: string) {
      const { privateKey, publicKey } = sameAs ? keysOf.get(sameAs)! : generateKeyPairSync('ec', { namedCurve: 'P-256' });
      const jwk = publicKey.export({ format: 'jwk' });
      const cose = isoCBOR.encode(
        new Map<number, number | Uint8Array>([
          [1, 2], // kty: EC2
          [3, -7], // alg: ES256
          [-1, 1], // crv: P-256
          [-2, Buffer.from(jwk.x!, 'base64url')],
          [-3, Buffer.from(jwk.y!, 'base64url')],
        ]),
      );
      const credentialId = sameAs ? Buffer.from(sameAs, 'base64url') : randomBytes(16);
      const idLength = Buffer.alloc(2);
      idLength.writeUInt16BE(credentialId.length);
      // User present + user verified + attested credential data.
      const authData = Buffer.concat([rpIdHash, Buffer.from([0x45]), Buffer.alloc(4), Buffer.alloc(16), idLength, credentialId, cose]);
      const attestationObject = isoCBOR.encode(
        new Map<string, string | Uint8Array | Map<string, string>>([
          ['fmt', 'none'],
          ['attStmt', new Map<string, string>()],
          ['authData', authData],
        ]),
      );
      const id = b64(credentialId);
      keysOf.set(id, { privateKey, publicKey });
      credentials.set(id, { privateKey, counter: 0, userHandle: options.user.id });
      return {
        id,
        rawId: id,
        type: 'public-key' as const,
        response: { clientDataJSON: b64(clientData('webauthn.create', options.challenge)), attestationObject: b64(attestationObject), transports: ['internal'] },
        clientExtensionResults: {},
      };
    },

    /** Answers `navigator.credentials.get()` with the given passkey (by default the first made). */
    assert(options: { challenge: string }, credentialId = [...credentials.keys()][0]!) {
      const credential = credentials.get(credentialId);
      if (!credential) throw new Error('no such credential');
      credential.counter += 1;
      const counter = Buffer.alloc(4);
      counter.writeUInt32BE(credential.counter);
      const authenticatorData = Buffer.concat([rpIdHash, Buffer.from([0x05]), counter]);
      const clientDataJSON = clientData('webauthn.get', options.challenge);
      const signature = sign('sha256', Buffer.concat([authenticatorData, createHash('sha256').update(clientDataJSON).digest()]), credential.privateKey);
      return {
        id: credentialId,
        rawId: credentialId,
        type: 'public-key' as const,
        response: { clientDataJSON: b64(clientDataJSON), authenticatorData: b64(authenticatorData), signature: b64(signature), userHandle: credential.userHandle },
        clientExtensionResults: {},
      };
    },
  };
}
