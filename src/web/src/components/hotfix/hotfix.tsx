import { useState } from 'react';
import type { FormEvent } from 'react';
import { api, seg } from '../../api';
import { useAction, useAsync, useReloadOn } from '../../async';
import type { Me } from '../../types';
import { ErrorBox } from '../feedback';
import { OwnedBy } from '../owned-by';
import { TextAreaField } from '../form';
import { Section } from '../section';

const RELEASES = '/api/v1/platform/releases';
// Defects a release may fix (src/domain/defects/transitions.ts: the `link` step).
const FIXABLE = ['triaged', 'fix-in-progress'];

interface FixableDefect {
  id: string;
  title: string;
  state: string;
  instanceName?: string | null;
  tenantSlug?: string | null;
}

interface InstanceStatus {
  instance: { id: string; name: string; kind: 'test' | 'production'; tenantId: string };
  currentVersion: string | null;
  available: string[];
}

/** "airflow=3.0.7, python=3.12" or one per line, into the release's components. */
function parseComponents(text: string): Record<string, string> {
  const components: Record<string, string> = {};
  for (const part of text.split(/[\n,]/)) {
    const [name, version] = part.split('=').map((s) => s.trim());
    if (name && version) components[name] = version;
  }
  return components;
}

/**
 * The hotfix path in the dashboard (issue 17, item 11): publish a release that fixes defects, then
 * roll it out, test instance first. Shown to whoever GET /api/v1/me says may publish or roll out a
 * release (each half to those who may take it); nothing for anyone else.
 */
export function ShipHotfix({
  me,
  defects,
  onDone,
}: {
  me: Me;
  defects: FixableDefect[];
  onDone: (message: string) => void;
}) {
  // A new release is a new rollout option: the rollout list reads the status again.
  const [published, setPublished] = useState(0);
  const { publishRelease, rollOutRelease } = me.may;
  if (!publishRelease.allowed && !rollOutRelease.allowed) return null;
  return (
    <Section title="Ship a hotfix" id="ship-hotfix">
      <p className="muted small">
        A platform defect is fixed forward: publish a new release that fixes it, roll it out to the test
        instance, then to production. The defects follow the rollouts; the reporter is told when it is live.
      </p>
      {publishRelease.allowed ? (
        <PublishHotfix
          defects={defects.filter((d) => FIXABLE.includes(d.state))}
          onDone={(message) => {
            setPublished((n) => n + 1);
            onDone(message);
          }}
        />
      ) : (
        <OwnedBy step="Publish a release" roles={[...publishRelease.roles]} />
      )}
      {rollOutRelease.allowed ? (
        <RollOut onDone={onDone} version={published} />
      ) : (
        <OwnedBy step="Roll out a release" roles={[...rollOutRelease.roles]} />
      )}
    </Section>
  );
}

