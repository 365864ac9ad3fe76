/**
 * Per-tenant quotas (issue 13): OpenLineage ingestion in events and bytes per second, per ingestion
 * token and per tenant, and expensive reports (impact, rollback/upgrade review and refresh) per
 * tenant per minute. Over a quota the answer is 429 problem+json with Retry-After and nothing is
 * stored. Token buckets, kept in this process's memory: with N server processes on one PostgreSQL
 * database a tenant gets up to N times each figure (docs/reliability.md says why that is the choice).
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Actor } from '../domain/roles/index.js';
import { actorOf } from './access.js';
import { makeProblem, sendProblem } from './problem.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** `report`: the route builds an expensive report and counts against the tenant's report quota. */
    quota?: 'report';
  }
}

export interface QuotaConfig {
  /** Events per second one ingestion token may post (RATCHET_INGEST_TOKEN_EVENTS_PER_SEC); 0 = no limit. */
  tokenEventsPerSec: number;
  /** Bytes per second one ingestion token may post (RATCHET_INGEST_TOKEN_BYTES_PER_SEC). */
  tokenBytesPerSec: number;
  /** Events per second all of a tenant's tokens together (RATCHET_INGEST_TENANT_EVENTS_PER_SEC). */
  tenantEventsPerSec: number;
  /** Bytes per second all of a tenant's tokens together (RATCHET_INGEST_TENANT_BYTES_PER_SEC). */
  tenantBytesPerSec: number;
  /** Reports per minute per tenant, or per provider user (RATCHET_REPORTS_PER_MIN). */
  reportsPerMin: number;
  /** Seconds of a rate a bucket holds, so bursts pass (RATCHET_QUOTA_BURST_SEC). */
  burstSec: number;
}

export const DEFAULT_QUOTAS: QuotaConfig = {
  tokenEventsPerSec: 5_000,
  tokenBytesPerSec: 16 * 1024 * 1024,
  tenantEventsPerSec: 10_000,
  tenantBytesPerSec: 32 * 1024 * 1024,
  reportsPerMin: 30,
  burstSec: 10,
};

/** No quota at all: for benchmarks that measure the server's ceiling, not its fairness. */
export const UNLIMITED_QUOTAS: QuotaConfig = {
  tokenEventsPerSec: 0,
  tokenBytesPerSec: 0,
  tenantEventsPerSec: 0,
  tenantBytesPerSec: 0,
  reportsPerMin: 0,
  burstSec: 1,
};

const ENV: Record<keyof QuotaConfig, string> = {
  tokenEventsPerSec: 'RATCHET_INGEST_TOKEN_EVENTS_PER_SEC',
  tokenBytesPerSec: 'RATCHET_INGEST_TOKEN_BYTES_PER_SEC',
  tenantEventsPerSec: 'RATCHET_INGEST_TENANT_EVENTS_PER_SEC',
  tenantBytesPerSec: 'RATCHET_INGEST_TENANT_BYTES_PER_SEC',
  reportsPerMin: 'RATCHET_REPORTS_PER_MIN',
  burstSec: 'RATCHET_QUOTA_BURST_SEC',
};

/** The quotas the environment sets, each defaulting to DEFAULT_QUOTAS; `0` turns one off. */
export function quotasFromEnv(env: NodeJS.ProcessEnv = process.env): QuotaConfig {
  const config = { ...DEFAULT_QUOTAS };
  for (const [field, name] of Object.entries(ENV) as [keyof QuotaConfig, string][]) {
    const value = env[name];
    if (value === undefined || value.trim() === '') continue;
    const parsed = Number(value);
    if (!Number.isFinite(parsed) || parsed < 0 || (field === 'burstSec' && parsed <= 0)) {
      throw new TypeError(`${name} must be a non-negative number (0 turns the quota off), got "${value}".`);
    }
    config[field] = parsed;
  }
  return config;
}

/** A refusal: which quota, and how long until the request would pass. */
export interface QuotaVerdict {
  quota: string;
  retryAfterSec: number;
}

interface Bucket {
  level: number;
  at: number;
}

/**
 * Token buckets by name. `take` is all or nothing over several buckets: a request refused by the
 * tenant's bucket does not drain the token's.
 */
class Buckets {
  private readonly buckets = new Map<string, Bucket>();

  constructor(private readonly now: () => number) {}

