import type { Revision } from '../../domain/revisions/index.js';

// The packages a reader looks for first in an image (as the dashboard's layer cards do).
const IMAGE_HIGHLIGHTS = ['dbt-core', 'dbt-snowflake', 'apache-airflow'];

/** What a revision holds, in a few words: "Kubernetes 1.31", "3.4.0 (Airflow 3.0.6)", "dbt-core 1.11.0". */
export function revisionSummary(revision: Revision): string {
  // The content's own fields tell its layer (as `ratchet history` reads them): no cast needed.
  const { content } = revision;
  if ('components' in content) {
    const airflow = content.components.airflow;
    return `${content.version}${airflow ? ` (Airflow ${airflow})` : ''}`;
  }
  if ('packages' in content) {
    const shown = IMAGE_HIGHLIGHTS.map((name) => content.packages.find((p) => p.name === name))
      .filter((pin) => pin !== undefined)
      .map((pin) => `${pin.name} ${pin.version}`);
    return shown.length > 0 ? shown.join(', ') : `${String(content.packages.length)} packages`;
  }
  const kubernetes = content.changes.kubernetes;
  return typeof kubernetes === 'string' ? `Kubernetes ${kubernetes}` : content.description;
}
