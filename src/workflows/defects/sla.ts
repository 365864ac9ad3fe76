import { isOpenDefect, slaClocks } from '../../domain/defects/index.js';
import type { SlaClockName } from '../../domain/defects/index.js';
import { assertCan } from '../../domain/roles/index.js';
import type { Actor } from '../../domain/roles/index.js';
import type { Store } from '../../store/index.js';
import { outboxOf } from '../outbox.js';
import { PROVIDER_ON_CALL } from './notifications.js';

export interface SlaBreachNotice {
  defectId: string;
  clock: SlaClockName;
  targetAt: string;
}

/**
 * Finds SLA clocks that ran past their target and tells the provider on-call group, once per
 * (defect, clock): the breach row and the outbox message commit together, so a re-run (or a second
 * server running the same loop) notifies nobody twice. Meant for the server's periodic loop; `now`
 * defaults to the store clock. Returns the breaches announced by this call.
 */
export async function checkSlaBreaches(store: Store, now: Date = store.now()): Promise<SlaBreachNotice[]> {
  const outbox = outboxOf(store);
  return store.transaction(async (tx) => {
    const definitions = await tx.defects.severityDefinitions();
    const known = await tx.defects.slaBreachesAnnounced();
    const seen = new Set(known.map((k) => `${k.defectId}:${k.clock}`));
    const notices: SlaBreachNotice[] = [];
    for (const defect of await tx.defects.list()) {
      if (!isOpenDefect(defect.state)) continue;
      for (const clock of slaClocks(defect, definitions, now)) {
        if (!clock.breached || clock.metAt !== null || seen.has(`${defect.id}:${clock.clock}`)) continue;
        await tx.defects.insertSlaBreach({
          defect_id: defect.id,
          clock: clock.clock,
          target_at: clock.targetAt,
          notified_at: now.toISOString(),
        });
        const severity = defect.severity ?? defect.suggestedSeverity;
        await outbox.enqueue(tx.db, {
          topic: 'defect.sla-breached',
          eventId: `defect:${defect.id}:sla:${clock.clock}`,
          receivers: [PROVIDER_ON_CALL],
          subject: `SLA breached (${clock.clock}): severity ${severity} defect ${defect.id}`,
          text: `The ${clock.clock} target of defect "${defect.title}" (${defect.id}, severity ${severity}, ${defect.state}) passed at ${clock.targetAt}.`,
          data: {
            defectId: defect.id,
            clock: clock.clock,
            targetAt: clock.targetAt,
            severity,
            state: defect.state,
          },
        });
        await tx.audit.append({
          actorUserId: null,
          actorRole: 'system',
          tenantId: defect.tenantId,
          action: 'defect.sla-breached',
          target: `defect:${defect.id}`,
          before: null,
          after: { clock: clock.clock, targetAt: clock.targetAt },
        });
        notices.push({ defectId: defect.id, clock: clock.clock, targetAt: clock.targetAt });
      }
    }
    return notices;
  });
}

/** The same check on demand, for provider staff (API / CLI). */
export async function checkSlaBreachesAs(store: Store, actor: Actor): Promise<SlaBreachNotice[]> {
  assertCan(actor, 'defect.sla.check');
  return checkSlaBreaches(store);
}
