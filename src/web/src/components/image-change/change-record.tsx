import type { ImageChange } from '../../image-types';
import { Section } from '../section';
import { StatusBadge } from '../status-badge';
import { When } from '../when';

/** What has happened to the change so far: where it is deployed, and each step taken with its note. */
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
      {change.notes.length > 0 ? (
        <Section title="History" id="history">
          <ol className="plain-list">
            {change.notes.map((note) => (
              <li key={`${note.at}-${note.step}`}>
                <strong>{note.step}</strong> by {note.byRole} <When at={note.at} />
                <p className="wrap">{note.text}</p>
              </li>
            ))}
          </ol>
        </Section>
      ) : null}
    </>
  );
}
