import { NotAllowedError } from '../../domain/errors/index.js';
import { assertCan } from '../../domain/roles/index.js';
import type { Actor } from '../../domain/roles/index.js';
import type { IssuedToken, User } from '../../domain/users/index.js';
import { offload } from '../offload.js';
import type { Store } from '../../store/index.js';
import { auditedBy } from '../audit.js';
import { tooComplex, workLimits } from '../limits.js';
import { resolveTenant } from '../references.js';
import { parseInput } from '../schema.js';
import { issueTokenInTransaction } from '../tokens.js';
import { userSummary } from '../users.js';
import { loadEvidenceContext } from './context.js';
import { preparedBytes, preparedRows } from './prepare.js';
import type { DroppedFacetReport, PreparedBatch } from './prepare.js';
import { IssueIngestionTokenInput } from './schema.js';

export interface IngestInput {
  /** The raw body (text or UTF-8 bytes), or already-parsed JSON. */
  readonly body: unknown;
  readonly contentType?: string;
  /**
   * Called with the number of events once the batch is parsed and before anything is stored: the
   * API charges them to the token's quota here, and throws to refuse the batch.
   */
  readonly admit?: (events: number) => void;
}

/**
 * What happened to each kind of event, like Marquez plus what Ratchet tolerated: new RunEvents,
 * replays already stored, static DatasetEvents/JobEvents (no run: ignored), times read as UTC,
 * and facets of a wrong shape read as absent (the event itself stored).
 */
export interface IngestResult {
  readonly stored: number;
  readonly duplicates: number;
  readonly ignored: number;
  readonly assumedUtc: number;
  readonly facetsDropped: number;
  /** The first few dropped facets, so the emitter's operator can see which and why. */
  readonly droppedFacets: readonly DroppedFacetReport[];
}

/** Below this a batch is parsed inline: shipping it to a worker would cost more than parsing it. */
const OFFLOAD_MIN_BYTES = 64 * 1024;

function byteLength(body: unknown): number {
  if (typeof body === 'string') return body.length;
  if (body instanceof Uint8Array) return body.byteLength;
  // Already-parsed JSON (tests, the demo): small by construction.
  return 0;
}

/**
 * Up to this size a batch is stored in one transaction, all or nothing even across a crash (what
 * emitters send: dbt-ol and Airflow post single events, bulk senders a few thousand small ones).
 */
const ATOMIC_EVENTS = 2_000;
const ATOMIC_BYTES = 4 * 1024 * 1024;
/** Larger batches are stored in slices: one transaction holds SQLite's only connection, so this bounds other tenants' waits. */
const SLICE_EVENTS = 250;
const SLICE_BYTES = 512 * 1024;

/**
 * Stores validated rows. A batch within ATOMIC_EVENTS / ATOMIC_BYTES goes in one transaction; a
 * larger one in slices of at most SLICE_EVENTS events and SLICE_BYTES of event JSON (some 30 ms of
 * synchronous SQLite work on a busy 2-core machine), one transaction each, yielding between them so
 * other requests run (issue 13: one 30 MiB batch in one transaction held every tenant's reads for
 * over a second). Every event was validated before the first slice, so a bad event still stores
 * nothing; if storing a large batch fails part-way (a crash), the retry stores the rest, since
 * stored events are duplicates by their idempotency key.
 */
async function storeInSlices(store: Store, batch: PreparedBatch): Promise<number> {
  const count = batch.count;
  if (count <= ATOMIC_EVENTS && preparedBytes(batch, 0, count) <= ATOMIC_BYTES) {
    const rows = preparedRows(batch, 0, count);
    return store.transaction(async (tx) => tx.evidence.insertRunEvents(rows, tx.now()));
  }
  let stored = 0;
  let start = 0;
  while (start < count) {
    let end = start + 1;
    while (end < count && end - start < SLICE_EVENTS && preparedBytes(batch, start, end + 1) <= SLICE_BYTES)
      end++;
    // Decoded per slice: the text of the whole batch is never on the heap at once.
    const slice = preparedRows(batch, start, end);
    stored += await store.transaction(async (tx) => tx.evidence.insertRunEvents(slice, tx.now()));
    start = end;
    if (start < count) await new Promise((resolve) => setImmediate(resolve));
  }
  return stored;
}

