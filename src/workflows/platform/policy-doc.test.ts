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

describe('docs/policy.md', () => {
  it('is exactly the rendering of the enforced policy data', async () => {
    // Formatted as `npm run format` would, so the format check and this test agree on one text.
    const options = (await resolveConfig(DOC)) ?? {};
    const rendered = await format(renderPolicyMarkdown(), { ...options, parser: 'markdown' });
    if (process.env['RATCHET_WRITE_POLICY_DOC'] === '1') writeFileSync(DOC, rendered);
    const committed = readFileSync(DOC, 'utf8');
    expect(committed).toBe(rendered);
    for (const row of RESPONSIBILITIES) expect(committed).toContain(row.scenario);
  });
});
