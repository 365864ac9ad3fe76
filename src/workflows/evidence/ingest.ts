import { InputError, NotAllowedError } from '../../domain/errors/index.js';
import { assertCan } from '../../domain/roles/index.js';
import type { Actor } from '../../domain/roles/index.js';
import type { IssuedToken, User } from '../../domain/users/index.js';
import {
  describePosition,
  dropMalformedFacets,
  extractRunEvidence,
  parseEventBatch,
} from '../../impact/index.js';
import type { EvidenceContext, Position, RunEvent, RunEvidence } from '../../impact/index.js';
import type { Store } from '../../store/index.js';
import { auditedBy } from '../audit.js';
import { resolveTenant } from '../references.js';
import { parseInput } from '../schema.js';
import { issueTokenInTransaction } from '../tokens.js';
import { userSummary } from '../users.js';
import { loadEvidenceContext } from './context.js';
import { insertRunEvents } from './repository.js';
import type { StoredEvent } from './repository.js';
import { IssueIngestionTokenInput } from './schema.js';

export interface IngestInput {
  /** The raw body (text), or already-parsed JSON. */
  readonly body: unknown;
  readonly contentType?: string;
}

/** A facet read as absent, and where: `line 3`, `run.facets.parent.run`, the problem. */
export interface DroppedFacetReport {
  /** `line 3` or `event 2`; empty for a lone event. */
  readonly event: string;
  readonly field: string;
  readonly message: string;
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
 * Stores a batch of OpenLineage RunEvents for the ingestion token's tenant (issue 5). All or
 * nothing: every event is validated and attributed before one transaction inserts them; an event
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
  const batch = parseEventBatch(input.body, input.contentType);
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
  const context = await loadEvidenceContext(store.db, tenantId);
  const evidence = attribute(events, batch.positions, context);
  const rows: StoredEvent[] = evidence.map((item, index) => ({
    tenantId,
    evidence: item,
    // Stored as read: a dropped facet is gone from the stored event too, so a later re-attribution
    // from the stored JSON sees what this one saw.
    eventJson: JSON.stringify(events[index]),
  }));
  const stored =
    rows.length === 0 ? 0 : await store.transaction(async (tx) => insertRunEvents(tx.db, rows, tx.now()));
  return {
    stored,
    duplicates: events.length - stored,
    ignored: batch.ignored,
    assumedUtc: batch.assumedUtc,
    facetsDropped,
    droppedFacets,
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
