/**
 * Issue 13, item 8: another tenant's token or user is indistinguishable from one that does not
 * exist. Same status and same body apart from the id the caller sent, on both engines.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engines } from '../../test/support/engines.js';
import { createScratchDatabase, storeOptionsFor } from '../../test/support/scratch-postgres.js';
import type { ScratchDatabase } from '../../test/support/scratch-postgres.js';
import { startTestServer } from './test-server.js';
import type { CallResult, TestServer } from './test-server.js';

/** The answer with the id the caller sent replaced, so two answers compare as a client sees them. */
function shape(response: CallResult, sentId: string): { status: number; body: string } {
  return { status: response.status, body: response.text.replaceAll(sentId, '{id}') };
}

describe.each(engines)('token and user ids of other tenants (%s)', (engine) => {
  let server: TestServer;
  let database: ScratchDatabase | undefined;
  let globexTokenId: string;
  let beaToken: string;

  beforeAll(async () => {
    if (engine === 'postgres') database = await createScratchDatabase('ratchet_tokens');
    server = await startTestServer(storeOptionsFor(database));
    beaToken = server.seed.users.bea.token;
    const issued = await server.call('POST', '/api/v1/tokens', {
      token: server.seed.users.providerAdmin.token,
      body: { userId: server.seed.users.globexAdmin.user.id, label: 'globex' },
    });
    expect(issued.status, issued.text).toBe(201);
    globexTokenId = (issued.json.info as { id: string }).id;
  });
  afterAll(async () => {
    await server.close();
    await database?.drop();
  });

  it("DELETE /api/v1/tokens/{id}: another tenant's token answers exactly as an unknown one", async () => {
    const unknownId = `tok_${randomBytes(16).toString('hex')}`;
    const foreign = await server.call('DELETE', `/api/v1/tokens/${globexTokenId}`, { token: beaToken });
    const unknown = await server.call('DELETE', `/api/v1/tokens/${unknownId}`, { token: beaToken });
    expect(foreign.status).toBe(404);
    expect(shape(foreign, globexTokenId)).toEqual(shape(unknown, unknownId));
    expect(foreign.text).not.toContain(server.seed.users.globexAdmin.user.id);
    // And nothing was revoked: Gus's token still works.
    const row = await server.store.db
      .selectFrom('api_tokens')
      .select('revoked_at')
      .where('id', '=', globexTokenId)
      .executeTakeFirstOrThrow();
    expect(row.revoked_at).toBeNull();
  });

  it("POST /api/v1/tokens: another tenant's user and a provider user answer exactly as an unknown one", async () => {
    const unknownId = `usr_${randomBytes(16).toString('hex')}`;
    const unknown = shape(
      await server.call('POST', '/api/v1/tokens', { token: beaToken, body: { userId: unknownId } }),
      unknownId,
    );
    expect(unknown.status).toBe(404);
    for (const user of [server.seed.users.globexAdmin.user, server.seed.users.providerAdmin.user]) {
      const answer = await server.call('POST', '/api/v1/tokens', {
        token: beaToken,
        body: { userId: user.id },
      });
      expect(shape(answer, user.id)).toEqual(unknown);
    }
  });
});
