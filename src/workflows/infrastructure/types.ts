/** A change to the infrastructure layer: planned together, tested by both parties, then final. */
export type InfrastructureChangeState = 'planned' | 'applied';
export type InfrastructureRisk = 'low' | 'medium' | 'high';
export type SignoffParty = 'provider' | 'customer';

export interface InfrastructureSignoff {
  userId: string;
  userName: string;
  party: SignoffParty;
  role: string;
  note: string;
  createdAt: string;
}

export interface InfrastructureChange {
  id: string;
  tenantId: string;
  title: string;
  why: string;
  changes: Record<string, unknown>;
  risk: InfrastructureRisk;
  windowStart: string;
  windowEnd: string;
  instanceIds: string[];
  state: InfrastructureChangeState;
  plannedBy: string;
  appliedBy: string | null;
  appliedAt: string | null;
  signoffs: InfrastructureSignoff[];
  /** Which parties have signed off their testing; applying needs both. */
  testedBy: { provider: boolean; customer: boolean };
  createdAt: string;
  updatedAt: string;
  version: number;
}
