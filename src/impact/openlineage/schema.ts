import { z } from 'zod';

/*
 * OpenLineage 2-0-2 RunEvent, as Airflow's provider (apache-airflow-providers-openlineage) and
 * dbt-ol (openlineage-dbt) send it. Validation is deliberately loose beyond the fields Ratchet
 * reads: facets we do not know, and extra fields anywhere, pass through untouched (the spec lets
 * producers add custom facets), so a newer emitter is never refused for being newer.
 */

/** A field-level message that says whether the field is missing or merely wrong. */
function fieldError(expected: string): (issue: { input?: unknown }) => string {
  return (issue) => (issue.input === undefined ? 'is required' : `must be ${expected}`);
}

function requiredText(): z.ZodString {
  return z
    .string({ error: fieldError('a string') })
    .trim()
    .min(1, 'must not be empty');
}

/** A facets map: each facet is an object; which facets exist is up to the producer. */
const Facets = z.record(z.string(), z.unknown(), { error: fieldError('an object of facets') });

/** OpenLineage 2-0-2 `eventType`; absent on some producers' events (the spec makes it optional). */
export const RunEventType = z.enum(['START', 'RUNNING', 'COMPLETE', 'ABORT', 'FAIL', 'OTHER'], {
  error: fieldError('one of START, RUNNING, COMPLETE, ABORT, FAIL, OTHER'),
});
export type RunEventType = z.infer<typeof RunEventType>;

export const RunEvent = z.looseObject(
  {
    eventType: RunEventType.optional(),
    // The spec says `date-time`; we also insist on an offset (or Z): a local time cannot be placed
    // against the deployment history, so the image revision a run used would be a guess.
    eventTime: z.iso.datetime({
      offset: true,
      error: fieldError('an ISO 8601 date-time with a UTC offset, e.g. 2025-11-10T02:00:00.000+00:00'),
    }),
    producer: requiredText(),
    // Required by the spec, but Ratchet reads nothing from it and some emitters have left it out:
    // tolerated when absent, refused when it is not a string.
    schemaURL: z.string({ error: fieldError('a string') }).optional(),
    run: z.looseObject(
      {
        // The spec says UUID (Airflow sends UUIDv7, dbt-ol UUIDv4). Ratchet only compares run ids
        // (idempotency, parent links), so any non-empty string up to 256 characters is accepted:
        // custom emitters that use their own ids still count as evidence.
        runId: requiredText().max(256, 'must be at most 256 characters'),
        facets: Facets.optional(),
      },
      { error: fieldError('an object') },
    ),
    job: z.looseObject(
      {
        namespace: requiredText(),
        name: requiredText(),
        facets: Facets.optional(),
      },
      { error: fieldError('an object') },
    ),
    inputs: z.array(z.unknown(), { error: fieldError('an array') }).optional(),
    outputs: z.array(z.unknown(), { error: fieldError('an array') }).optional(),
  },
  { error: fieldError('a JSON object') },
);
export type RunEvent = z.infer<typeof RunEvent>;
