import type { z } from 'zod';
import { InputError } from '../../domain/errors/index.js';
import { HAS_OFFSET, RunEvent } from './schema.js';

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
export type Position = { index: number } | { line: number } | null;

/** What a batch held, once validated: its RunEvents, and what was accepted without being one. */
export interface ParsedBatch {
  readonly events: RunEvent[];
  /** Where each of `events` sat in the body, for a later refusal (`line 3: ...`). */
  readonly positions: Position[];
  /** Static DatasetEvents and JobEvents: valid OpenLineage, but no run to count. */
  readonly ignored: number;
  /** RunEvents whose `eventTime` named no offset and was read as UTC. */
  readonly assumedUtc: number;
}

/** A validated body item: a RunEvent (its time made explicit) or an ignored static event. */
type Item = { event: RunEvent; assumedUtc: boolean } | null;

function formatPath(path: readonly PropertyKey[]): string {
  let text = '';
  for (const key of path) {
    if (typeof key === 'number') text += `[${key}]`;
    else text += text === '' ? String(key) : `.${String(key)}`;
  }
  return text;
}

/** `event 2: ` or `line 3: ` (empty for a lone event): how a refusal names the event. */
export function describePosition(position: Position): string {
  return describe(position);
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

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * OpenLineage 2-0-2 also defines static DatasetEvent (`dataset`, no run) and JobEvent (`job`, no
 * run, no eventType); clients post them to the same endpoint. They say nothing about a run's
 * outcome, so they are accepted and counted as ignored, never refused: refusing one would drop the
 * run events beside it in the batch. An object with an eventType but no run is a broken RunEvent.
 */
function isStaticEvent(json: unknown): boolean {
  if (!isObject(json) || json['run'] !== undefined) return false;
  const schema = typeof json['schemaURL'] === 'string' ? json['schemaURL'] : '';
  if (/\/(?:DatasetEvent|JobEvent)$/.test(schema)) return true;
  if (isObject(json['dataset'])) return true;
  return json['eventType'] === undefined && isObject(json['job']);
}

function validateItem(json: unknown, position: Position): Item {
  if (isStaticEvent(json)) return null;
  const result = RunEvent.safeParse(json);
  // Report the first problem only: one clear sentence beats a list the emitter's operator must decode.
  if (!result.success) return refuse(result.error.issues[0]!, position);
  const event = result.data;
  if (HAS_OFFSET.test(event.eventTime)) return { event, assumedUtc: false };
  // Marquez reads a time without offset as UTC; Date.parse would read it as the server's local time.
  return { event: { ...event, eventTime: `${event.eventTime}Z` }, assumedUtc: true };
}

function validate(json: unknown, position: Position): RunEvent {
  const item = validateItem(json, position);
  if (item === null) {
    throw new InputError(`${describe(position)}event is a DatasetEvent or JobEvent, not a RunEvent`, {
      remedy: REMEDY,
      extra: { field: 'run' },
    });
  }
  return item.event;
}

/**
 * Validates one OpenLineage RunEvent (an eventTime without offset is read as UTC). Throws `InputError` whose message names the field path
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

/** A body item, parsed when its turn comes: a refusal names the first bad line, JSON or event. */
type Placed = { readonly read: () => unknown; readonly position: Position };

function ndjsonItems(text: string): Placed[] {
  const items: Placed[] = [];
  const lines = text.split(/\r?\n/);
  for (const [i, line] of lines.entries()) {
    // Blank lines (a trailing newline, CRLF leftovers) carry no event.
    if (line.trim() === '') continue;
    const position = { line: i + 1 };
    items.push({ read: () => parseJsonText(line, position), position });
  }
  return items;
}

function mediaType(contentType: string | undefined): string {
  return (contentType ?? '').split(';')[0]!.trim().toLowerCase();
}

function jsonItems(json: unknown): Placed[] {
  if (!Array.isArray(json)) return [{ read: () => json, position: null }];
  return json.map((item: unknown, index) => ({ read: () => item, position: { index } }));
}

/**
 * Validates a batch: one event, a JSON array of events, or NDJSON (one event per line, when the
 * content type says so or when a JSON body turns out to be several lines of JSON). All or nothing:
 * every RunEvent is validated before any is returned, so a caller stores a batch whole or not at
 * all. Errors name the event (`event 2:`) or line (`line 3:`) and the field. Static DatasetEvents
 * and JobEvents are counted as `ignored`; times without offset are read as UTC and counted.
 *
 * @example parseEventBatch(rawBody, 'application/x-ndjson').events
 */
export function parseEventBatch(body: unknown, contentType?: string): ParsedBatch {
  let items: Placed[];
  if (typeof body !== 'string') {
    items = jsonItems(body);
  } else if (NDJSON_TYPES.has(mediaType(contentType))) {
    items = ndjsonItems(body);
  } else {
    const lines = body.split(/\r?\n/).filter((line) => line.trim() !== '');
    // A file of JSON lines posted as application/json (e.g. `curl --data-binary @events.ndjson`)
    // fails as one document; read it as NDJSON rather than refuse what is unambiguous.
    items = lines.length > 1 && !isJson(body) ? ndjsonItems(body) : jsonItems(parseJsonText(body, null));
  }
  if (items.length === 0) {
    throw new InputError('The batch holds no event.', { remedy: REMEDY, extra: { field: 'body' } });
  }
  const events: RunEvent[] = [];
  const positions: Position[] = [];
  let ignored = 0;
  let assumedUtc = 0;
  for (const { read, position } of items) {
    const item = validateItem(read(), position);
    if (item === null) {
      ignored += 1;
      continue;
    }
    events.push(item.event);
    positions.push(position);
    if (item.assumedUtc) assumedUtc += 1;
  }
  return { events, positions, ignored, assumedUtc };
}

function isJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}
