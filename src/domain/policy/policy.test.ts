import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { PolicyError } from '../errors/index.js';
import { compareVersions } from '../../python/version/index.js';
import {
  assertImageRevisionIsForward,
  assertPlatformVersionIncreases,
  findPackageDowngrades,
  LAYER_POLICIES,
  PLATFORM_FORWARD_REASON,
  renderPolicyMarkdown,
  RESPONSIBILITIES,
  rollbackPolicy,
  rollbackRefusal,
} from './index.js';

// The product's source text (../shared/policy from the project root, see shared/README.md).
const POLICY_TEXT = readFileSync(
  fileURLToPath(new URL('../../../../shared/policy/rollback-strategy.txt', import.meta.url)),
  'utf8',
);
const flat = (text: string): string => text.replace(/\s+/g, ' ');

describe('the rollback policy as data', () => {
  it('quotes the policy document verbatim, so the rules cannot drift from it', () => {
    for (const rule of Object.values(LAYER_POLICIES)) {
      for (const sentence of rule.reason.split(/(?<=\.) /)) expect(flat(POLICY_TEXT)).toContain(sentence);
      expect(POLICY_TEXT).toContain(`| ${rule.title} | ${rule.capabilityText} | ${rule.responsibility} |`);
    }
    expect(flat(POLICY_TEXT)).toContain(PLATFORM_FORWARD_REASON);
    for (const row of RESPONSIBILITIES) {
      expect(POLICY_TEXT).toContain(`| ${row.scenario} | ${row.provider} | ${row.customer} |`);
    }
  });

  it('says infrastructure and platform never go back, the image only by request', () => {
    expect(rollbackPolicy().layers.map((l) => [l.layer, l.capability])).toEqual([
      ['infrastructure', 'never'],
      ['platform', 'never'],
      ['image', 'by-request'],
    ]);
  });

  it('renders Markdown with every layer and every responsibility row', () => {
    const md = renderPolicyMarkdown();
    expect(md).toContain('| Customer image package version issue |');
    expect(md).toContain('> Once an infrastructure upgrade is applied, it cannot be undone.');
    expect(md).toContain('`platform-forward-fix`');
  });
});

describe('refusals', () => {
  it('refuses every direct rollback with what, why and what instead', () => {
    const infra = rollbackRefusal({
      layer: 'infrastructure',
      instanceName: 'acme-prod',
      toRevision: 1,
      currentRevision: 2,
    });
    expect(infra).toBeInstanceOf(PolicyError);
    expect(infra.message).toMatch(
      /^Rolling back the infrastructure layer of acme-prod from revision 2 to revision 1 is refused/,
    );
    expect(infra.remedy).toMatch(/forward infrastructure change/);
    expect(
      rollbackRefusal({ layer: 'image', instanceName: 'x', toRevision: 1, currentRevision: null }).remedy,
    ).toBe('Submit a rollback request; it is a last resort.');
  });

  it('lets platform versions only increase', () => {
    expect(() => assertPlatformVersionIncreases(null, '1.0.0')).not.toThrow();
    expect(() => assertPlatformVersionIncreases('3.9.0', '3.10.0')).not.toThrow();
    expect(() => assertPlatformVersionIncreases('3.4.0', '3.4.0')).toThrow(/equal to 3.4.0/);
    expect(() => assertPlatformVersionIncreases('3.4.0', '3.3.9')).toThrow(/lower than 3.4.0/);
  });

  it('finds PEP 440 package downgrades, matching names by PEP 503 normalization', () => {
    const base = { python: '3.12', platform: '3.4.0', index: 'i' };
    const current = {
      ...base,
      packages: [
        { name: 'dbt-core', version: '1.11.0' },
        { name: 'Snowflake_Connector.Python', version: '4.0.0' },
      ],
    };
    const next = {
      ...base,
      packages: [
        { name: 'dbt-core', version: '1.11.0rc1' },
        { name: 'snowflake-connector-python', version: '4.0.0.post1' },
      ],
    };
    expect(findPackageDowngrades(current, next, compareVersions)).toEqual([
      { name: 'dbt-core', from: '1.11.0', to: '1.11.0rc1' },
    ]);
  });

  it('refuses restoring older image pins unless it comes through the rollback request', () => {
    const pins = (
      v: string,
    ): {
      python: string;
      platform: string;
      index: string;
      packages: { name: string; version: string }[];
    } => ({
      python: '3.12',
      platform: '3.4.0',
      index: 'i',
      packages: [{ name: 'dbt-core', version: v }],
    });
    const check = {
      history: [
        { number: 1, content: pins('1.10.0') },
        { number: 2, content: pins('1.11.0') },
      ],
      currentNumber: 2,
      content: { ...pins('1.10.0'), packages: [{ name: 'DBT_Core', version: '1.10.0' }] },
      rollbackOf: null,
      downgrades: [],
      viaRollbackRequest: false,
    };
    expect(() => assertImageRevisionIsForward(check)).toThrow(/restores the pins of revision 1/);
    expect(() =>
      assertImageRevisionIsForward({ ...check, viaRollbackRequest: true, rollbackOf: 1 }),
    ).not.toThrow();
    expect(() => assertImageRevisionIsForward({ ...check, content: pins('1.12.0') })).not.toThrow();
  });
});
