import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { InputError } from '../../domain/errors/index.js';
import { parseRunEvent } from '../openlineage/index.js';
import type { EvidenceContext } from './index.js';
import { extractRunEvidence, globMatches } from './index.js';

const fixtures = new URL('../../../test/fixtures/openlineage/', import.meta.url);
function load(name: string): Record<string, unknown> {
  return JSON.parse(readFileSync(new URL(name, fixtures), 'utf8')) as Record<string, unknown>;
}

const context: EvidenceContext = {
  namespaces: { 'acme-prod': 'inst_1' },
  deployments: {
    inst_1: [
      { revision: 7, deployedAt: '2025-11-10T08:00:00Z', packages: { 'dbt-core': '1.11.2' } },
      { revision: 6, deployedAt: '2025-10-20T08:00:00Z', packages: { 'dbt-core': '1.10.4' } },
    ],
  },
  ownership: [{ pattern: 'finance_*', user: 'fin-team' }],
};

function extract(json: unknown, ctx: EvidenceContext = context) {
  return extractRunEvidence(parseRunEvent(json), ctx);
}

function withRunFacets(
  json: Record<string, unknown>,
  facets: Record<string, unknown>,
): Record<string, unknown> {
  const copy = structuredClone(json) as { run: { facets: Record<string, unknown> } };
  Object.assign(copy.run.facets, facets);
  return copy;
}

