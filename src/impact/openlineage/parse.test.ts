import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { InputError } from '../../domain/errors/index.js';
import { parseEventBatch, parseRunEvent } from './index.js';

const fixtures = new URL('../../../test/fixtures/openlineage/', import.meta.url);
function fixture(name: string): string {
  return readFileSync(new URL(name, fixtures), 'utf8');
}
const airflowFail = JSON.parse(fixture('airflow-task-fail.json')) as Record<string, unknown>;

function refusal(run: () => unknown): InputError {
  try {
    run();
  } catch (error) {
    if (error instanceof InputError) return error;
    throw error;
  }
  throw new Error('expected an InputError');
}

function without(path: string): unknown {
  const copy = structuredClone(airflowFail);
  const keys = path.split('.');
  let node = copy as Record<string, unknown>;
  for (const key of keys.slice(0, -1)) node = node[key] as Record<string, unknown>;
  Reflect.deleteProperty(node, keys[keys.length - 1]!);
  return copy;
}

describe('parseRunEvent', () => {
  it('accepts real Airflow and dbt-ol events and keeps facets it does not know', () => {
    const event = parseRunEvent(airflowFail);
    expect(event.eventType).toBe('FAIL');
    expect(event.job.name).toBe('finance_daily.dbt_build');
    expect(event.run.facets?.['processing_engine']).toMatchObject({ name: 'Airflow' });
    expect(parseRunEvent(JSON.parse(fixture('dbt-ol-wrapper-fail.json'))).job.name).toBe('dbt-run-finance');
  });

  it('accepts an event without eventType, and a UUID of any version or case', () => {
    const event = parseRunEvent({
      ...structuredClone(airflowFail),
      eventType: undefined,
      run: { runId: '01939A6C-3B2C-7F0E-8A7E-1C2D3E4F5A6B' },
    });
    expect(event.eventType).toBeUndefined();
    expect(event.run.runId).toBe('01939A6C-3B2C-7F0E-8A7E-1C2D3E4F5A6B');
  });

  it('refuses a run id that is not a UUID, naming the field (OpenLineage 2-0-2 format: uuid)', () => {
    const error = refusal(() => parseRunEvent({ ...airflowFail, run: { runId: 'run-42' } }));
    expect(error.message).toMatch(/^run\.runId must be a UUID/);
    expect(error.extra).toEqual({ field: 'run.runId' });
  });

  it('reads an eventTime without offset as UTC, as Marquez does', () => {
    const event = parseRunEvent({ ...airflowFail, eventTime: '2025-11-11T09:21:00.123456' });
    expect(event.eventTime).toBe('2025-11-11T09:21:00.123456Z');
    expect(Date.parse(event.eventTime)).toBe(Date.parse('2025-11-11T09:21:00.123Z'));
    expect(parseRunEvent({ ...airflowFail, eventTime: '2025-11-11T09:21:00+01:00' }).eventTime).toBe(
      '2025-11-11T09:21:00+01:00',
    );
  });

  it.each([
    ['run.runId', 'run.runId is required'],
    ['job.namespace', 'job.namespace is required'],
    ['job.name', 'job.name is required'],
    ['eventTime', 'eventTime is required'],
    ['producer', 'producer is required'],
  ])('names the missing field %s', (path, message) => {
    const error = refusal(() => parseRunEvent(without(path)));
    expect(error.message).toBe(message);
    expect(error.extra).toMatchObject({ field: path });
  });

  it('refuses a bad time, an unknown eventType and a non-object', () => {
    expect(refusal(() => parseRunEvent({ ...airflowFail, eventTime: 'yesterday' })).message).toMatch(
      /^eventTime must be an ISO 8601 date-time/,
    );
    expect(refusal(() => parseRunEvent({ ...airflowFail, eventTime: 'yesterday' })).extra).toEqual({
      field: 'eventTime',
    });
    expect(refusal(() => parseRunEvent({ ...airflowFail, eventType: 'DONE' })).message).toMatch(
      /^eventType must be one of/,
    );
    expect(refusal(() => parseRunEvent('an event')).message).toBe('event must be a JSON object');
    expect(refusal(() => parseRunEvent({ ...airflowFail, run: { runId: '  ' } })).message).toMatch(
      /^run\.runId must be a UUID/,
    );
  });
});

