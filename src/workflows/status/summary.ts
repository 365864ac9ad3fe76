import type { Revision } from '../../domain/revisions/index.js';

// The packages a reader looks for first in an image (as the dashboard's layer cards do).
const IMAGE_HIGHLIGHTS = ['dbt-core', 'dbt-snowflake', 'apache-airflow'];

/** What a revision holds, in a few words: "Kubernetes 1.31", "3.4.0 (Airflow 3.0.6)", "dbt-core 1.11.0". */
export function revisionSummary(revision: Revision): string {
  const content = revision.content as unknown as Record<string, unknown>;
  if (revision.layer === 'infrastructure') {
    const changes = (content.changes ?? {}) as Record<string, unknown>;
    return typeof changes.kubernetes === 'string'
      ? `Kubernetes ${changes.kubernetes}`
      : String(content.description ?? '');
  }
  if (revision.layer === 'platform') {
    const components = (content.components ?? {}) as Record<string, string>;
    return `${String(content.version)}${components.airflow ? ` (Airflow ${components.airflow})` : ''}`;
  }
  const packages = Array.isArray(content.packages)
    ? (content.packages as { name: string; version: string }[])
    : [];
  const shown = IMAGE_HIGHLIGHTS.map((name) => packages.find((p) => p.name === name))
    .filter((pin) => pin !== undefined)
    .map((pin) => `${pin.name} ${pin.version}`);
  return shown.length > 0 ? shown.join(', ') : `${String(packages.length)} packages`;
}