describe('extractRunEvidence', () => {
  it('reads an Airflow task event: DAG pipeline, owner, bundle version, failure', () => {
    const evidence = extract(load('airflow-task-fail.json'));
    expect(evidence).toMatchObject({
      instanceId: 'inst_1',
      pipeline: 'finance_daily',
      integration: 'AIRFLOW',
      owners: ['ana'],
      ownerSource: 'airflow',
      codeRevision: '9e8d7c6b5a4f3e2d1c0b9a8f7e6d5c4b3a2f1e0d',
      imageRevision: 7,
      imageRevisionSource: 'deployment',
      outcome: 'failure',
      eventTime: '2025-11-11T09:21:00.000Z',
    });
    expect(evidence.idempotencyKey).toBe(`${evidence.runId}|FAIL|2025-11-11T09:21:00.000Z`);
    expect(evidence.pipelineRunId).toBe(evidence.parentRunId);
  });

  it('groups a dbt-ol run under the root Airflow DAG run and keeps its error', () => {
    const evidence = extract(load('dbt-ol-wrapper-fail.json'));
    expect(evidence).toMatchObject({
      pipeline: 'finance_daily',
      project: 'finance',
      integration: 'DBT',
      parentJobName: 'finance_daily.dbt_build',
      owners: ['fin-team'],
      ownerSource: 'ownership-rule',
      outcome: 'failure',
    });
    expect(evidence.pipelineRunId).toBe(extract(load('airflow-dag-run-start.json')).runId);
    expect(evidence.errorMessage).toMatch(/Compilation Error/);
  });

  it('without a root facet, takes the DAG from the parent task name `dag_id.task_id`', () => {
    const json = load('dbt-ol-wrapper-fail.json') as { run: { facets: { parent: Record<string, unknown> } } };
    delete json.run.facets.parent['root'];
    expect(extract(json).pipeline).toBe('finance_daily');
  });

  it('prefers an explicit ratchet facet, then a tag, over the deployment history', () => {
    const event = load('airflow-task-fail.json');
    expect(extract(withRunFacets(event, { ratchet: { imageRevision: 6 } }))).toMatchObject({
      imageRevision: 6,
      imageRevisionSource: 'facet',
    });
    const tagged = withRunFacets(event, { tags: { tags: [{ key: 'ratchet.image_revision', value: '5' }] } });
    expect(extract(tagged)).toMatchObject({ imageRevision: 5, imageRevisionSource: 'tag' });
    const bad = withRunFacets(event, { ratchet: { imageRevision: 'seven' } });
    expect(() => extract(bad)).toThrow(/run\.facets\.ratchet\.imageRevision must be a positive integer/);
  });

  it('places an event before any deployment on no revision, and one at deployment time on the new one', () => {
    expect(
      extract({ ...load('airflow-task-fail.json'), eventTime: '2025-10-01T00:00:00Z' }).imageRevision,
    ).toBeNull();
    expect(
      extract({ ...load('airflow-task-fail.json'), eventTime: '2025-11-10T09:00:00+01:00' }).imageRevision,
    ).toBe(7);
    expect(
      extract({ ...load('airflow-task-fail.json'), eventTime: '2025-11-10T08:59:59+01:00' }).imageRevision,
    ).toBe(6);
  });

  it("ignores Airflow's default owner and falls back to the ownership rules, then to nobody", () => {
    const json = load('airflow-task-fail.json') as {
      run: { facets: { airflow: { dag: { owner: string } } } };
    };
    json.run.facets.airflow.dag.owner = 'airflow';
    expect(extract(json)).toMatchObject({ owners: ['fin-team'], ownerSource: 'ownership-rule' });
    expect(extract(json, { ...context, ownership: [] })).toMatchObject({ owners: [], ownerSource: null });
  });

  it("keeps several DAG owners as a list, in any order, without Airflow's default", () => {
    const json = load('airflow-task-fail.json') as {
      run: { facets: { airflow: { dag: { owner: string }; task: Record<string, unknown> } } };
      job: { facets: Record<string, unknown> };
    };
    for (const owner of ['airflow, some_owner1', 'some_owner1, airflow', 'bob,airflow, some_owner1']) {
      json.run.facets.airflow.dag.owner = owner;
      expect(extract(json).owners).toEqual(owner.includes('bob') ? ['bob', 'some_owner1'] : ['some_owner1']);
    }
    // The task's own owner is more specific than the DAG's list; `airflow` there names nobody.
    json.run.facets.airflow.task['owner'] = 'carl';
    expect(extract(json)).toMatchObject({ owners: ['carl'], ownerSource: 'airflow-task' });
    json.run.facets.airflow.task['owner'] = 'airflow';
    // The standard `ownership` job facet (what the Airflow provider 2.20 sends beside it).
    json.job.facets['ownership'] = { owners: [{ name: 'airflow' }, { name: 'dora', type: 'team' }] };
    expect(extract(json)).toMatchObject({ owners: ['dora'], ownerSource: 'ownership-facet' });
  });

  it('files dbt-ol structured-log jobs under their dbt run, never under a pipeline named `model`', () => {
    const base = load('dbt-ol-wrapper-fail.json') as { run: { facets: Record<string, unknown> } };
    const query = structuredClone(base) as Record<string, unknown> & {
      run: { facets: Record<string, unknown> };
    };
    query['job'] = { namespace: 'acme-prod', name: 'model.jaffle_shop.orders.sql.2' };
    query.run.facets = {
      parent: {
        run: { runId: '0193a000-0000-7000-8000-000000000001' },
        job: { namespace: 'acme-prod', name: 'model.jaffle_shop.orders' },
      },
    };
    expect(extract(query)).toMatchObject({ pipeline: 'dbt-run-jaffle_shop', project: 'jaffle_shop' });
    // dbt-ol's `dbt_run` facet names the project on every event of the run.
    query.run.facets['dbt_run'] = { project_name: 'shop' };
    expect(extract(query).project).toBe('shop');
  });

  it('prefers sourceCodeLocation over the DAG bundle version, and has no code revision without either', () => {
    const json = load('airflow-task-fail.json') as {
      job: { facets: Record<string, unknown> };
      run: { facets: Record<string, unknown> };
    };
    json.job.facets['sourceCodeLocation'] = { type: 'git', url: 'x', version: 'abc1234' };
    expect(extract(json).codeRevision).toBe('abc1234');
    delete json.job.facets['sourceCodeLocation'];
    delete json.run.facets['airflow'];
    expect(extract(json).codeRevision).toBeNull();
  });

  it('refuses an event whose namespace no instance claims, naming it', () => {
    const error = (() => {
      try {
        extract({ ...load('airflow-task-fail.json'), job: { namespace: 'stray', name: 'x' } });
      } catch (e) {
        return e;
      }
      return null;
    })();
    expect(error).toBeInstanceOf(InputError);
    expect((error as InputError).message).toBe("job.namespace 'stray' belongs to no instance");
    expect((error as InputError).extra).toEqual({ field: 'job.namespace', namespace: 'stray' });
  });

  it('marks only COMPLETE, FAIL and ABORT as terminal', () => {
    const event = load('airflow-task-fail.json');
    expect(extract({ ...event, eventType: 'COMPLETE' }).outcome).toBe('success');
    expect(extract({ ...event, eventType: 'ABORT' }).outcome).toBe('failure');
    expect(extract({ ...event, eventType: 'RUNNING' }).outcome).toBeNull();
    expect(extract({ ...event, eventType: undefined }).outcome).toBeNull();
  });
});

describe('globMatches', () => {
  it('matches whole names with * and ?, everything else literally', () => {
    expect(globMatches('finance_*', 'finance_daily')).toBe(true);
    expect(globMatches('finance_*', 'xfinance_daily')).toBe(false);
    expect(globMatches('ops.?', 'ops.a')).toBe(true);
    expect(globMatches('ops.?', 'opsxa')).toBe(false);
  });
});
