/**
 * The CPU part of ingesting an OpenLineage batch: parse, validate and attribute every event, and
 * serialize each for storage. Pure (no store): it runs in a worker thread for large batches
 * (src/offload), so a 30 MiB NDJSON body never holds the event loop other tenants need.
 */
import { InputError } from '../../domain/errors/index.js';
import { extractRunEvidence, parseEventBatch } from '../../impact/index.js';
import type { EvidenceContext, RunEvent, RunEvidence } from '../../impact/index.js';
import type { StoredEvent } from './repository.js';

export interface PrepareRunEventsInput {
  /** The raw body: text, UTF-8 bytes (as a worker receives it), or already-parsed JSON. */
  readonly body: unknown;
  readonly contentType?: string;
  readonly tenantId: string;
  readonly context: EvidenceContext;
  /** Most events one batch may hold (RATCHET_LINEAGE_MAX_EVENTS). */
  readonly maxEvents: number;
}

const NDJSON_TYPES = new Set(['application/x-ndjson', 'application/jsonl', 'application/json-lines']);

/** How a refusal names an event: the NDJSON line, or the array index, as `parseEventBatch` does. */
function positionLabels(body: unknown, contentType: string | undefined, count: number): string[] {
  if (count === 1) return [''];
  const media = (contentType ?? '').split(';')[0]!.trim().toLowerCase();
  const text = typeof body === 'string' ? body : null;
  if (text !== null && (NDJSON_TYPES.has(media) || !text.trimStart().startsWith('['))) {
    const lines: string[] = [];
    for (const [i, line] of text.split(/\r?\n/).entries())
      if (line.trim() !== '') lines.push(`line ${i + 1}: `);
    if (lines.length === count) return lines;
  }
  return Array.from({ length: count }, (_, index) => `event ${index}: `);
}

function attribute(
  events: readonly RunEvent[],
  context: EvidenceContext,
  body: unknown,
  contentType: string | undefined,
): RunEvidence[] {
  return events.map((event, index) => {
    try {
      return extractRunEvidence(event, context);
    } catch (error) {
      if (!(error instanceof InputError)) throw error;
      // Labels are worked out only for a refusal: splitting a batch of thousands of lines again
      // on every accepted request would cost more than the refusal ever does.
      const labels = positionLabels(body, contentType, events.length);
      throw new InputError(`${labels[index] ?? ''}${error.message}`, {
        ...(error.remedy !== undefined ? { remedy: error.remedy } : {}),
        extra: { ...error.extra, position: index },
      });
    }
  });
}

/**
 * A validated batch as it crosses back from a worker thread: every event's JSON and every event's
 * attribution record travel as UTF-8 buffers that are moved, not copied, and are decoded a slice
 * at a time on the other side (cloning 5,000 records and 30 MiB of strings held the event loop for
 * several hundred ms). `ends[i]` is where event i ends in `eventJson`, `evidenceEnds[i]` in `evidenceJson`.
 */
export interface PreparedBatch {
  readonly tenantId: string;
  readonly count: number;
  readonly eventJson: Uint8Array;
  readonly ends: readonly number[];
  readonly evidenceJson: Uint8Array;
  readonly evidenceEnds: readonly number[];
}

function bufferOf(bytes: Uint8Array): Buffer {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/** Rows `start` to `end` (exclusive) of a prepared batch, ready for `insertRunEvents`. */
export function preparedRows(batch: PreparedBatch, start: number, end: number): StoredEvent[] {
  const events = bufferOf(batch.eventJson);
  const evidence = bufferOf(batch.evidenceJson);
  const rows: StoredEvent[] = [];
  for (let i = start; i < end; i++) {
    const from = i === 0 ? 0 : batch.evidenceEnds[i - 1]!;
    rows.push({
      tenantId: batch.tenantId,
      evidence: JSON.parse(evidence.toString('utf8', from, batch.evidenceEnds[i]!)) as RunEvidence,
      eventJson: events.toString('utf8', i === 0 ? 0 : batch.ends[i - 1]!, batch.ends[i]!),
    });
  }
  return rows;
}

/** Bytes of event JSON from row `start` to row `end` (exclusive). */
export function preparedBytes(batch: PreparedBatch, start: number, end: number): number {
  return (end === 0 ? 0 : batch.ends[end - 1]!) - (start === 0 ? 0 : batch.ends[start - 1]!);
}

/** Concatenates texts as UTF-8 and records where each ends. */
function pack(texts: readonly string[]): { bytes: Buffer; ends: number[] } {
  const ends: number[] = [];
  let offset = 0;
  for (const text of texts) {
    offset += Buffer.byteLength(text, 'utf8');
    ends.push(offset);
  }
  return { bytes: Buffer.from(texts.join(''), 'utf8'), ends };
}

/** Parses, bounds, validates and attributes a batch; all or nothing (an InputError names the event). */
export function prepareRunEvents(input: PrepareRunEventsInput): PreparedBatch {
  const body = input.body instanceof Uint8Array ? Buffer.from(input.body).toString('utf8') : input.body;
  const events = parseEventBatch(body, input.contentType);
  if (events.length > input.maxEvents) {
    throw new InputError(
      `The batch holds ${events.length} events; one request may carry at most ${input.maxEvents}.`,
      {
        remedy: `Split the events into batches of at most ${input.maxEvents} (RATCHET_LINEAGE_MAX_EVENTS).`,
        extra: { field: 'body', events: events.length, limit: input.maxEvents },
      },
    );
  }
  const evidence = attribute(events, input.context, body, input.contentType);
  const packedEvents = pack(events.map((event) => JSON.stringify(event)));
  const packedEvidence = pack(evidence.map((item) => JSON.stringify(item)));
  return {
    tenantId: input.tenantId,
    count: events.length,
    eventJson: packedEvents.bytes,
    ends: packedEvents.ends,
    evidenceJson: packedEvidence.bytes,
    evidenceEnds: packedEvidence.ends,
  };
}