  take(
    charges: readonly { key: string; quota: string; amount: number; perSec: number; capacity: number }[],
  ): QuotaVerdict | null {
    const at = this.now();
    const active = charges.filter((charge) => charge.perSec > 0);
    const levels = active.map((charge) => {
      const bucket = this.buckets.get(charge.key);
      const level =
        bucket === undefined
          ? charge.capacity
          : Math.min(charge.capacity, bucket.level + ((at - bucket.at) / 1000) * charge.perSec);
      // A single request larger than the bucket passes only when the bucket is full.
      return { charge, level, amount: Math.min(charge.amount, charge.capacity) };
    });
    const short = levels.find(({ level, amount }) => level < amount);
    if (short !== undefined) {
      const seconds = (short.amount - short.level) / short.charge.perSec;
      return { quota: short.charge.quota, retryAfterSec: Math.max(1, Math.ceil(seconds)) };
    }
    for (const { charge, level, amount } of levels)
      this.buckets.set(charge.key, { level: level - amount, at });
    if (this.buckets.size > 100_000) this.prune(at, active);
    return null;
  }

  // Forget buckets idle long enough to be full again: memory stays bounded by active callers.
  private prune(at: number, charges: readonly { capacity: number; perSec: number }[]): void {
    const slowest = Math.max(...charges.map((c) => c.capacity / c.perSec), 60);
    for (const [key, bucket] of this.buckets) if (at - bucket.at > slowest * 1000) this.buckets.delete(key);
  }
}

export interface Quotas {
  readonly config: QuotaConfig;
  /** Charges an ingestion request's bytes (before parsing) to its token and tenant. */
  chargeIngestBytes(actor: Actor, bytes: number): QuotaVerdict | null;
  /** Charges a parsed batch's events (before storing) to its token and tenant. */
  chargeIngestEvents(actor: Actor, events: number): QuotaVerdict | null;
  /** Charges one expensive report to the caller's tenant (provider staff: to the user). */
  chargeReport(actor: Actor): QuotaVerdict | null;
}

export function createQuotas(config: QuotaConfig, now: () => number = Date.now): Quotas {
  const buckets = new Buckets(now);
  const tenantOf = (actor: Actor): string => actor.tenantId ?? `user:${actor.userId}`;
  function ingest(actor: Actor, unit: 'events' | 'bytes', amount: number): QuotaVerdict | null {
    const token = unit === 'events' ? config.tokenEventsPerSec : config.tokenBytesPerSec;
    const tenant = unit === 'events' ? config.tenantEventsPerSec : config.tenantBytesPerSec;
    // An ingestion token is its own service account (one user per token), so the user is the token.
    return buckets.take([
      {
        key: `ingest-${unit}:token:${actor.userId}`,
        quota: `ingestion ${unit} per second per token (${ENV[unit === 'events' ? 'tokenEventsPerSec' : 'tokenBytesPerSec']}=${token})`,
        amount,
        perSec: token,
        capacity: token * config.burstSec,
      },
      {
        key: `ingest-${unit}:tenant:${tenantOf(actor)}`,
        quota: `ingestion ${unit} per second per tenant (${ENV[unit === 'events' ? 'tenantEventsPerSec' : 'tenantBytesPerSec']}=${tenant})`,
        amount,
        perSec: tenant,
        capacity: tenant * config.burstSec,
      },
    ]);
  }
  return {
    config,
    chargeIngestBytes: (actor, bytes) => ingest(actor, 'bytes', bytes),
    chargeIngestEvents: (actor, events) => ingest(actor, 'events', events),
    chargeReport(actor) {
      return buckets.take([
        {
          key: `report:${tenantOf(actor)}`,
          quota: `reports per minute (RATCHET_REPORTS_PER_MIN=${config.reportsPerMin})`,
          amount: 1,
          perSec: config.reportsPerMin / 60,
          capacity: config.reportsPerMin,
        },
      ]);
    },
  };
}

/** The 429 answer: problem+json naming the quota, with Retry-After in seconds. */
export function sendOverQuota(
  request: FastifyRequest,
  reply: FastifyReply,
  verdict: QuotaVerdict,
): FastifyReply {
  const problem = makeProblem(
    'too-many-requests',
    `Over the quota of ${verdict.quota}; nothing was done.`,
    request.url,
    {
      remedy: `Retry after ${verdict.retryAfterSec} s, and spread requests out; the provider sets the quota.`,
      quota: verdict.quota,
      retryAfterSec: verdict.retryAfterSec,
    },
  );
  return sendProblem(reply, problem, { 'retry-after': String(verdict.retryAfterSec) });
}

/** Thrown out of a workflow's admission callback to stop it before it stores anything. */
export class OverQuota extends Error {
  constructor(readonly verdict: QuotaVerdict) {
    super(`over quota: ${verdict.quota}`);
  }
}

/** Routes with `config.quota: 'report'` are charged once per request, after authentication. */
export function installReportQuota(app: FastifyInstance, quotas: Quotas): void {
  app.addHook('preHandler', async (request, reply) => {
    if (request.routeOptions.config.quota !== 'report') return;
    const verdict = quotas.chargeReport(actorOf<Actor>(request));
    if (verdict !== null) return sendOverQuota(request, reply, verdict);
  });
}
