import { useState } from 'react';
import type { FormEvent, ReactNode } from 'react';
import { api, seg } from '../api';
import { useAction, useAsync } from '../async';
import { offers, useCapabilities } from '../capabilities';
import { Empty, ErrorBox, IfOffered, Loading, OwnedBy, Section, When } from '../components';
import { Activity } from '../components/activity';
import { Confirmation } from '../components/confirmation';
import { InstanceSelect, TextAreaField } from '../components/form';
import { ShipHotfix } from '../components/hotfix';
import { Link } from '../router';
import type { Defect, Instance, Me, NextDefectStep } from '../types';
import { isProviderRole } from '../roles';

const DEFECTS = '/api/v1/defects';
const RELEASES = '/api/v1/platform/releases';
// src/domain/defects/types.ts: the forward-only defect process, in order (the board's columns).
const COLUMNS: Defect['state'][] = [
  'reported',
  'triaged',
  'fix-in-progress',
  'fix-in-test',
  'deployed',
  'resolved',
  'closed',
];

// The steps the board has a form for. Which of them a defect may take now, and whose each is, the
// server sends with the defect (nextSteps): the process is not written down here again.
const STEP_LABELS = {
  triage: 'Triage',
  close: 'Close',
  resolve: 'Confirm resolved',
  reopen: 'Reopen',
} as const satisfies Partial<Record<NextDefectStep['step'], string>>;
type StepName = keyof typeof STEP_LABELS;

function hasForm(next: NextDefectStep): next is NextDefectStep & { step: StepName } {
  return next.step in STEP_LABELS;
}

interface Severity {
  severity: number;
  name: string;
  definition: string;
}

interface BoardData {
  defects: Defect[];
  instances: Instance[];
  severities: Severity[];
  releases: string[];
}

export function DefectsPage({ me }: { me: Me }) {
  return (
    <>
      <h1>Defects</h1>
      <p className="lede">
        Platform defects are fixed forward: the customer reports, the provider triages and sets the severity,
        a hotfix ships as a new release, the customer confirms.
      </p>
      <IfOffered route={DEFECTS} what="Defect tracking">
        <DefectBoard me={me} />
      </IfOffered>
    </>
  );
}

function DefectBoard({ me }: { me: Me }) {
  const canReport = offers(useCapabilities(), DEFECTS, 'post');
  // At the board, not the card: a step moves its card to another column (a new component).
  const [done, setDone] = useState<string | null>(null);
  const data = useAsync(async (): Promise<BoardData> => {
    const [{ defects }, { instances }, severities, releases] = await Promise.all([
      api<{ defects: Defect[] }>(DEFECTS),
      api<{ instances: Instance[] }>('/api/v1/instances'),
      api<{ severities: Severity[] }>(`${DEFECTS}/severities`).then(
        (r) => r.severities,
        () => [],
      ),
      api<{ releases: { version: string }[] }>(RELEASES).then(
        (r) => r.releases.map((release) => release.version),
        () => [],
      ),
    ]);
    return { defects, instances, severities, releases };
  }, []);
  if (data.state === 'loading') return <Loading what="defects" />;
  if (data.state === 'error') return <ErrorBox error={data.error} />;
  const board = data.data;
  const { defects } = board;
  // Who may report one: GET /api/v1/me says, from the permission reportDefect asserts.
  const mayReport = me.may.reportDefect.allowed;
  const names = new Map(board.instances.map((i) => [i.id, i.name]));
  const states = [...new Set([...COLUMNS, ...defects.map((d) => d.state)])].filter((s) =>
    defects.some((d) => d.state === s),
  );
  const stepDone = (message: string): void => {
    setDone(message);
    data.reload();
  };
  return (
    <>
      <Confirmation message={done} />
      {mayReport && canReport ? (
        <ReportForm instances={board.instances} onDone={stepDone} />
      ) : mayReport ? null : (
        <OwnedBy step="Report a defect" roles={[...me.may.reportDefect.roles]} />
      )}
      {defects.length === 0 ? (
        <Empty>
          No defects reported.{' '}
          {mayReport
            ? 'Report one with the form above (or `ratchet defect report`, or POST /api/v1/defects).'
            : 'Customers report them through the support channel: the dashboard, the CLI or the API.'}
        </Empty>
      ) : (
        <div className="board">
          {states.map((state) => (
            <section key={state} className="board-column card" aria-labelledby={`col-${state}`}>
              <h2 id={`col-${state}`} className="h3">
                {state} ({defects.filter((d) => d.state === state).length})
              </h2>
              <ul className="plain-list">
                {defects
                  .filter((d) => d.state === state)
                  .map((defect) => (
                    <DefectCard
                      key={defect.id}
                      me={me}
                      defect={defect}
                      board={board}
                      instanceName={defect.instanceName ?? names.get(defect.instanceId)}
                      onDone={stepDone}
                    />
                  ))}
              </ul>
            </section>
          ))}
        </div>
      )}
      <ShipHotfix me={me} defects={defects} onDone={stepDone} />
    </>
  );
}