/**
 * Stores a batch of OpenLineage RunEvents for the ingestion token's tenant (issue 5). All or
 * nothing: every event is validated and attributed before any is stored (a batch over 2,000 events
 * or 4 MiB in slices, see storeInSlices); an event
 * already stored (same run id, event type and time) is counted as a duplicate, not stored again.
 * Static DatasetEvents/JobEvents are counted as ignored; malformed facets are dropped and counted
 * (issue 14: Marquez's tolerance, so a valid run outcome is never lost to a facet).
 * Not audited per event: evidence is observation, not a state change, and would flood the chain.
 */
export async function ingestRunEvents(store: Store, actor: Actor, input: IngestInput): Promise<IngestResult> {
  assertCan(actor, 'lineage.ingest');
  const tenantId = actor.tenantId;
  if (tenantId === null) {
    throw new NotAllowedError('An ingestion token must belong to one tenant.', {
      remedy: 'Issue one with POST /api/v1/tenants/{tenantId}/ingestion-tokens.',
    });
  }
  const context = await loadEvidenceContext(store.repos, tenantId);
  const limits = workLimits();
  // Parsing and validating a batch is the CPU-heavy part: large bodies go to a worker thread.
  const batch = await offload(
    'lineage-batch',
    {
      body: input.body,
      contentType: input.contentType,
      tenantId,
      context,
      maxEvents: limits.lineageMaxEvents,
    },
    {
      inline: byteLength(input.body) < OFFLOAD_MIN_BYTES,
      timeoutMs: limits.parseTimeoutMs,
      onTimeout: () =>
        tooComplex(
          'The event batch',
          limits.parseTimeoutMs,
          'Send smaller batches (RATCHET_PARSE_TIMEOUT_MS).',
        ),
    },
  );
  const count = batch.count;
  input.admit?.(count);
  const stored = await storeInSlices(store, batch);
  return {
    stored,
    duplicates: count - stored,
    ignored: batch.ignored,
    assumedUtc: batch.assumedUtc,
    facetsDropped: batch.facetsDropped,
    droppedFacets: batch.droppedFacets,
  };
}

export interface IssuedIngestionToken extends IssuedToken {
  readonly user: User;
}

/**
 * Creates a `lineage-ingest` service account in one tenant and returns its token once. The token
 * may only call POST /api/v1/lineage, and only for that tenant: it is what an Airflow or dbt-ol
 * emitter holds (OPENLINEAGE__TRANSPORT__AUTH__API_KEY), so it must be able to do nothing else.
 */
export async function issueIngestionToken(
  store: Store,
  actor: Actor,
  input: IssueIngestionTokenInput,
): Promise<IssuedIngestionToken> {
  assertCan(actor, 'lineage.token.create');
  const parsed = parseInput(IssueIngestionTokenInput, input, 'ingestion token request');
  return store.transaction(async (tx) => {
    const tenant = await resolveTenant(tx, actor, parsed.tenant);
    const label = parsed.label ?? 'openlineage';
    const user = await tx.users.insert({
      name: `OpenLineage ingestion (${label})`,
      email: null,
      role: 'lineage-ingest',
      tenantId: tenant.id,
    });
    await tx.audit.append(
      auditedBy(actor, {
        tenantId: tenant.id,
        action: 'user.create',
        target: `user:${user.id}`,
        before: null,
        after: userSummary(user),
      }),
    );
    const issued = await issueTokenInTransaction(tx, actor, user, {
      label,
      ...(parsed.expiresInDays !== undefined ? { expiresInDays: parsed.expiresInDays } : {}),
    });
    return { ...issued, user };
  });
}
