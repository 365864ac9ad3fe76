/**
 * Issue 6, "severity 1-4 (configurable definitions and response and resolution targets per
 * severity)" and "SLA clocks ... breaches flagged in the API ... and a notification to the provider
 * on-call group": a changed target moves the clock of an open defect, and the breach is announced
 * once.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engines, openTestStore } from '../../../test/support/engines.js';
import type { TestStore } from '../../../test/support/engines.js';
import { InputError, NotAllowedError } from '../../domain/errors/index.js';
import type { Actor } from '../../domain/roles/index.js';
import type { User } from '../../domain/users/index.js';
import { seedDemo } from '../demo.js';
import { checkSlaBreaches, configureSeverity, listDefects, listSeverities } from './index.js';

const MINUTE = 60_000;

function actorOf(user: User): Actor {
  return { userId: user.id, name: user.name, role: user.role, tenantId: user.tenantId };
}

describe.each(engines)('severity targets and SLA breaches (%s)', (engine) => {
  let t: TestStore;
  let clock = Date.parse('2026-03-02T09:00:00.000Z');
  let admin: Actor;
  let engineer: Actor;
  let bea: Actor;

  beforeAll(async () => {
    t = await openTestStore(engine, { now: () => new Date(clock) });
    const seed = await seedDemo(t.store);
    admin = actorOf(seed.users.providerAdmin.user);
    engineer = actorOf(seed.users.providerEngineer.user);
    bea = actorOf(seed.users.bea.user);
  });
  afterAll(() => t.destroy());

  async function onCallBreaches(): Promise<string[]> {
    const rows = await t.store.db
      .selectFrom('outbox')
      .select('event_id')
      .where('topic', '=', 'defect.sla-breached')
      .execute();
    return rows.map((row) => row.event_id).sort();
  }

  it('moves an open defect’s resolution clock when the provider admin changes its severity’s target', async () => {
    const { store } = t;
    const [defect] = await listDefects(store, bea);
    expect(defect).toMatchObject({ state: 'triaged', severity: 2 });
    const resolution = () => defect!.sla.find((c) => c.clock === 'resolution')!;
    expect(resolution()).toMatchObject({ metAt: null, breached: false });
    expect(await checkSlaBreaches(store)).toEqual([]);

    // Only the provider admin sets targets, and a resolution shorter than the response is refused.
    const target = {
      severity: 2 as const,
      name: 'High',
      definition: 'A pipeline stopped.',
      responseMinutes: 5,
    };
    await expect(configureSeverity(store, engineer, { ...target, resolutionMinutes: 10 })).rejects.toThrow(
      NotAllowedError,
    );
    await expect(configureSeverity(store, admin, { ...target, resolutionMinutes: 4 })).rejects.toThrow(
      InputError,
    );
    const configured = await configureSeverity(store, admin, { ...target, resolutionMinutes: 10 });
    expect(configured).toMatchObject({ severity: 2, responseMinutes: 5, resolutionMinutes: 10 });
    expect((await listSeverities(store, bea)).find((s) => s.severity === 2)).toMatchObject({
      resolutionMinutes: 10,
    });

    clock += 11 * MINUTE;
    const [late] = await listDefects(store, bea);
    const lateResolution = late!.sla.find((c) => c.clock === 'resolution')!;
    expect(Date.parse(lateResolution.targetAt)).toBe(Date.parse(late!.reportedAt) + 10 * MINUTE);
    expect(lateResolution.breached).toBe(true);

    const notices = await checkSlaBreaches(store);
    expect(notices).toContainEqual(
      expect.objectContaining({
        defectId: defect!.id,
        clock: 'resolution',
        targetAt: lateResolution.targetAt,
      }),
    );
    const announced = await onCallBreaches();
    expect(announced).toContain(`defect:${defect!.id}:sla:resolution`);
    // Once per breach: the next minute's check announces nothing new.
    clock += MINUTE;
    expect(await checkSlaBreaches(store)).toEqual([]);
    expect(await onCallBreaches()).toEqual(announced);
  });
});
