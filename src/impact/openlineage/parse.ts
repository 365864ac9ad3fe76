import type { z } from 'zod';
import { InputError } from '../../domain/errors/index.js';
import { RunEvent } from './schema.js';

const REMEDY =
  'Send OpenLineage 2-0-2 RunEvents as Airflow (apache-airflow-providers-openlineage) or dbt-ol emit them.';

/** Content types that announce one JSON event per line. */
const NDJSON_TYPES = new Set([
  'application/x-ndjson',
  'application/ndjson',
  'application/jsonl',
  'application/x-jsonlines',
  'application/jsonlines',
]);

/** Where in a batch an event sits, so a refusal can point at it. */
type Position = { index: number } | { line: number } | null;

function formatPath(path: readonly PropertyKey[]): string {
  let text = '';
  for (const key of path) {
    if (typeof key === 'number') text += `[${key}]`;
    else text += text === '' ? String(key) : `.${String(key)}`;
  }
  return text;
}

function describe(position: Position): string {
  if (position === null) return '';
  return 'line' in position ? `line ${position.line}: ` : `event ${position.index}: `;
}

function refuse(issue: z.core.$ZodIssue, position: Position): never {
  const field = formatPath(issue.path);
  const subject = field === '' ? 'event' : field;
  throw new InputError(`${describe(position)}${subject} ${issue.message}`, {
    remedy: REMEDY,
    extra: { field: subject, ...(position ?? {}) },
  });
}

function validate(json: unknown, position: Position): RunEvent {
  const result = RunEvent.safeParse(json);
  if (result.success) return result.data;
  // Report the first problem only: one clear sentence beats a list the emitter's operator must decode.
  return refuse(result.error.issues[0]!, position);
}

/**
 * Validates one OpenLineage RunEvent. Throws `InputError` whose message names the field path
 * (`run.runId is required`) and whose `extra.field` carries it.
 *
 * @example parseRunEvent(JSON.parse(body)).run.runId
 */
export function parseRunEvent(json: unknown): RunEvent {
  return validate(json, null);
}

function parseJsonText(text: string, position: Position): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    const why = error instanceof Error ? error.message : String(error);
    throw new InputError(`${describe(position)}body is not valid JSON (${why})`, {
      remedy: REMEDY,
      extra: { field: 'body', ...(position ?? {}) },
    });
  }
}

function parseNdjson(text: string): RunEvent[] {
  const events: RunEvent[] = [];
  const lines = text.split(/\r?\n/);
  for (const [i, line] of lines.entries()) {
    // Blank lines (a trailing newline, CRLF leftovers) carry no event.
    if (line.trim() === '') continue;
    const position = { line: i + 1 };
    events.push(validate(parseJsonText(line, position), position));
  }
  return events;
}

function mediaType(contentType: string | undefined): string {
  return (contentType ?? '').split(';')[0]!.trim().toLowerCase();
}

function fromJson(json: unknown): RunEvent[] {
  if (!Array.isArray(json)) return [validate(json, null)];
  return json.map((item, index) => validate(item, { index }));
}

/**
 * Validates a batch of RunEvents: one event, a JSON array of events, or NDJSON (one event per
 * line, when the content type says so or when a JSON body turns out to be several lines of JSON).
 * All or nothing: every event is validated before any is returned, so a caller stores a batch
 * whole or not at all. Errors name the event (`event 2:`) or line (`line 3:`) and the field.
 *
 * @example parseEventBatch(rawBody, 'application/x-ndjson')
 */
export function parseEventBatch(body: unknown, contentType?: string): RunEvent[] {
  let events: RunEvent[];
  if (typeof body !== 'string') {
    events = fromJson(body);
  } else if (NDJSON_TYPES.has(mediaType(contentType))) {
    events = parseNdjson(body);
  } else {
    const lines = body.split(/\r?\n/).filter((line) => line.trim() !== '');
    // A file of JSON lines posted as application/json (e.g. `curl --data-binary @events.ndjson`)
    // fails as one document; read it as NDJSON rather than refuse what is unambiguous.
    events = lines.length > 1 && !isJson(body) ? parseNdjson(body) : fromJson(parseJsonText(body, null));
  }
  if (events.length === 0) {
    throw new InputError('The batch holds no event.', { remedy: REMEDY, extra: { field: 'body' } });
  }
  return events;
}

function isJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}
