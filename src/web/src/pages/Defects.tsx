import { api } from '../api';
import { useAsync } from '../async';
import { firstOffered, useCapabilities } from '../capabilities';
import { Empty, ErrorBox, Loading, NotAvailable } from '../components';
import type { JsonObject } from '../loose';
import { firstArray, text } from '../loose';
import type { Me } from '../types';

const DEFECTS = ['/api/v1/defects'];
const COLUMNS = ['reported', 'triaged', 'in-progress', 'fix-released', 'deployed', 'resolved', 'closed'];
const SEVERITY_NAME: Record<string, string> = {
  '1': 'S1 critical',
  '2': 'S2 major',
  '3': 'S3 minor',
  '4': 'S4 cosmetic',
};

export function DefectsPage({ me }: { me: Me }) {
  const capabilities = useCapabilities();
  const route = firstOffered(capabilities, DEFECTS);
  return (
    <>
      <h1>Defects</h1>
      <p className="lede">
        Platform defects move forward only: triage sets the severity, a hotfix ships as a new release, the
        customer confirms.
      </p>
      {route ? (
        <DefectBoard route={route} me={me} />
      ) : (
        <NotAvailable what="Defect tracking" route="GET /api/v1/defects" />
      )}
    </>
  );
}

function DefectBoard({ route }: { route: string; me: Me }) {
  const defects = useAsync(async () => firstArray(await api<unknown>(route)), [route]);
  if (defects.state === 'loading') return <Loading what="defects" />;
  if (defects.state === 'error') return <ErrorBox error={defects.error} />;
  if (defects.data.length === 0)
    return <Empty>No defects reported. Report one with `ratchet defects report`.</Empty>;
  const states = [...new Set([...COLUMNS, ...defects.data.map((d) => text(d, 'state') ?? 'unknown')])].filter(
    (state) => defects.data.some((d) => (text(d, 'state') ?? 'unknown') === state),
  );
  return (
    <div className="board">
      {states.map((state) => (
        <section key={state} className="board-column card" aria-labelledby={`col-${state}`}>
          <h2 id={`col-${state}`} className="h3">
            {state}
          </h2>
          <ul className="plain-list">
            {defects.data
              .filter((d) => (text(d, 'state') ?? 'unknown') === state)
              .map((defect) => (
                <DefectCard key={text(defect, 'id')} defect={defect} />
              ))}
          </ul>
        </section>
      ))}
    </div>
  );
}

function DefectCard({ defect }: { defect: JsonObject }) {
  const severity = text(defect, 'severity', 'suggestedSeverity');
  const breached = defect.slaBreached === true || defect.breached === true;
  return (
    <li className="defect">
      <p className="wrap">
        <strong>{text(defect, 'title') ?? text(defect, 'id')}</strong>
      </p>
      <p className="small">
        {severity ? (
          <span className="badge badge-kind">{SEVERITY_NAME[severity] ?? `S${severity}`}</span>
        ) : null}{' '}
        {breached ? <span className="badge badge-failed">SLA breached</span> : null}
      </p>
      {text(defect, 'observed') ? <p className="small wrap">{text(defect, 'observed')}</p> : null}
    </li>
  );
}
