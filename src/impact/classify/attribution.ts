import type { OwnerSource } from '../evidence/index.js';
import type { ClassifiedEvidence } from './types.js';

/*
 * Attribution by run, not by event (issue 14). Airflow puts the DAG's owner on START events and
 * sends slimmer COMPLETE/FAIL events; dbt-ol runs under Airflow name nobody and learn their DAG only
 * from the `parent` facet. So owners, project, code revision and pipeline are gathered from every
 * event of a run, then from its parent run, then from its root run; the name heuristics of
 * extractRunEvidence and the tenant's ownership rules are the fallback.
 */

interface RunFacts {
  readonly runId: string;
  parentRunId: string | null;
  /** The root run the emitter named (`pipelineRunId` when it is not the run itself). */
  rootRunId: string | null;
  /** Owners named by the run's own events (Airflow task/DAG, `ownership` facet); latest wins. */
  named: readonly string[];
  namedAt: string;
  /** Owners from an ownership rule, used only when nothing up the tree names anyone. */
  ruled: readonly string[];
  project: string | null;
  codeRevision: string | null;
  /** The event-level pipeline guess of the run's latest event. */
  pipeline: string;
  latestAt: string;
}

/** What a run resolves to once its parent and root runs are read. */
interface Resolved {
  readonly named: readonly string[];
  readonly ruled: readonly string[];
  readonly project: string | null;
  readonly codeRevision: string | null;
  readonly pipeline: string;
  /** The top of the tree this report can see: groups a pipeline run. */
  readonly topRunId: string;
}

function isRule(source: OwnerSource | null): boolean {
  return source === 'ownership-rule';
}

function gather(events: readonly ClassifiedEvidence[]): Map<string, RunFacts> {
  const runs = new Map<string, RunFacts>();
  // Oldest first, so "latest wins" is a plain overwrite.
  const ordered = [...events].sort((a, b) => a.eventTime.localeCompare(b.eventTime));
  for (const event of ordered) {
    let facts = runs.get(event.runId);
    if (facts === undefined) {
      facts = {
        runId: event.runId,
        parentRunId: null,
        rootRunId: null,
        named: [],
        namedAt: '',
        ruled: [],
        project: null,
        codeRevision: null,
        pipeline: event.pipeline,
        latestAt: event.eventTime,
      };
      runs.set(event.runId, facts);
    }
    if (event.parentRunId !== null) facts.parentRunId = event.parentRunId;
    if (event.pipelineRunId !== event.runId && event.pipelineRunId !== event.parentRunId)
      facts.rootRunId = event.pipelineRunId;
    if (event.owners.length > 0) {
      if (isRule(event.ownerSource)) facts.ruled = event.owners;
      else {
        facts.named = event.owners;
        facts.namedAt = event.eventTime;
      }
    }
    if (event.project !== null) facts.project = event.project;
    if (event.codeRevision !== null) facts.codeRevision = event.codeRevision;
    facts.pipeline = event.pipeline;
    facts.latestAt = event.eventTime;
  }
  return runs;
}

function first<T>(values: readonly (T | null | undefined)[], empty: (value: T) => boolean): T | null {
  for (const value of values) if (value !== null && value !== undefined && !empty(value)) return value;
  return null;
}

const NONE: readonly string[] = [];

/**
 * Each run's owners, project, code revision, pipeline and top run, from its own events, then its
 * parent's, then its root's (named owners anywhere up the tree beat an ownership rule).
 *
 * @example attributeRuns(events).get(dbtRunId)?.named // ['ana'], from the Airflow DAG run
 */
export function attributeRuns(events: readonly ClassifiedEvidence[]): Map<string, Resolved> {
  const facts = gather(events);
  const resolved = new Map<string, Resolved>();
  const visiting = new Set<string>();

  function resolve(runId: string): Resolved | null {
    const done = resolved.get(runId);
    if (done !== undefined) return done;
    const own = facts.get(runId);
    // A cycle (a run naming its own descendant as parent) is broken where it closes.
    if (own === undefined || visiting.has(runId)) return null;
    visiting.add(runId);
    const parent = own.parentRunId === null ? null : resolve(own.parentRunId);
    const root = own.rootRunId === null ? null : resolve(own.rootRunId);
    visiting.delete(runId);
    const isEmpty = (list: readonly string[]): boolean => list.length === 0;
    const result: Resolved = {
      named: first([own.named, parent?.named, root?.named], isEmpty) ?? NONE,
      ruled: first([own.ruled, parent?.ruled, root?.ruled], isEmpty) ?? NONE,
      project: first([own.project, parent?.project, root?.project], () => false),
      codeRevision: first([own.codeRevision, parent?.codeRevision, root?.codeRevision], () => false),
      // The root run's own pipeline (a DAG's id, a dbt run's name) beats every guess below it.
      pipeline: root?.pipeline ?? parent?.pipeline ?? own.pipeline,
      topRunId: root?.topRunId ?? parent?.topRunId ?? own.rootRunId ?? own.parentRunId ?? runId,
    };
    resolved.set(runId, result);
    return result;
  }

  for (const runId of facts.keys()) resolve(runId);
  return resolved;
}

/**
 * The evidence with every event carrying its run's attribution: owners (named, else ruled),
 * project, code revision, pipeline, and the top run as `pipelineRunId`.
 */
export function withRunAttribution(events: readonly ClassifiedEvidence[]): ClassifiedEvidence[] {
  const runs = attributeRuns(events);
  return events.map((event) => {
    const run = runs.get(event.runId);
    if (run === undefined) return event;
    const named = run.named.length > 0;
    return {
      ...event,
      owners: named ? run.named : run.ruled,
      ownerSource: named ? event.ownerSource : run.ruled.length > 0 ? 'ownership-rule' : null,
      project: run.project,
      codeRevision: run.codeRevision,
      pipeline: run.pipeline,
      pipelineRunId: run.topRunId,
    };
  });
}
