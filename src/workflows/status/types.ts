/*
 * Wire shapes of an instance's status strip (issue 17, item 4): per layer, what runs and what is in
 * flight. No imports on purpose: the dashboard imports this file as types only.
 */

export type StripLayer = 'infrastructure' | 'platform' | 'image';

export type InFlightKind =
  | 'infrastructure-change'
  | 'defect'
  | 'rollback-pin'
  | 'forward-fix'
  | 'image-change'
  | 'trial'
  | 'deployment';

/** One thing under way on an instance. */
export interface InFlightItem {
  kind: InFlightKind;
  id: string;
  /** What it is: "Kubernetes 1.30 -> 1.31", "dbt-core held at 1.10.15". */
  title: string;
  /** Where it stands: planned, triaged, holding, open, approved, running, pending. */
  state: string;
  /** The rest in words: sign-offs and window, the SLA clock, the follow-up. */
  detail: string;
  /** Its deadline, when it has one: window start, SLA target, pin expiry. */
  due: string | null;
  /** An SLA clock ran out. */
  breached: boolean;
  /** Where its activity history is (GET /api/v1/changes/{kind}/{id}/activity); null for none. */
  change: { kind: 'rollback' | 'upgrade' | 'defect' | 'infrastructure'; id: string } | null;
}

export interface LayerStrip {
  layer: StripLayer;
  /** The deployed revision; null before anything was deployed. */
  current: { revision: number; summary: string; since: string } | null;
  inFlight: InFlightItem[];
}

export interface InstanceStrip {
  instance: { id: string; name: string; kind: string; tenantId: string; tenantSlug: string | null };
  layers: LayerStrip[];
  /** How many items are in flight over all layers. */
  inFlight: number;
}
