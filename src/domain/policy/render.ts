import { rollbackPolicy } from './rollback-policy.js';

function cell(text: string): string {
  return text.replace(/\|/g, '\\|');
}

/**
 * The rollback policy as Markdown for docs/policy.md, generated from the same data the API serves and
 * the workflows enforce, so the documentation cannot disagree with the product.
 */
export function renderPolicyMarkdown(): string {
  const policy = rollbackPolicy();
  const lines: string[] = [
    '# Rollback policy',
    '',
    `Generated from the rules Ratchet enforces (source: \`${policy.source}\`). Do not edit by hand.`,
    '',
    '## Layers',
    '',
    '| Layer | Rollback capability | Responsibility | Policy id |',
    '|---|---|---|---|',
    ...policy.layers.map(
      (l) => `| ${cell(l.title)} | ${cell(l.capabilityText)} | ${cell(l.responsibility)} | \`${l.policy}\` |`,
    ),
    '',
  ];
  for (const l of policy.layers) {
    lines.push(`### ${l.title}`, '', `> ${l.reason}`, '', `**Instead:** ${l.remedy}`, '');
  }
  lines.push(
    '## Summary of responsibilities',
    '',
    '| Scenario | Datacoves | Customer |',
    '|---|---|---|',
    ...policy.responsibilities.map(
      (r) => `| ${cell(r.scenario)} | ${cell(r.provider)} | ${cell(r.customer)} |`,
    ),
    '',
    '## What Ratchet refuses',
    '',
    '- Rolling back infrastructure (`infrastructure-final`): plan a new forward change instead.',
    '- Rolling back the platform (`platform-forward-fix`): report a defect; a hotfix ships as a new forward release.',
    '- Recording a platform version lower than or equal to one already released (`platform-version-increases`).',
    '- Recording an image revision that restores older pins or downgrades a package outside a rollback request (`image-rollback-outside-request`): submit a rollback request; it is a last resort.',
    '',
  );
  return lines.join('\n');
}
