import { z } from 'zod';

/*
 * The facets evidence reads (OpenLineage 2-0-2 and the Airflow provider's custom facets). Each is
 * read leniently: a facet of an unexpected shape is treated as absent, so a producer's quirk
 * degrades evidence to "unknown" instead of refusing the whole batch or inventing a fact.
 */

const Text = z.string().trim().min(1);

const JobRef = z.looseObject({ namespace: z.string().optional(), name: Text });
const RunRef = z.looseObject({ runId: Text });

/** OpenLineage `parent` run facet; `root` was added in ParentRunFacet 1-1-0. */
export const ParentFacet = z.looseObject({
  run: RunRef,
  job: JobRef,
  root: z.looseObject({ run: RunRef, job: JobRef }).optional(),
});

export const ErrorMessageFacet = z.looseObject({ message: z.string() });

/** OpenLineage `tags` facet (run or job): `{ tags: [{ key, value, source? }] }`. */
export const TagsFacet = z.looseObject({
  tags: z.array(z.looseObject({ key: z.string(), value: z.unknown() })),
});

/** Job facet `sourceCodeLocation`: `version` is the commit SHA. */
export const SourceCodeLocationFacet = z.looseObject({ version: Text });

/** Job facet `jobType`: `integration` is AIRFLOW, DBT, SPARK... */
export const JobTypeFacet = z.looseObject({ integration: Text });

/** Airflow's DagInfo / DagRunInfo / TaskInfo as nested in the `airflow` and `airflowDagRun` run facets. */
const DagInfo = z.looseObject({ dag_id: Text.optional(), owner: z.string().nullish() });
const DagRunInfo = z.looseObject({ dag_bundle_version: z.string().nullish() });
const TaskInfo = z.looseObject({ owner: z.string().nullish() });

/** Airflow provider: `airflow` (task events) and `airflowDagRun` (DAG events) run facets. */
export const AirflowFacet = z.looseObject({
  dag: DagInfo.nullish(),
  dagRun: DagRunInfo.nullish(),
  task: TaskInfo.nullish(),
});

/** OpenLineage `ownership` job (and run) facet 1-0-1: `{ owners: [{ name, type? }] }`. */
export const OwnershipFacet = z.looseObject({
  owners: z.array(z.looseObject({ name: Text, type: z.string().nullish() })),
});

/** dbt-ol's `dbt_run` run facet: names the dbt project it ran. */
export const DbtRunFacet = z.looseObject({ project_name: Text.optional() });

/** Airflow 3 `dagRun` shape when sent as a facet of its own. */
export const DagRunFacet = DagRunInfo;

/** Ratchet's own run facet, for emitters that know the image they run in. */
export const RatchetFacet = z.looseObject({
  imageRevision: z.unknown().optional(),
  project: Text.optional(),
});

/** Reads a facet; a missing or oddly shaped facet reads as undefined. */
export function readFacet<T extends z.ZodType>(
  facets: Readonly<Record<string, unknown>> | undefined,
  name: string,
  schema: T,
): z.infer<T> | undefined {
  const facet = facets?.[name];
  // Every facet schema is an object: an absent facet reads as absent without building a ZodError
  // (most events carry only a few of the facets evidence looks for).
  if (facet === undefined) return undefined;
  const result = schema.safeParse(facet);
  return result.success ? result.data : undefined;
}