function PublishHotfix({ defects, onDone }: { defects: FixableDefect[]; onDone: (message: string) => void }) {
  const [version, setVersion] = useState('');
  const [components, setComponents] = useState('');
  const [notes, setNotes] = useState('');
  const [fixes, setFixes] = useState<string[]>([]);
  const action = useAction();

  function submit(event: FormEvent): void {
    event.preventDefault();
    const parsed = parseComponents(components);
    if (Object.keys(parsed).length === 0) {
      action.refuse('Name at least one component and its version, e.g. airflow=3.0.7.');
      return;
    }
    void action.run(async () => {
      await api(RELEASES, {
        method: 'POST',
        body: { version: version.trim(), components: parsed, notes, fixes },
      });
      onDone(
        `Published ${fixes.length > 0 ? 'hotfix' : 'release'} ${version.trim()}${fixes.length > 0 ? ` fixing ${String(fixes.length)} defect${fixes.length === 1 ? '' : 's'}` : ''}. Roll it out below, test instance first.`,
      );
      setVersion('');
      setComponents('');
      setNotes('');
      setFixes([]);
    });
  }

  return (
    <form onSubmit={submit} aria-label="Publish a hotfix release">
      <h3 className="h3">1. Publish the release</h3>
      <div className="form-row">
        <label htmlFor="hotfix-version">Release version</label>
        <input
          id="hotfix-version"
          value={version}
          required
          placeholder="3.4.1"
          onChange={(e) => setVersion(e.target.value)}
        />
      </div>
      <div className="form-row">
        <label htmlFor="hotfix-components">Components</label>
        <input
          id="hotfix-components"
          value={components}
          required
          placeholder="airflow=3.0.7, python=3.12"
          onChange={(e) => setComponents(e.target.value)}
        />
      </div>
      <TextAreaField id="hotfix-notes" label="Release notes" value={notes} rows={2} onChange={setNotes} />
      <fieldset className="stack">
        <legend>Defects it fixes</legend>
        {defects.length === 0 ? (
          <p className="muted small">No triaged defect waits for a fix.</p>
        ) : (
          defects.map((d) => (
            <label key={d.id} className="checkbox">
              <input
                type="checkbox"
                checked={fixes.includes(d.id)}
                onChange={(e) =>
                  setFixes(e.target.checked ? [...fixes, d.id] : fixes.filter((id) => id !== d.id))
                }
              />{' '}
              {d.title}
              {d.instanceName ? (
                <span className="muted small">
                  {' '}
                  ({d.tenantSlug ? `${d.tenantSlug}/` : ''}
                  {d.instanceName})
                </span>
              ) : null}
            </label>
          ))
        )}
      </fieldset>
      <button type="submit" className="primary" disabled={action.busy}>
        Publish release
      </button>
      {action.error ? <ErrorBox error={action.error} title="The release was not published" /> : null}
    </form>
  );
}

function RollOut({ onDone, version }: { onDone: (message: string) => void; version: unknown }) {
  const data = useAsync(
    () => api<{ instances: InstanceStatus[] }>('/api/v1/platform/status').then((r) => r.instances),
    [],
  );
  useReloadOn(version, data.reload);
  const [chosen, setChosen] = useState<Record<string, string>>({});
  const action = useAction();
  if (data.state !== 'ready') return null;
  const waiting = data.data.filter((s) => s.available.length > 0);

  function rollOut(status: InstanceStatus): void {
    const release = chosen[status.instance.id] ?? status.available[0]!;
    void action.run(async () => {
      const rollout = await api<{ revisionNumber: number }>(`${RELEASES}/${seg(release)}/rollouts`, {
        method: 'POST',
        body: { instance: status.instance.id },
      });
      onDone(
        `Rolled ${release} out to ${status.instance.name} (platform revision ${String(rollout.revisionNumber)}).`,
      );
      data.reload();
    });
  }

  return (
    <div aria-label="Roll out a release">
      <h3 className="h3">2. Roll it out</h3>
      {waiting.length === 0 ? (
        <p className="muted small">Every instance runs the newest release it may take.</p>
      ) : (
        <ul className="plain-list stack">
          {waiting.map((status) => (
            <li key={status.instance.id} className="rollout-row" data-testid="rollout-row">
              <span>
                <strong>{status.instance.name}</strong>{' '}
                <span className="muted small">
                  ({status.instance.kind}) on {status.currentVersion ?? 'no release yet'}
                </span>
              </span>
              <label className="visually-hidden" htmlFor={`rollout-${status.instance.id}`}>
                Release for {status.instance.name}
              </label>
              <select
                id={`rollout-${status.instance.id}`}
                value={chosen[status.instance.id] ?? status.available[0]}
                onChange={(e) => setChosen({ ...chosen, [status.instance.id]: e.target.value })}
              >
                {status.available.map((v) => (
                  <option key={v} value={v}>
                    {v}
                  </option>
                ))}
              </select>
              <button type="button" disabled={action.busy} onClick={() => rollOut(status)}>
                Roll out to {status.instance.name}
              </button>
            </li>
          ))}
        </ul>
      )}
      {action.error ? <ErrorBox error={action.error} title="The rollout was refused" /> : null}
    </div>
  );
}