/** The support channel in the dashboard (policy: "Report the issue through the support channel"). */
function ReportForm({ instances, onDone }: { instances: Instance[]; onDone: (message: string) => void }) {
  const [instance, setInstance] = useState(instances[0]?.id ?? '');
  const [title, setTitle] = useState('');
  const [observed, setObserved] = useState('');
  const [since, setSince] = useState(() => new Date().toISOString().slice(0, 10));
  const { busy, error, run } = useAction();

  function submit(event: FormEvent): void {
    event.preventDefault();
    void run(async () => {
      await api(DEFECTS, { method: 'POST', body: { instance, title, observed, since } });
      setTitle('');
      setObserved('');
      onDone(`Reported “${title.trim()}”: the provider triages it and sets the severity.`);
    });
  }

  if (instances.length === 0) return <Empty>No instance to report a defect on.</Empty>;
  return (
    <Section title="Report a defect" id="report-defect">
      <p className="muted small">
        The support channel: this form, <code>ratchet defect report</code>, or <code>POST {DEFECTS}</code>.
        The provider triages it and fixes it forward in a hotfix release.
      </p>
      <form onSubmit={submit}>
        <div className="form-row">
          <label htmlFor="defect-instance">Affected instance</label>
          <InstanceSelect
            id="defect-instance"
            instances={instances}
            value={instance}
            onChange={setInstance}
          />
        </div>
        <div className="form-row">
          <label htmlFor="defect-title">Title</label>
          <input
            id="defect-title"
            value={title}
            minLength={3}
            maxLength={200}
            required
            onChange={(e) => setTitle(e.target.value)}
          />
        </div>
        <TextAreaField
          id="defect-observed"
          label="Observed behaviour"
          rows={3}
          value={observed}
          minLength={10}
          required
          help="What happens, the error, the affected pipelines (at least 10 characters)."
          onChange={setObserved}
        />
        <div className="form-row">
          <label htmlFor="defect-since">Since when</label>
          <input
            id="defect-since"
            type="date"
            value={since}
            required
            onChange={(e) => setSince(e.target.value)}
          />
        </div>
        <button type="submit" className="primary" disabled={busy}>
          Report defect
        </button>
      </form>
      {error ? <ErrorBox error={error} title="The defect was not reported" /> : null}
    </Section>
  );
}

function DefectCard({
  me,
  defect,
  board,
  instanceName,
  onDone,
}: {
  me: Me;
  defect: Defect;
  board: BoardData;
  instanceName: string | undefined;
  onDone: (message: string) => void;
}) {
  const severity = defect.severity ?? defect.suggestedSeverity;
  return (
    <li className="defect" data-testid="defect">
      <p className="wrap">
        <strong>{defect.title}</strong>
      </p>
      <p className="small">
        <span className="badge badge-kind">
          S{severity}
          {defect.severityName ? ` ${defect.severityName}` : ''}
          {defect.severity === null ? ' (suggested)' : ''}
        </span>{' '}
        on {isProviderRole(me.role) && defect.tenantSlug ? `${defect.tenantSlug} / ` : ''}
        {instanceName ? (
          <Link to={`/instances/${seg(defect.instanceId)}`}>{instanceName}</Link>
        ) : (
          defect.instanceId
        )}
      </p>
      <p className="small wrap">{defect.observed}</p>
      <p className="small muted">
        Since {defect.since.slice(0, 10)}
        {defect.assigneeUserId
          ? ` · assignee ${defect.assigneeUserId === me.userId ? 'you' : (defect.assigneeName ?? 'a provider engineer')}`
          : ''}
        {defect.regressedIn ? ` · regressed in ${defect.regressedIn}` : ''}
        {defect.reopenCount > 0 ? ` · reopened ${String(defect.reopenCount)}×` : ''}
      </p>
      {defect.closeReason ? (
        <p className="small wrap" data-testid="close-reason">
          <strong>Closed as {defect.closeOutcome ?? 'closed'}:</strong> {defect.closeReason}
        </p>
      ) : null}
      <ul className="small clocks" aria-label="SLA clocks">
        {defect.sla.map((clock) => (
          <li key={clock.clock}>
            {clock.clock}:{' '}
            {clock.breached ? (
              <span className="badge badge-failed">breached</span>
            ) : clock.metAt ? (
              <span className="badge badge-deployed">met</span>
            ) : (
              <span className="badge badge-pending">running</span>
            )}{' '}
            <span className="muted">
              target <When at={clock.targetAt} />
            </span>
          </li>
        ))}
      </ul>
      {defect.fixedByRelease ? <p className="small">Fixed by release {defect.fixedByRelease}</p> : null}
      <DefectSteps me={me} defect={defect} board={board} onDone={onDone} />
      <details className="step-details">
        <summary>Activity</summary>
        <Activity kind="defect" id={defect.id} version={defect.updatedAt} />
      </details>
    </li>
  );
}

