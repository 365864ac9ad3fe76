/*
 * Trials as jobs (issue 16): the runner runs a queued trial in this process (child processes do
 * the work: uv, git, dbt), holding a lease on the trial's row that it renews while it runs. When a
 * server stops (killed, crashed, or shut down), its trials keep their recorded work; once their
 * lease expired, any server (this one after a restart, or another one on the same database)
 * resumes them. A live server's trials are never taken: their lease is fresh. What cannot be
 * resumed (no recorded work, or a trial that was started too many times) is marked failed with why.
 */
import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { InputError } from '../../domain/errors/index.js';
import type { Repositories, Store } from '../../store/index.js';
import type { ImageTrialsTable } from '../../store/tables/trial.js';
import { runTrial } from '../../trial/index.js';
import type {
  PackageSourceRef,
  ProjectTrialResult,
  TrialConfig,
  TrialOutcome,
  TrialPin,
} from '../../trial/index.js';
import { assertRepoAllowed } from './allow-list.js';
import { readProjectsForTrial } from './projects.js';

export type TrialState = ImageTrialsTable['state'];

export const ACTIVE_TRIAL_STATES: readonly TrialState[] = ['queued', 'running'];

export type TrialResult = TrialOutcome & {
  changes: { name: string; from: string | null; to: string | null }[];
};

/** A trial's work as the runner needs it, prepared while the request was checked. */
export interface PreparedTrial {
  current: { python: string; pins: TrialPin[]; source: PackageSourceRef };
  candidate: { python: string; pins: TrialPin[]; source: PackageSourceRef };
  changes: { name: string; from: string | null; to: string | null }[];
  projects: {
    name: string;
    repoUrl: string;
    path: string;
    owners: string[];
    commit: string | null;
    credential: string | null;
  }[];
}

/** The stored form of the work: everything but the credentials (read again, sealed, on resume). */
export function workOf(prepared: PreparedTrial): string {
  return JSON.stringify({
    ...prepared,
    projects: prepared.projects.map((p) => ({ ...p, credential: null })),
  });
}

export interface TrialRunnerOptions {
  /** How long a lease lasts without renewal (ms); renewed every third of it. Default 30 s. */
  readonly leaseMs?: number;
  /** A trial started this many times is failed rather than resumed again. Default 3. */
  readonly maxAttempts?: number;
  /**
   * Called once a trial this runner ran has finished here (succeeded, failed or cancelled), whether
   * it was started in this process or resumed after a restart: a review's trial tells its owners
   * then. Not called when the trial was handed back on shutdown or lost to another server. It may
   * run again for the same trial on another server, so it must be idempotent.
   */
  readonly onFinished?: (trialId: string) => Promise<void>;
}

/** `RATCHET_TRIAL_LEASE_MS` (default 30000): how soon another server resumes a stopped server's trial. */
export function trialLeaseMsFromEnv(env: NodeJS.ProcessEnv = process.env): number {
  const text = env['RATCHET_TRIAL_LEASE_MS']?.trim();
  if (text === undefined || text === '') return 30_000;
  const value = Number(text);
  if (!Number.isInteger(value) || value < 300) {
    throw new InputError(`RATCHET_TRIAL_LEASE_MS must be a whole number of at least 300 (got "${text}").`, {
      remedy: 'Set RATCHET_TRIAL_LEASE_MS to milliseconds (e.g. 30000), or unset it for the default.',
    });
  }
  return value;
}

function verdictsOf(projects: readonly ProjectTrialResult[]): Record<string, string> {
  return Object.fromEntries(projects.map((p) => [p.name, p.verdict]));
}

interface Running {
  controller: AbortController;
  done: Promise<void>;
  /** Set when the lease was lost (cancelled or taken elsewhere): the row is no longer ours to write. */
  lost: boolean;
}

/**
 * Runs trials in this process: one AbortController per trial, so a cancel or the server's shutdown
 * stops its child processes, and one lease per trial, so no other server runs it meanwhile.
 */
