import type { ImageContent, InfrastructureContent, Layer, PlatformContent, Revision } from './types';

/** The layers in the order the dashboard shows them, outermost first. */
export const LAYERS: readonly Layer[] = ['infrastructure', 'platform', 'image'];

/** The packages a reviewer looks for first in an image. */
export const IMAGE_HIGHLIGHTS = ['dbt-core', 'dbt-snowflake'];

export function currentRevision<R extends Revision>(revisions: readonly R[]): R | undefined {
  // The instance runs the newest revision the deployer confirmed.
  return [...revisions].reverse().find((revision) => revision.status === 'deployed');
}

export function latestRevision<R extends Revision>(revisions: readonly R[]): R | undefined {
  return revisions[revisions.length - 1];
}

export function summarise(layer: Layer, revision: Revision | undefined): string {
  if (!revision) return 'none recorded';
  if (layer === 'infrastructure') {
    const content = revision.content as InfrastructureContent;
    const kubernetes = content.changes.kubernetes;
    return typeof kubernetes === 'string' ? `Kubernetes ${kubernetes}` : content.description;
  }
  if (layer === 'platform') {
    const content = revision.content as PlatformContent;
    const airflow = content.components.airflow;
    return `${content.version}${airflow ? ` (Airflow ${airflow})` : ''}`;
  }
  const content = revision.content as ImageContent;
  const pins = IMAGE_HIGHLIGHTS.map((name) => content.packages.find((p) => p.name === name))
    .filter((pin) => pin !== undefined)
    .map((pin) => `${pin.name} ${pin.version}`);
  return pins.length > 0 ? pins.join(', ') : `${String(content.packages.length)} packages`;
}

export const LAYER_TITLE: Record<Layer, string> = {
  infrastructure: 'Infrastructure',
  platform: 'Platform',
  image: 'Image',
};
