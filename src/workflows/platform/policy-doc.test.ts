/**
 * docs/policy.md is the rendering of the same data `GET /api/v1/policy` serves and the workflows
 * enforce (renderPolicyMarkdown), so the documentation cannot drift from the product.
 * Regenerate after changing the policy data: `RATCHET_WRITE_POLICY_DOC=1 npx vitest run src/workflows/platform/policy-doc.test.ts`.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { format, resolveConfig } from 'prettier';
import { describe, expect, it } from 'vitest';
import { RESPONSIBILITIES, renderPolicyMarkdown } from '../../domain/policy/index.js';

const DOC = fileURLToPath(new URL('../../../docs/policy.md', import.meta.url));

const WRITE = process.env['RATCHET_WRITE_POLICY_DOC'] === '1';

/** Formatted as `npm run format` would, so the format check and this test agree on one text. */
async function renderedDoc(): Promise<string> {
  const options = (await resolveConfig(DOC)) ?? {};
  return format(renderPolicyMarkdown(), { ...options, parser: 'markdown' });
}

describe('docs/policy.md', () => {
  // Writing and checking never happen in one run: a check right after the write would compare the
  // file with itself and could not fail.
  it.runIf(WRITE)('is written from the enforced policy data (RATCHET_WRITE_POLICY_DOC=1)', async () => {
    writeFileSync(DOC, await renderedDoc());
  });

  it.skipIf(WRITE)('is exactly the rendering of the enforced policy data', async () => {
    const committed = readFileSync(DOC, 'utf8');
    expect(committed).toBe(await renderedDoc());
    for (const row of RESPONSIBILITIES) expect(committed).toContain(row.scenario);
  });
});
