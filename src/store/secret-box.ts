/*
 * Secrets at rest (webhook deployer secrets): sealed with AES-256-GCM before they reach a table, so
 * a copy of the database (a backup, a pg_dump, a stolen SQLite file) does not hand out the keys that
 * sign deploy requests and callbacks.
 *
 * The key: `RATCHET_SECRET_KEY` (32 random bytes, base64 or hex), the same on every server of a
 * deployment. Without it, SQLite deployments get a key file created beside the database when the
 * first secret is sealed (`<data dir>/secret.key`, mode 0600): it keeps secrets out of the database
 * file, not away from someone who can read the whole directory. PostgreSQL deployments have no such
 * directory shared by their servers, so there a secret cannot be sealed or opened until the variable
 * is set.
 */
import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConflictError, InputError } from '../domain/errors/index.js';

const VERSION = 'v1';
const KEY_BYTES = 32;
const IV_BYTES = 12;
const TAG_BYTES = 16;
/** The SQLite data directory's key file (when RATCHET_SECRET_KEY is not set). */
const SECRET_KEY_FILE = 'secret.key';

export interface SecretBox {
  /** `v1.<key id>.<iv>.<ciphertext+tag>` (base64url); `context` (e.g. the instance id) is bound to it. */
  seal(plaintext: string, context: string): string;
  /** The plaintext of a sealed value; a ConflictError when this key cannot open it. */
  open(sealed: string, context: string): string;
  /** A short, non-secret fingerprint of the key ("k_1a2b3c4d"), or null when there is no key. */
  readonly keyId: string | null;
}

/** `RATCHET_SECRET_KEY` as bytes: 32 bytes written as base64 (44 characters) or hex (64). */
export function parseSecretKey(text: string): Buffer {
  const trimmed = text.trim();
  const hex = /^[0-9a-fA-F]{64}$/.test(trimmed);
  // 32 bytes: 44 base64 characters ending in one '=', or 43 unpadded (base64url).
  const base64 = /^[A-Za-z0-9+/]{43}=$/.test(trimmed) || /^[A-Za-z0-9_-]{43}$/.test(trimmed);
  if (!hex && !base64) {
    throw new InputError('RATCHET_SECRET_KEY must be 32 random bytes written as base64 or hex.', {
      remedy: 'Generate one with `openssl rand -base64 32` and give every server the same value.',
    });
  }
  return Buffer.from(trimmed, hex ? 'hex' : 'base64');
}

function keyIdOf(key: Buffer): string {
  return `k_${createHash('sha256').update(key).digest('hex').slice(0, 8)}`;
}

function noKeyError(): ConflictError {
  return new ConflictError(
    'This server has no key to seal or open stored secrets (RATCHET_SECRET_KEY is not set).',
    {
      remedy:
        'Set RATCHET_SECRET_KEY to 32 random bytes (`openssl rand -base64 32`), the same on every server, and restart.',
    },
  );
}

/** A box that refuses: PostgreSQL without RATCHET_SECRET_KEY. */
function keylessBox(): SecretBox {
  return {
    keyId: null,
    seal() {
      throw noKeyError();
    },
    open() {
      throw noKeyError();
    },
  };
}

export function createSecretBox(key: Buffer): SecretBox {
  const keyId = keyIdOf(key);
  return {
    keyId,
    seal(plaintext, context) {
      const iv = randomBytes(IV_BYTES);
      const cipher = createCipheriv('aes-256-gcm', key, iv);
      cipher.setAAD(Buffer.from(context, 'utf8'));
      const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final(), cipher.getAuthTag()]);
      return [VERSION, keyId, iv.toString('base64url'), body.toString('base64url')].join('.');
    },
    open(sealed, context) {
      const [version, sealedKeyId, ivText, bodyText, ...rest] = sealed.split('.');
      if (version !== VERSION || ivText === undefined || bodyText === undefined || rest.length > 0) {
        throw new ConflictError('A stored secret is not in a format this version of Ratchet can read.', {
          remedy: 'Set the secret again (for a deployer: PUT /api/v1/instances/{id}/deployer with "secret").',
        });
      }
      if (sealedKeyId !== keyId) {
        throw new ConflictError(
          `A stored secret was sealed with key ${String(sealedKeyId)}; this server's RATCHET_SECRET_KEY is ${keyId}.`,
          {
            remedy:
              'Give every server the key the secret was sealed with, or set the secret again under the new key.',
          },
        );
      }
      const body = Buffer.from(bodyText, 'base64url');
      const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(ivText, 'base64url'));
      decipher.setAAD(Buffer.from(context, 'utf8'));
      decipher.setAuthTag(body.subarray(body.length - TAG_BYTES));
      try {
        return Buffer.concat([
          decipher.update(body.subarray(0, body.length - TAG_BYTES)),
          decipher.final(),
        ]).toString('utf8');
      } catch {
        // GCM authenticates: a changed byte, or a value copied from another row (other context), fails here.
        throw new ConflictError(
          'A stored secret failed its integrity check: it was altered or moved from another record.',
          {
            remedy: 'Set the secret again.',
          },
        );
      }
    },
  };
}

/** The key from RATCHET_SECRET_KEY, or the SQLite data directory's key file (created on first use). */
function dataDirKey(dataDir: string): Buffer {
  const file = join(dataDir, SECRET_KEY_FILE);
  if (!existsSync(file)) {
    // 'wx' fails if another process created it meanwhile; then read theirs.
    try {
      writeFileSync(file, `${randomBytes(KEY_BYTES).toString('base64')}\n`, { mode: 0o600, flag: 'wx' });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
  }
  return parseSecretKey(readFileSync(file, 'utf8'));
}

export function openSecretBox(options: { secretKey?: string; dataDir?: string }): SecretBox {
  const configured = options.secretKey ?? process.env['RATCHET_SECRET_KEY'];
  if (configured !== undefined && configured !== '') return createSecretBox(parseSecretKey(configured));
  const dataDir = options.dataDir;
  if (dataDir !== undefined) return lazyBox(() => dataDirKey(dataDir));
  return keylessBox();
}

/** Reads (or creates) the key only when a secret is first sealed or opened: no webhook, no key file. */
function lazyBox(load: () => Buffer): SecretBox {
  let box: SecretBox | undefined;
  const loaded = (): SecretBox => (box ??= createSecretBox(load()));
  return {
    get keyId() {
      return loaded().keyId;
    },
    seal: (plaintext, context) => loaded().seal(plaintext, context),
    open: (sealed, context) => loaded().open(sealed, context),
  };
}