describe('parseEventBatch', () => {
  it('reads NDJSON, a JSON array, a single event, and NDJSON sent as application/json', () => {
    const ndjson = fixture('finance-daily-nov-11.ndjson');
    expect(parseEventBatch(ndjson, 'application/x-ndjson; charset=utf-8').events).toHaveLength(6);
    expect(parseEventBatch(ndjson, 'application/json').events).toHaveLength(6);
    const lines = ndjson.trim().split('\n');
    expect(parseEventBatch(`[${lines.join(',')}]`, 'application/json').events).toHaveLength(6);
    expect(parseEventBatch(airflowFail).events).toHaveLength(1);
    expect(parseEventBatch(lines.map((line) => JSON.parse(line) as unknown)).events).toHaveLength(6);
  });

  it('counts DatasetEvents and JobEvents as ignored, keeping the run events beside them', () => {
    // Shapes of OpenLineage 2-0-2 `DatasetEvent` and `JobEvent`, as openlineage-python emits them.
    const datasetEvent = {
      eventTime: '2025-11-11T09:00:00Z',
      producer: 'https://github.com/OpenLineage/OpenLineage/tree/1.54.0/client/python',
      schemaURL: 'https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/DatasetEvent',
      dataset: { namespace: 'duckdb://shop', name: 'main.orders', facets: {} },
    };
    const jobEvent = {
      eventTime: '2025-11-11T09:00:00Z',
      producer: 'https://github.com/OpenLineage/OpenLineage/tree/1.54.0/client/python',
      job: { namespace: 'acme-prod', name: 'static_job', facets: {} },
      inputs: [],
      outputs: [],
    };
    const naive = { ...airflowFail, eventTime: '2025-11-11T09:21:00' };
    const batch = parseEventBatch([datasetEvent, airflowFail, jobEvent, naive]);
    expect(batch.events.map((event) => event.eventTime)).toEqual([
      '2025-11-11T09:21:00.000000+00:00',
      '2025-11-11T09:21:00Z',
    ]);
    expect(batch.positions).toEqual([{ index: 1 }, { index: 3 }]);
    expect([batch.ignored, batch.assumedUtc]).toEqual([2, 1]);
    // A RunEvent that merely lost its run is still refused: it has an eventType.
    expect(refusal(() => parseEventBatch([{ ...airflowFail, run: undefined }])).message).toBe(
      'event 0: run is required',
    );
  });

  it('refuses the whole batch when one event is bad, naming its position and field', () => {
    const events = fixture('finance-daily-nov-11.ndjson').trim().split('\n');
    const broken = JSON.parse(events[2]!) as { job: Record<string, unknown> };
    delete broken.job['name'];
    events[2] = JSON.stringify(broken);
    const fromLines = refusal(() => parseEventBatch(events.join('\n'), 'application/x-ndjson'));
    expect(fromLines.message).toBe('line 3: job.name is required');
    expect(fromLines.extra).toEqual({ field: 'job.name', line: 3 });
    const fromArray = refusal(() => parseEventBatch(events.map((line) => JSON.parse(line) as unknown)));
    expect(fromArray.message).toBe('event 2: job.name is required');
  });

  it('refuses bad JSON and an empty batch', () => {
    expect(refusal(() => parseEventBatch('{"eventType":', 'application/json')).message).toMatch(
      /^body is not valid JSON/,
    );
    expect(refusal(() => parseEventBatch('{}\nnope', 'application/x-ndjson')).message).toBe(
      'line 1: eventTime is required',
    );
    expect(refusal(() => parseEventBatch([])).message).toBe('The batch holds no event.');
  });
});
