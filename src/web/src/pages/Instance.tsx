import { useState } from 'react';
import { api, ApiError, download, seg } from '../api';
import { useAsync } from '../async';
import { fill, firstOffered, useCapabilities } from '../capabilities';
import { Empty, ErrorBox, Loading, Section, StatusBadge, Table, When } from '../components';
import { InstanceStatusStrip } from '../components/status-strip';
import { TrialsPanel } from '../components/trials';
import { currentRevision, LAYER_TITLE, summarise } from '../layers';
import { Link } from '../router';
import type {
  ImageContent,
  InfrastructureContent,
  Instance,
  Layer,
  Me,
  PlatformContent,
  ListedRevision as Revision,
  Tenant,
} from '../types';
import { LAYERS } from '../layers';
import { InstanceEvidence } from './Outcomes';
import { InstanceRollbackRequests } from './RollbackRequest';

interface InstanceData {
  instance: Instance;
  tenant: Tenant | null;
  revisions: Record<Layer, Revision[]>;
}

// Lockfile downloads; the first template the server offers is used.
const LOCKFILES = [
  {
    file: 'requirements.txt',
    templates: [
      '/api/v1/instances/{}/image/requirements.txt',
      '/api/v1/instances/{}/layers/image/revisions/{}/requirements.txt',
    ],
  },
  {
    file: 'pylock.toml',
    templates: [
      '/api/v1/instances/{}/image/pylock.toml',
      '/api/v1/instances/{}/layers/image/revisions/{}/pylock.toml',
    ],
  },
];

export function InstancePage({ me, id }: { me: Me; id: string }) {
  const data = useAsync<InstanceData>(async () => {
    const instance = await api<Instance>(`/api/v1/instances/${seg(id)}`);
    const tenant = await api<Tenant>(`/api/v1/tenants/${seg(instance.tenantId)}`).catch(() => null);
    const entries = await Promise.all(
      LAYERS.map(
        async (layer) =>
          [
            layer,
            (
              await api<{ revisions: Revision[] }>(
                `/api/v1/instances/${seg(instance.id)}/layers/${layer}/revisions`,
              )
            ).revisions,
          ] as const,
      ),
    );
    return { instance, tenant, revisions: Object.fromEntries(entries) as Record<Layer, Revision[]> };
  }, [id]);

  if (data.state === 'loading') return <Loading what="the instance" />;
  if (data.state === 'error') {
    if (data.error.status === 404) {
      return (
        <div className="empty" role="alert">
          <h1>Instance not found</h1>
          <p>{data.error.problem.detail ?? `There is no instance "${id}" that you may see.`}</p>
          <p>
            <Link to="/">Back to your instances</Link>
          </p>
        </div>
      );
    }
    return <ErrorBox error={data.error} />;
  }
  const { instance, tenant, revisions } = data.data;
  const image = currentRevision(revisions.image);
  const platform = currentRevision(revisions.platform);
  return (
    <>
      <p className="breadcrumb">
        <Link to="/">{tenant?.name ?? 'Fleet'}</Link> / {instance.name}
      </p>
      <h1>
        {instance.name} <span className="badge badge-kind">{instance.kind}</span>
      </h1>
      <p className="lede">
        {tenant ? `${tenant.name} · ` : ''}
        {instance.namespaces.length > 0 ? `namespaces ${instance.namespaces.join(', ')}` : 'no namespaces'}
      </p>

      <div className="layer-grid">
        {LAYERS.map((layer) => {
          const current = currentRevision(revisions[layer]);
          return (
            <div key={layer} className="card layer-card">
              <h2 className="h3">{LAYER_TITLE[layer]}</h2>
              <p className="big wrap">{summarise(layer, current)}</p>
              <p className="muted small">
                {current ? `revision ${String(current.number)}, deployed ` : 'nothing deployed yet'}
                {current ? <When at={current.statusChangedAt ?? current.createdAt} /> : null}
              </p>
            </div>
          );
        })}
      </div>

      <InstanceStatusStrip instanceId={instance.id} />

      <Section title="Timeline" id="timeline">
        <Timeline revisions={revisions} />
      </Section>

      <div className="two-col">
        <Section title="Current image" id="image">
          {image ? (
            <ImagePackages revision={image} instance={instance} />
          ) : (
            <Empty>No image deployed yet.</Empty>
          )}
        </Section>
        <Section title="Platform release" id="platform">
          {platform ? (
            <PlatformRelease revision={platform} />
          ) : (
            <Empty>No platform release deployed yet.</Empty>
          )}
        </Section>
      </div>

      <Section title="Infrastructure changes" id="infrastructure">
        <InfrastructureHistory revisions={revisions.infrastructure} />
      </Section>

      <InstanceRollbackRequests me={me} instance={instance} image={image} />

      <TrialsPanel me={me} instance={instance} />

      <Section title="Pipeline outcomes per image revision" id="outcomes">
        <InstanceEvidence instance={instance} imageRevisions={revisions.image} />
      </Section>
    </>
  );
}

