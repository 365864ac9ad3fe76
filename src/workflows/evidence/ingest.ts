import { InputError, NotAllowedError } from '../../domain/errors/index.js';
import { assertCan } from '../../domain/roles/index.js';
import type { Actor } from '../../domain/roles/index.js';
import type { IssuedToken, User } from '../../domain/users/index.js';
import { extractRunEvidence, parseEventBatch } from '../../impact/index.js';
import type { EvidenceContext, RunEvent, RunEvidence } from '../../impact/index.js';
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

/** Like Marquez: how many events were new, and how many were already stored (replays). */
export interface IngestResult {
  readonly stored: number;
  readonly duplicates: number;
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

function attribute(events: readonly RunEvent[], context: EvidenceContext, input: IngestInput): RunEvidence[] {
  return events.map((event, index) => {
    try {
      return extractRunEvidence(event, context);
    } catch (error) {
      if (!(error instanceof InputError)) throw error;
      // Labels are worked out only for a refusal: splitting a batch of thousands of lines again
      // on every accepted request would cost more than the refusal ever does.
      const labels = positionLabels(input.body, input.contentType, events.length);
      throw new InputError(`${labels[index] ?? ''}${error.message}`, {
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
  const events = parseEventBatch(input.body, input.contentType);
  const context = await loadEvidenceContext(store.db, tenantId);
  const evidence = attribute(events, context, input);
  const rows: StoredEvent[] = evidence.map((item, index) => ({
    tenantId,
    evidence: item,
    eventJson: JSON.stringify(events[index]),
  }));
  const stored = await store.transaction(async (tx) => insertRunEvents(tx.db, rows, tx.now()));
  return { stored, duplicates: events.length - stored };
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
