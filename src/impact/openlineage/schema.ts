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

/** RFC 9562 text form, any version: what Marquez (java.util.UUID) and the spec accept. */
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** An ISO 8601 time that names its offset (`Z`, `+02:00`, `+0200`). */
export const HAS_OFFSET = /(?:z|[+-]\d{2}(?::?\d{2})?)$/i;

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
    // The spec says `date-time` with an offset. Older Python clients send `datetime.isoformat()` of a
    // naive time, without one; Marquez reads that as UTC, and so do we (counted as `assumedUtc` in
    // the 201 body, so the operator sees it): refusing would lose a run's outcome.
    eventTime: z.iso.datetime({
      offset: true,
      local: true,
      error: fieldError('an ISO 8601 date-time, e.g. 2025-11-10T02:00:00.000+00:00'),
    }),
    producer: requiredText(),
    // Required by the spec, but Ratchet reads nothing from it and some emitters have left it out:
    // tolerated when absent, refused when it is not a string.
    schemaURL: z.string({ error: fieldError('a string') }).optional(),
    run: z.looseObject(
      {
        // OpenLineage 2-0-2: `format: uuid` (Airflow sends UUIDv7, dbt-ol UUIDv4 or v7). Refused
        // otherwise, as Marquez does: a made-up id (`run-42`) collides across emitters and once
        // joined unrelated runs into one, flipping a verdict. Any version and case is accepted.
        runId: z
          .string({ error: fieldError('a UUID') })
          .trim()
          .regex(UUID, 'must be a UUID (OpenLineage 2-0-2), e.g. 01939a6c-3b2c-7f0e-8a7e-1c2d3e4f5a6b'),
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
