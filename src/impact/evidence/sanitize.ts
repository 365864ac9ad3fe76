import type { z } from 'zod';
import type { RunEvent } from '../openlineage/index.js';
import {
  AirflowFacet,
  DagRunFacet,
  DbtRunFacet,
  ErrorMessageFacet,
  JobTypeFacet,
  OwnershipFacet,
  ParentFacet,
  RatchetFacet,
  SourceCodeLocationFacet,
  TagsFacet,
} from './facets.js';

/** The facets evidence reads, by where they sit. Others pass through unread and unchecked. */
const RUN_FACETS: Readonly<Record<string, z.ZodType>> = {
  parent: ParentFacet,
  errorMessage: ErrorMessageFacet,
  tags: TagsFacet,
  airflow: AirflowFacet,
  airflowDagRun: AirflowFacet,
  dagRun: DagRunFacet,
  dbt_run: DbtRunFacet,
  ratchet: RatchetFacet,
  ownership: OwnershipFacet,
};
const JOB_FACETS: Readonly<Record<string, z.ZodType>> = {
  sourceCodeLocation: SourceCodeLocationFacet,
  jobType: JobTypeFacet,
  tags: TagsFacet,
  ownership: OwnershipFacet,
};

/** A facet read as absent, and why: `run.facets.parent` + the first problem. */
export interface DroppedFacet {
  readonly field: string;
  readonly message: string;
}

function keep(
  facets: Readonly<Record<string, unknown>> | undefined,
  known: Readonly<Record<string, z.ZodType>>,
  where: string,
  dropped: DroppedFacet[],
): Record<string, unknown> | undefined {
  if (facets === undefined) return undefined;
  let kept: Record<string, unknown> | undefined;
  for (const [name, schema] of Object.entries(known)) {
    if (!Object.hasOwn(facets, name) || facets[name] === undefined) continue;
    const result = schema.safeParse(facets[name]);
    if (result.success) continue;
    const issue = result.error.issues[0];
    const path = issue === undefined ? '' : issue.path.map(String).join('.');
    dropped.push({
      field: `${where}.${name}${path === '' ? '' : `.${path}`}`,
      message: issue?.message ?? 'has an unexpected shape',
    });
    kept ??= { ...facets };
    // eslint-disable-next-line @typescript-eslint/no-dynamic-delete -- removing the facet is the point
    delete kept[name];
  }
  return kept ?? facets;
}

/**
 * Drops the facets evidence reads whose shape is wrong (a `parent` without `run.runId`, an
 * `ownership` whose owners is not a list). The event's core is valid, so it is kept: refusing it
 * would lose a run's outcome; the facet reads as absent, and the caller counts what was dropped.
 *
 * @example dropMalformedFacets(event).dropped // [{ field: 'run.facets.parent.run', message: ... }]
 */
export function dropMalformedFacets(event: RunEvent): { event: RunEvent; dropped: DroppedFacet[] } {
  const dropped: DroppedFacet[] = [];
  const runFacets = keep(event.run.facets, RUN_FACETS, 'run.facets', dropped);
  const jobFacets = keep(event.job.facets, JOB_FACETS, 'job.facets', dropped);
  if (dropped.length === 0) return { event, dropped };
  return {
    event: {
      ...event,
      run: { ...event.run, ...(runFacets !== undefined ? { facets: runFacets } : {}) },
      job: { ...event.job, ...(jobFacets !== undefined ? { facets: jobFacets } : {}) },
    },
    dropped,
  };
}
