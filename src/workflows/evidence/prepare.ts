/**
 * The CPU part of ingesting an OpenLineage batch: parse, validate and attribute every event, and
 * serialize each for storage. Pure (no store): it runs in a worker thread for large batches
 * (src/offload), so a 30 MiB NDJSON body never holds the event loop other tenants need.
 */
import { InputError } from '../../domain/errors/index.js';
import { checkJsonText, checkValue } from '../../domain/input/index.js';
import {
  describePosition,
  dropMalformedFacets,
  extractRunEvidence,
  parseEventBatch,
} from '../../impact/index.js';
import type { EvidenceContext, Position, RunEvent, RunEvidence } from '../../impact/index.js';
import type { StoredEvent } from '../../store/index.js';

export interface PrepareRunEventsInput {
  /** The raw body: text, UTF-8 bytes (as a worker receives it), or already-parsed JSON. */
  readonly body: unknown;
  readonly contentType?: string;
  readonly tenantId: string;
  readonly context: EvidenceContext;
  /** Most events one batch may hold (RATCHET_LINEAGE_MAX_EVENTS). */
  readonly maxEvents: number;
}

/** A facet read as absent, and where: `line 3`, `run.facets.parent.run`, the problem. */
export interface DroppedFacetReport {
  /** `line 3` or `event 2`; empty for a lone event. */
  readonly event: string;
  readonly field: string;
  readonly message: string;
}

/** Enough to see the pattern; a batch of thousands with one bad facet each would not fit a reply. */
const DROPPED_SHOWN = 20;

function attribute(
  events: readonly RunEvent[],
  positions: readonly Position[],
  context: EvidenceContext,
): RunEvidence[] {
  return events.map((event, index) => {
    try {
      return extractRunEvidence(event, context);
    } catch (error) {
      if (!(error instanceof InputError)) throw error;
      const position = positions[index] ?? null;
      throw new InputError(`${describePosition(position)}${error.message}`, {
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
  /** Static DatasetEvents/JobEvents: valid OpenLineage, but no run to count (issue 14). */
  readonly ignored: number;
  /** RunEvents whose eventTime had no offset, read as UTC. */
  readonly assumedUtc: number;
  /** Facets of a wrong shape, read as absent (their events stored without them). */
  readonly facetsDropped: number;
  readonly droppedFacets: readonly DroppedFacetReport[];
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
  // The edge rules (issue 13) on the text before anything recursive: no NUL or lone surrogate in any
  // string, no nesting deeper than JSON_MAX_DEPTH. The HTTP guard leaves raw bytes to this check.
  if (typeof body === 'string') checkJsonText(body, 'body');
  else checkValue(body, 'body');
  const batch = parseEventBatch(body, input.contentType);
  if (batch.events.length > input.maxEvents) {
    throw new InputError(
      `The batch holds ${batch.events.length} events; one request may carry at most ${input.maxEvents}.`,
      {
        remedy: `Split the events into batches of at most ${input.maxEvents} (RATCHET_LINEAGE_MAX_EVENTS).`,
        extra: { field: 'body', events: batch.events.length, limit: input.maxEvents },
      },
    );
  }
  const droppedFacets: DroppedFacetReport[] = [];
  let facetsDropped = 0;
  const events = batch.events.map((raw, index) => {
    const { event, dropped } = dropMalformedFacets(raw);
    facetsDropped += dropped.length;
    for (const facet of dropped) {
      if (droppedFacets.length >= DROPPED_SHOWN) break;
      const label = describePosition(batch.positions[index] ?? null).replace(/: $/, '');
      droppedFacets.push({ event: label, ...facet });
    }
    return event;
  });
  // Stored as read: a dropped facet is gone from the stored event too, so a later re-attribution
  // from the stored JSON sees what this one saw.
  const evidence = attribute(events, batch.positions, input.context);
  const packedEvents = pack(events.map((event) => JSON.stringify(event)));
  const packedEvidence = pack(evidence.map((item) => JSON.stringify(item)));
  return {
    tenantId: input.tenantId,
    count: events.length,
    eventJson: packedEvents.bytes,
    ends: packedEvents.ends,
    evidenceJson: packedEvidence.bytes,
    evidenceEnds: packedEvidence.ends,
    ignored: batch.ignored,
    assumedUtc: batch.assumedUtc,
    facetsDropped,
    droppedFacets,
  };
}