export class TrialRunner {
  /** This runner's name in `lease_owner`: host, process and a random part (two runners in one process differ). */
  readonly owner = `${hostname()}:${String(process.pid)}:${randomBytes(4).toString('hex')}`;
  readonly #running = new Map<string, Running>();
  readonly #leaseMs: number;
  readonly #maxAttempts: number;
  readonly #onFinished: (trialId: string) => Promise<void>;
  #sweeper: NodeJS.Timeout | null = null;
  #sweeping: Promise<unknown> = Promise.resolve();
  #closing = false;

  constructor(
    private readonly store: Store,
    private readonly config: TrialConfig,
    private readonly onError: (error: unknown) => void = () => undefined,
    options: TrialRunnerOptions = {},
  ) {
    this.#leaseMs = options.leaseMs ?? 30_000;
    this.#maxAttempts = options.maxAttempts ?? 3;
    this.#onFinished = options.onFinished ?? (async () => undefined);
  }

  /** The lease columns for a trial this runner is about to run (set when it is queued). */
  lease(): Pick<ImageTrialsTable, 'lease_owner' | 'lease_expires_at'> {
    return {
      lease_owner: this.owner,
      lease_expires_at: new Date(this.store.now().getTime() + this.#leaseMs).toISOString(),
    };
  }

  /**
   * Resumes what stopped servers left (now, then every lease period) until `close`. The server
   * calls it once it is ready.
   */
  start(): void {
    if (this.#sweeper !== null || this.#closing) return;
    this.#sweep();
    this.#sweeper = setInterval(() => this.#sweep(), this.#leaseMs);
    this.#sweeper.unref();
  }

  #sweep(): void {
    this.#sweeping = this.#sweeping.then(() => this.resumeInterrupted().catch(this.onError));
  }

  /** Starts the trial in the background; resolves when it has finished (tests await it). */
  run(trialId: string, prepared: PreparedTrial): Promise<void> {
    const entry: Running = { controller: new AbortController(), done: Promise.resolve(), lost: false };
    entry.done = this.#claimAndExecute(trialId, prepared, entry)
      .then(async (finished) => {
        if (finished) await this.#onFinished(trialId);
      })
      .catch(this.onError)
      .finally(() => this.#running.delete(trialId));
    this.#running.set(trialId, entry);
    return entry.done;
  }

  /** Stops a trial this runner runs; false when it runs elsewhere (or nowhere). */
  cancel(trialId: string): boolean {
    const entry = this.#running.get(trialId);
    entry?.controller.abort();
    return entry !== undefined;
  }

  /**
   * Server shutdown: stops resuming, stops every running trial's children and hands the trials
   * back (queued, no lease) so the next server to start resumes them instead of failing them.
   */
  async close(): Promise<void> {
    this.#closing = true;
    if (this.#sweeper !== null) clearInterval(this.#sweeper);
    await this.#sweeping;
    for (const entry of this.#running.values()) entry.controller.abort();
    await Promise.all([...this.#running.values()].map((entry) => entry.done));
  }

  /** Resolves when the trial has finished here (or at once when it is not running here). */
  async settled(trialId: string): Promise<void> {
    await this.#running.get(trialId)?.done;
  }

  /**
   * Takes over every queued or running trial whose lease expired (its server stopped): resumes it
   * from its recorded work, or marks it failed with why it cannot be. Returns what it did.
   */
  async resumeInterrupted(): Promise<{ resumed: string[]; failed: string[] }> {
    const now = this.store.now().toISOString();
    const rows = await this.store.repos.imageTrials.listInStates(ACTIVE_TRIAL_STATES);
    const resumed: string[] = [];
    const failed: string[] = [];
    for (const row of rows) {
      if (this.#closing) break;
      if (this.#running.has(row.id) || !expired(row, now)) continue;
      const reason = this.#unresumable(row);
      if (reason !== null) {
        if (await this.#failUnresumable(row.id, reason)) failed.push(row.id);
        continue;
      }
      let prepared: PreparedTrial;
      try {
        prepared = await this.#preparedFrom(row);
      } catch (error) {
        // A credential this server's key cannot open, say: retrying every period would not help.
        const why = `The trial could not be resumed: ${error instanceof Error ? error.message : String(error)}`;
        if (await this.#failUnresumable(row.id, why)) failed.push(row.id);
        continue;
      }
      resumed.push(row.id);
      void this.run(row.id, prepared);
    }
    return { resumed, failed };
  }

  #unresumable(row: ImageTrialsTable): string | null {
    if (row.work === null || row.work === undefined) {
      return 'The server running this trial stopped, and the trial was queued by a version that did not record its work, so it cannot be resumed; start it again.';
    }
    const attempts = row.attempts ?? 0;
    if (attempts >= this.#maxAttempts) {
      return `The trial was started ${String(attempts)} times and its server stopped each time (it may be what stops it: check the server's memory limit against RATCHET_TRIAL_MEMORY_MB); it is not resumed again. Start it again once the cause is fixed.`;
    }
    return null;
  }

  async #preparedFrom(row: ImageTrialsTable): Promise<PreparedTrial> {
    const work = JSON.parse(row.work!) as PreparedTrial;
    // Credentials were never stored with the work: open them again from the registered projects.
    const stored = await readProjectsForTrial(this.store.repos, this.store.secrets, row.instance_id);
    const credentials = new Map(stored.map((p) => [p.name, p.credential]));
    return {
      ...work,
      projects: work.projects.map((p) => ({ ...p, credential: credentials.get(p.name) ?? null })),
    };
  }

  async #failUnresumable(trialId: string, reason: string): Promise<boolean> {
    return this.store.transaction(async (tx) => {
      const row = await activeRow(tx, trialId);
      // Another server may have taken it between the read and this transaction.
      if (row === null || !expired(row, tx.now())) return false;
      await tx.imageTrials.update(trialId, {
        state: 'failed',
        error: reason,
        lease_owner: null,
        lease_expires_at: null,
        updated_at: tx.now(),
      });
      await tx.audit.append({
        actorUserId: null,
        actorRole: 'system',
        tenantId: row.tenant_id,
        action: 'image.trial.interrupted',
        target: `trial:${row.instance_id}/${trialId}`,
        before: { state: row.state },
        after: { state: 'failed', error: reason },
      });
      return true;
    });
  }

  /**
   * Takes the trial's lease when nobody else holds a live one (writers are serialized, so two
   * servers cannot both take it) and counts the start; a resume is audited.
   */
  async #claim(trialId: string): Promise<boolean> {
    return this.store.transaction(async (tx) => {
      const row = await activeRow(tx, trialId);
      if (row === null) return false;
      if (row.lease_owner !== this.owner && !expired(row, tx.now())) return false;
      const attempts = (row.attempts ?? 0) + 1;
      await tx.imageTrials.update(trialId, { ...this.lease(), attempts, updated_at: tx.now() });
      if (attempts > 1) {
        await tx.audit.append({
          actorUserId: null,
          actorRole: 'system',
          tenantId: row.tenant_id,
          action: 'image.trial.resume',
          target: `trial:${row.instance_id}/${trialId}`,
          before: { state: row.state, leaseOwner: row.lease_owner ?? null },
          after: { state: 'running', leaseOwner: this.owner, attempt: attempts },
        });
      }
      return true;
    });
  }

  /** Extends the lease; when the row is no longer ours (cancelled elsewhere, or taken) stops the trial. */
  async #renew(trialId: string, entry: Running): Promise<void> {
    const updated = await this.store.transaction(async (tx) =>
      tx.imageTrials.updateWhileLeased(trialId, this.owner, {
        lease_expires_at: this.lease().lease_expires_at,
      }),
    );
    if (!updated) {
      entry.lost = true;
      entry.controller.abort();
    }
  }

  /** Writes the trial's row while this runner holds it. */
  async #write(trialId: string, values: Partial<ImageTrialsTable>): Promise<void> {
    await this.store.transaction(async (tx) => {
      await tx.imageTrials.updateWhileLeased(trialId, this.owner, { ...values, updated_at: tx.now() });
    });
  }

  /** True when the trial finished here (not handed back, lost, or never claimed). */
  async #claimAndExecute(trialId: string, prepared: PreparedTrial, entry: Running): Promise<boolean> {
    if (!(await this.#claim(trialId))) return false;
    // This trial's checkouts and dbt scratch folders: removed when it ends, however it ends, and
    // before it runs (what a stopped server left of an earlier attempt).
    const scratchDir = join(this.config.workDir, 'jobs', trialId);
    rmSync(scratchDir, { recursive: true, force: true });
    const heartbeat = setInterval(
      () => {
        this.#renew(trialId, entry).catch(this.onError);
      },
      Math.max(100, Math.floor(this.#leaseMs / 3)),
    );
    heartbeat.unref();
    try {
      return await this.#execute(trialId, prepared, entry, scratchDir);
    } finally {
      clearInterval(heartbeat);
      rmSync(scratchDir, { recursive: true, force: true });
    }
  }

  async #execute(
    trialId: string,
    prepared: PreparedTrial,
    entry: Running,
    scratchDir: string,
  ): Promise<boolean> {
    const { signal } = entry.controller;
    await this.#write(trialId, { state: 'running' });
    let lastWrite = Promise.resolve();
    try {
      const projects = prepared.projects.map((p) => {
        // The allow-list is checked again: the operator may have narrowed it since registration.
        assertRepoAllowed(p.repoUrl);
        return p;
      });
      const outcome = await runTrial(
        { current: prepared.current, candidate: prepared.candidate, projects },
        {
          config: { ...this.config, scratchDir },
          signal,
          onProgress: (progress) => {
            lastWrite = lastWrite.then(() => this.#write(trialId, { progress: JSON.stringify(progress) }));
          },
        },
      );
      await lastWrite;
      await this.#finish(trialId, 'succeeded', { ...outcome, changes: prepared.changes }, null);
      return true;
    } catch (error) {
      await lastWrite.catch(() => undefined);
      if (entry.lost) return false; // Cancelled elsewhere or taken over: the row says so already.
      if (this.#closing && signal.aborted) {
        await this.#release(trialId);
        return false;
      }
      const cancelled = signal.aborted;
      await this.#finish(
        trialId,
        cancelled ? 'cancelled' : 'failed',
        null,
        cancelled ? 'The trial was cancelled.' : error instanceof Error ? error.message : String(error),
      );
      return true;
    }
  }

  /** Shutdown: the trial goes back to the queue, free for the next server to resume at once. */
  async #release(trialId: string): Promise<void> {
    await this.store.transaction(async (tx) => {
      await tx.imageTrials.updateWhileLeased(trialId, this.owner, {
        state: 'queued',
        lease_owner: null,
        lease_expires_at: null,
        progress: JSON.stringify({ done: 0, total: 0, step: 'waiting to resume (the server stopped)' }),
        updated_at: tx.now(),
      });
    });
  }

  async #finish(
    trialId: string,
    state: TrialState,
    result: TrialResult | null,
    error: string | null,
  ): Promise<void> {
    await this.store.transaction(async (tx) => {
      const row = await activeRow(tx, trialId);
      // Not ours any more (cancelled from another server, or taken over after a lost lease).
      if (row === null || row.lease_owner !== this.owner) return;
      await tx.imageTrials.update(trialId, {
        state,
        result: result === null ? null : JSON.stringify(result),
        error,
        lease_owner: null,
        lease_expires_at: null,
        updated_at: tx.now(),
      });
      await tx.audit.append({
        actorUserId: null,
        actorRole: 'system',
        tenantId: row.tenant_id,
        action: 'image.trial.finish',
        target: `trial:${row.instance_id}/${trialId}`,
        before: { state: row.state },
        after: { state, error, verdicts: verdictsOf(result?.projects ?? []) },
      });
    });
  }
}

function expired(row: ImageTrialsTable, now: string): boolean {
  const until = row.lease_expires_at ?? null;
  return until === null || until < now;
}

async function activeRow(tx: Repositories, trialId: string): Promise<ImageTrialsTable | null> {
  const row = await tx.imageTrials.get(trialId);
  return row !== null && ACTIVE_TRIAL_STATES.includes(row.state) ? row : null;
}
