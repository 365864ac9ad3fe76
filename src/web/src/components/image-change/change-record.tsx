import type { ImageChange } from '../../image-types';
import { Section } from '../section';
import { StatusBadge } from '../status-badge';

/**
 * Where the change is deployed. Each step taken, by whom and with its note, is in the page's Activity
 * section (issue 17), which names people where this record only knew their role.
 */
export function ChangeRecord({ change }: { change: ImageChange }) {
  return (
    <>
      {change.stages.length > 0 ? (
        <Section title="Deployment" id="deployment">
          <ol className="plain-list">
            {change.stages.map((stage) => (
              // Without a test instance an upgrade lists its instance twice: as the target, then as production.
              <li key={`${stage.instanceId}-${stage.purpose}`}>
                <strong>{stage.instanceName}</strong> ({stage.purpose}){' '}
                {stage.revision !== null ? `image revision ${String(stage.revision)} ` : ''}
                <StatusBadge status={stage.status} />
              </li>
            ))}
          </ol>
        </Section>
      ) : null}
    </>
  );
}