function Timeline({ revisions }: { revisions: Record<Layer, Revision[]> }) {
  const all = LAYERS.flatMap((layer) => revisions[layer]).sort((a, b) =>
    b.createdAt === a.createdAt ? b.number - a.number : b.createdAt.localeCompare(a.createdAt),
  );
  if (all.length === 0) return <Empty>No revisions recorded on any layer yet.</Empty>;
  return (
    <ol className="timeline" aria-label="Revisions on all three layers, newest first">
      {all.map((revision) => (
        <li key={revision.id} className={`timeline-item layer-${revision.layer}`} data-testid="timeline-item">
          <div className="timeline-head">
            <span className={`layer-tag layer-tag-${revision.layer}`}>{LAYER_TITLE[revision.layer]}</span>
            <strong>revision {revision.number}</strong>
            <StatusBadge status={revision.status} />
            {revision.rollbackOf !== null ? (
              <span className="badge badge-pending">rollback to r{revision.rollbackOf}</span>
            ) : null}
            <span className="muted small">
              <When at={revision.createdAt} /> · by{' '}
              {revision.actorName ? `${revision.actorName}, ${revision.actorRole}` : revision.actorRole}
            </span>
          </div>
          <p className="wrap">{summarise(revision.layer, revision)}</p>
          <p className="why">
            <span className="muted">Why: </span>
            {revision.reason}
          </p>
        </li>
      ))}
    </ol>
  );
}

/** The image's package source as the server words it (`packageSource.display`), as `image show` prints it. */
function PackageSource({ instance }: { instance: Instance }) {
  const overview = useAsync(
    () => api<{ packageSource?: { display: string } }>(`/api/v1/instances/${seg(instance.id)}/image`),
    [instance.id],
  );
  if (overview.state !== 'ready') return <span className="muted">…</span>;
  return <span className="wrap">{overview.data.packageSource?.display ?? 'unknown'}</span>;
}

function ImagePackages({ revision, instance }: { revision: Revision; instance: Instance }) {
  const capabilities = useCapabilities();
  const [error, setError] = useState<ApiError | null>(null);
  const content = revision.content as ImageContent;
  return (
    <>
      <p className="muted small">
        revision {revision.number} · Python {content.python} · built on platform {content.platform} · package
        source <PackageSource instance={instance} />
      </p>
      {content.packages.length === 0 ? (
        <Empty>The image pins no packages.</Empty>
      ) : (
        <Table className="packages" caption="Pinned packages" columns={['Package', 'Version']}>
          {content.packages.map((pin) => (
            <tr key={pin.name}>
              <td className="wrap">{pin.name}</td>
              <td className="wrap mono">{pin.version}</td>
            </tr>
          ))}
        </Table>
      )}
      <div className="downloads">
        {LOCKFILES.map(({ file, templates }) => {
          const template = firstOffered(capabilities, templates);
          if (!template) {
            return (
              <span key={file} className="muted small">
                {file}: not available on this server
              </span>
            );
          }
          const path = fill(template, instance.id, String(revision.number));
          return (
            <button
              key={file}
              type="button"
              onClick={() => {
                setError(null);
                download(path, file).catch((e: unknown) => e instanceof ApiError && setError(e));
              }}
            >
              Download {file}
            </button>
          );
        })}
      </div>
      {error ? <ErrorBox error={error} title="Download failed" /> : null}
    </>
  );
}

function PlatformRelease({ revision }: { revision: Revision }) {
  const content = revision.content as PlatformContent;
  return (
    <>
      <p className="big">Release {content.version}</p>
      <dl className="components">
        {Object.entries(content.components).map(([name, version]) => (
          <div key={name}>
            <dt>{name}</dt>
            <dd className="mono wrap">{version}</dd>
          </div>
        ))}
      </dl>
      <p className="muted small">
        Platform releases only move forward: a defect is fixed by a new release, never by going back.
      </p>
    </>
  );
}

function InfrastructureHistory({ revisions }: { revisions: Revision[] }) {
  if (revisions.length === 0) return <Empty>No infrastructure changes recorded.</Empty>;
  return (
    <ul className="plain-list">
      {[...revisions].reverse().map((revision) => {
        const content = revision.content as InfrastructureContent;
        return (
          <li key={revision.id}>
            <strong>r{revision.number}</strong> <StatusBadge status={revision.status} />{' '}
            <span className="wrap">{content.description}</span>
            <div className="muted small mono wrap">{JSON.stringify(content.changes)}</div>
          </li>
        );
      })}
    </ul>
  );
}
