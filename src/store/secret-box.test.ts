import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ConflictError, InputError } from '../domain/errors/index.js';
import { createSecretBox, openSecretBox, parseSecretKey } from './secret-box.js';

const KEY = randomBytes(32);

describe('secret box', () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  it('seals so that the stored text does not contain the secret, and opens it again', () => {
    const box = createSecretBox(KEY);
    const sealed = box.seal('deploy-secret-0123456789', 'instance-deployer:ins_1');
    expect(sealed).not.toContain('deploy-secret');
    expect(sealed).toMatch(/^v1\.k_[0-9a-f]{8}\.[\w-]+\.[\w-]+$/);
    expect(box.open(sealed, 'instance-deployer:ins_1')).toBe('deploy-secret-0123456789');
    // A fresh IV each time: equal secrets do not give equal ciphertexts.
    expect(box.seal('deploy-secret-0123456789', 'instance-deployer:ins_1')).not.toBe(sealed);
  });

  it('refuses a value moved to another record, altered, or sealed under another key', () => {
    const box = createSecretBox(KEY);
    const sealed = box.seal('deploy-secret-0123456789', 'instance-deployer:ins_1');
    expect(() => box.open(sealed, 'instance-deployer:ins_2')).toThrow(/integrity check/);
    const parts = sealed.split('.');
    const body = Buffer.from(parts[3]!, 'base64url');
    body[0] = body[0]! ^ 1;
    const altered = [...parts.slice(0, 3), body.toString('base64url')].join('.');
    expect(() => box.open(altered, 'instance-deployer:ins_1')).toThrow(ConflictError);
    const other = createSecretBox(randomBytes(32));
    expect(() => other.open(sealed, 'instance-deployer:ins_1')).toThrow(
      new RegExp(`sealed with key ${box.keyId!}; this server's RATCHET_SECRET_KEY is ${other.keyId!}`),
    );
    expect(() => box.open('plain text', 'instance-deployer:ins_1')).toThrow(/not in a format/);
  });

  it('reads RATCHET_SECRET_KEY as base64 or hex and rejects anything else with how to make one', () => {
    expect(parseSecretKey(KEY.toString('base64')).equals(KEY)).toBe(true);
    expect(parseSecretKey(KEY.toString('hex')).equals(KEY)).toBe(true);
    for (const bad of ['', 'short', randomBytes(16).toString('base64'), `${KEY.toString('hex')}00`]) {
      expect(() => parseSecretKey(bad)).toThrow(InputError);
    }
    expect(parseSecretKey(KEY.toString('base64url')).equals(KEY)).toBe(true);
    const refusal = (() => {
      try {
        parseSecretKey('nope');
      } catch (error) {
        return error as InputError;
      }
      return null;
    })();
    expect(refusal?.remedy).toMatch(/openssl rand -base64 32/);
  });

  it('SQLite without a configured key: creates one key file (0600) in the data directory and keeps using it', () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'ratchet-secret-'));
    dirs.push(dataDir);
    const first = openSecretBox({ dataDir });
    expect(existsSync(join(dataDir, 'secret.key'))).toBe(false);
    const sealed = first.seal('s3cret-value-0123', 'ctx');
    const file = join(dataDir, 'secret.key');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const second = openSecretBox({ dataDir });
    expect(second.keyId).toBe(first.keyId);
    expect(second.open(sealed, 'ctx')).toBe('s3cret-value-0123');
    expect(readFileSync(file, 'utf8')).not.toContain('s3cret');
  });

  it('a configured key wins over the key file; without either (PostgreSQL) sealing is refused with the remedy', () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'ratchet-secret-'));
    dirs.push(dataDir);
    const configured = openSecretBox({ secretKey: KEY.toString('base64'), dataDir });
    expect(configured.keyId).toBe(createSecretBox(KEY).keyId);
    const keyless = openSecretBox({ secretKey: '' });
    expect(keyless.keyId).toBeNull();
    expect(() => keyless.seal('x'.repeat(16), 'ctx')).toThrow(ConflictError);
    expect(() => keyless.open('v1.k.a.b', 'ctx')).toThrow(/RATCHET_SECRET_KEY is not set/);
  });
});
