// Where the image workflow's requests live: on the API (src/api/routes/image.ts) and in the dashboard (App.tsx).
import { api, seg } from './api';
import type { ImageChange } from './image-types';
import { navigate } from './router';
import type { Instance } from './types';

export type ChangeKind = ImageChange['kind'];

/** A request in a list, with the instance it changes. */
export interface ListedChange {
  change: ImageChange;
  instance: Instance;
}

interface ChangePages {
  /** The dashboard page listing them, and its name in the navigation. */
  list: { to: string; label: string };
  /** One request, in words. */
  noun: string;
  /** What a request's title starts with. */
  verb: string;
}

const PAGES: Record<ChangeKind, ChangePages> = {
  rollback: {
    list: { to: '/rollback-requests', label: 'Rollback requests' },
    noun: 'Rollback request',
    verb: 'Roll back',
  },
  upgrade: { list: { to: '/upgrades', label: 'Upgrades' }, noun: 'Upgrade request', verb: 'Upgrade' },
};

export function pagesOf(kind: ChangeKind): ChangePages {
  return PAGES[kind];
}

/** "Roll back dbt-core==1.10.* on acme-prod": the instance is left out where the page already names it. */
export function changeTitle(change: ImageChange, instanceName?: string): string {
  const requests = change.requests.join(', ');
  return `${PAGES[change.kind].verb} ${requests}${instanceName ? ` on ${instanceName}` : ''}`;
}

export function changePagePath(change: ImageChange): string {
  return `${PAGES[change.kind].list.to}/${seg(change.id)}`;
}

export function instanceRequestsPath(kind: ChangeKind, instanceId: string): string {
  return `/api/v1/instances/${seg(instanceId)}/image/${kind}-requests`;
}

/** One request; each step on it is posted below this path. */
export function requestPath(kind: ChangeKind, id: string): string {
  return `/api/v1/${kind}-requests/${seg(id)}`;
}

/** The server lists requests per instance; the dashboard shows them all, newest first. */
export async function loadRequestsOfAllInstances(
  kind: ChangeKind,
): Promise<{ instances: Instance[]; rows: ListedChange[] }> {
  const { instances } = await api<{ instances: Instance[] }>('/api/v1/instances');
  const lists = await Promise.all(
    instances.map(async (instance) => {
      const body = await api<{ requests: ImageChange[] }>(instanceRequestsPath(kind, instance.id));
      return body.requests.map((change) => ({ change, instance }));
    }),
  );
  const rows = lists.flat().sort((a, b) => b.change.createdAt.localeCompare(a.change.createdAt));
  return { instances, rows };
}

/** Makes a request on an instance (the server reviews it before answering) and opens its page. */
export async function requestChange(kind: ChangeKind, instanceId: string, body: object): Promise<void> {
  const created = await api<ImageChange>(instanceRequestsPath(kind, instanceId), { method: 'POST', body });
  navigate(changePagePath(created));
}