function DefectSteps({
  me,
  defect,
  board,
  onDone,
}: {
  me: Me;
  defect: Defect;
  board: BoardData;
  onDone: (message: string) => void;
}) {
  const action = useAction();
  const open = defect.nextSteps.filter(hasForm);
  if (open.length === 0) return null;

  function run(step: StepName, body: Record<string, unknown>): Promise<void> {
    return action.run(async () => {
      const after = await api<Defect>(`${DEFECTS}/${seg(defect.id)}/${step}`, { method: 'POST', body });
      onDone(stepMessage(step, after));
    });
  }

  const forms: Record<StepName, ReactNode> = {
    triage: <TriageForm me={me} defect={defect} board={board} busy={action.busy} run={run} />,
    close: (
      <CloseForm
        defect={defect}
        others={board.defects.filter((d) => d.id !== defect.id && d.tenantId === defect.tenantId)}
        busy={action.busy}
        run={(body) => run('close', body)}
      />
    ),
    resolve: (
      <button
        type="button"
        className="primary"
        disabled={action.busy}
        onClick={() => void run('resolve', {})}
      >
        Confirm resolved
      </button>
    ),
    reopen: (
      <TextStep
        id={`reopen-${defect.id}`}
        label="Why it is not fixed"
        button="Reopen"
        busy={action.busy}
        run={(reason) => run('reopen', { reason })}
      />
    ),
  };
  return (
    <div className="defect-steps">
      {open.map(({ step, roles }) =>
        roles.includes(me.role) ? (
          <details key={step} className="step-details">
            <summary>{STEP_LABELS[step]}…</summary>
            {forms[step]}
          </details>
        ) : (
          <OwnedBy key={step} step={STEP_LABELS[step]} roles={[...roles]} />
        ),
      )}
      {action.error ? <ErrorBox error={action.error} title="The step was not taken" /> : null}
    </div>
  );
}

function TriageForm({
  me,
  defect,
  board,
  busy,
  run,
}: {
  me: Me;
  defect: Defect;
  board: BoardData;
  busy: boolean;
  run: (step: StepName, body: Record<string, unknown>) => Promise<void>;
}) {
  const [severity, setSeverity] = useState(String(defect.severity ?? defect.suggestedSeverity));
  const [assignee, setAssignee] = useState(
    defect.assigneeUserId ?? (isProviderRole(me.role) ? me.userId : ''),
  );
  const [regressedIn, setRegressedIn] = useState(defect.regressedIn ?? '');
  const id = `triage-${defect.id}`;
  const severities =
    board.severities.length > 0
      ? board.severities
      : [1, 2, 3, 4].map((s) => ({ severity: s, name: `S${String(s)}`, definition: '' }));
  return (
    <form
      onSubmit={(e) => {
        e.preventDefault();
        void run('triage', {
          severity: Number(severity),
          ...(assignee ? { assignee } : {}),
          ...(regressedIn ? { regressedIn } : {}),
        });
      }}
    >
      <div className="form-row">
        <label htmlFor={`${id}-severity`}>Severity</label>
        <select id={`${id}-severity`} value={severity} onChange={(e) => setSeverity(e.target.value)}>
          {severities.map((s) => (
            <option key={s.severity} value={s.severity} title={s.definition}>
              {s.severity} — {s.name}
            </option>
          ))}
        </select>
      </div>
      <div className="form-row">
        <label htmlFor={`${id}-assignee`}>Assignee</label>
        <select id={`${id}-assignee`} value={assignee} onChange={(e) => setAssignee(e.target.value)}>
          <option value="">(unassigned)</option>
          <option value={me.userId}>{me.name} (you)</option>
          {defect.assigneeUserId && defect.assigneeUserId !== me.userId ? (
            <option value={defect.assigneeUserId}>{defect.assigneeName ?? defect.assigneeUserId}</option>
          ) : null}
        </select>
      </div>
      <div className="form-row">
        <label htmlFor={`${id}-regressed`}>Regressed in release</label>
        <select id={`${id}-regressed`} value={regressedIn} onChange={(e) => setRegressedIn(e.target.value)}>
          <option value="">(unknown)</option>
          {board.releases.map((version) => (
            <option key={version} value={version}>
              {version}
            </option>
          ))}
        </select>
      </div>
      <button type="submit" className="primary" disabled={busy}>
        Save triage
      </button>
    </form>
  );
}

