/**
 * Throwaway PostgreSQL databases for tests and benchmarks: each gets a fresh, uniquely named
 * database on the admin connection's server and drops it afterwards. One place for the admin
 * connection, so the store tests, the process tests and the benchmarks all create and drop alike.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';

/** The server tests create their databases on; trust auth on 127.0.0.1 by default. */
export const POSTGRES_ADMIN_URL =
  process.env['RATCHET_TEST_DATABASE_URL'] ?? 'postgres://postgres@127.0.0.1:5432/postgres';

/** Runs one statement on a short-lived admin connection (3 s to connect: a missing server fails fast). */
export async function adminQuery(text: string, adminUrl: string = POSTGRES_ADMIN_URL): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl, connectionTimeoutMillis: 3000 });
  await client.connect();
  try {
    await client.query(text);
  } finally {
    await client.end();
  }
}

export interface ScratchDatabase {
  /** The new database's URL: the admin URL with its database name replaced. */
  readonly url: string;
  /** Drops it, disconnecting whoever is still connected. */
  drop(): Promise<void>;
}

/** Creates `<prefix>_<random hex>` on the admin URL's server. */
export async function createScratchDatabase(
  prefix: string,
  adminUrl: string = POSTGRES_ADMIN_URL,
): Promise<ScratchDatabase> {
  const name = `${prefix}_${randomBytes(6).toString('hex')}`;
  await adminQuery(`create database ${name}`, adminUrl);
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: () => adminQuery(`drop database if exists ${name} with (force)`, adminUrl),
  };
}

/**
 * What a store (`openStore`, `startTestServer`) needs to run on a scratch database: its URL and a
 * secret key of its own, as a multi-server PostgreSQL deployment sets RATCHET_SECRET_KEY (on SQLite
 * the key lives in the data folder); nothing without a database.
 */
export function storeOptionsFor(
  database: ScratchDatabase | undefined,
): { databaseUrl: string; secretKey: string } | Record<string, never> {
  return database ? { databaseUrl: database.url, secretKey: randomBytes(32).toString('base64') } : {};
}