/** Closing without a fix: not a defect, or a duplicate of another defect; the reason is shown to the customer. */
function CloseForm({
  defect,
  others,
  busy,
  run,
}: {
  defect: Defect;
  others: Defect[];
  busy: boolean;
  run: (body: Record<string, unknown>) => Promise<void>;
}) {
  const [as, setAs] = useState<'not-a-defect' | 'duplicate'>('not-a-defect');
  const [duplicateOf, setDuplicateOf] = useState(others[0]?.id ?? '');
  const [reason, setReason] = useState('');
  const id = `close-${defect.id}`;
  return (
    <form
      onSubmit={(e) => {
        e.preventDefault();
        void run({ as, reason: reason.trim(), ...(as === 'duplicate' ? { duplicateOf } : {}) });
      }}
    >
      <div className="form-row">
        <label htmlFor={`${id}-as`}>Close as</label>
        <select
          id={`${id}-as`}
          value={as}
          onChange={(e) => setAs(e.target.value === 'duplicate' ? 'duplicate' : 'not-a-defect')}
        >
          <option value="not-a-defect">not a defect</option>
          {others.length > 0 ? <option value="duplicate">duplicate</option> : null}
        </select>
      </div>
      {as === 'duplicate' ? (
        <div className="form-row">
          <label htmlFor={`${id}-of`}>Duplicate of</label>
          <select id={`${id}-of`} value={duplicateOf} onChange={(e) => setDuplicateOf(e.target.value)}>
            {others.map((d) => (
              <option key={d.id} value={d.id}>
                {d.title}
              </option>
            ))}
          </select>
        </div>
      ) : null}
      <TextAreaField
        id={`${id}-reason`}
        label="Reason the customer sees"
        value={reason}
        required
        onChange={setReason}
      />
      <button type="submit" disabled={busy}>
        Close
      </button>
    </form>
  );
}

/** A step that needs a sentence from the viewer. */
function TextStep({
  id,
  label,
  button,
  busy,
  run,
}: {
  id: string;
  label: string;
  button: string;
  busy: boolean;
  run: (text: string) => Promise<void>;
}) {
  const [value, setValue] = useState('');
  return (
    <form
      onSubmit={(e) => {
        e.preventDefault();
        void run(value.trim());
      }}
    >
      <TextAreaField id={`${id}-text`} label={label} value={value} required onChange={setValue} />
      <button type="submit" disabled={busy}>
        {button}
      </button>
    </form>
  );
}

/** What a step did, in words, for the confirmation above the board. */
function stepMessage(step: StepName, defect: Defect): string {
  const title = `“${defect.title}”`;
  switch (step) {
    case 'triage':
      return `Triaged ${title}: severity ${String(defect.severity ?? '')}${defect.assigneeName ? `, assigned to ${defect.assigneeName}` : ''}.`;
    case 'close':
      return `Closed ${title} as ${defect.closeOutcome ?? 'closed'}; the customer sees the reason.`;
    case 'resolve':
      return `Confirmed ${title} resolved.`;
    case 'reopen':
      return `Reopened ${title}: it is back with the provider (${defect.state}).`;
  }
}
