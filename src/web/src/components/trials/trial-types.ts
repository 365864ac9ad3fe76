/** A trial as GET /api/v1/instances/{id}/image/trials answers it (src/workflows/trial/trials.ts, TrialView). */
export interface Deprecation {
  name: string;
  code: string;
  message: string;
}

export interface ProjectResult {
  name: string;
  owners: string[];
  commit: string | null;
  commitSource?: 'evidence' | 'branch-head' | 'branch-head-fallback';
  commitNote?: string | null;
  current: { ok: boolean; error: string | null };
  candidate: { ok: boolean; error: string | null; deprecations: Deprecation[] };
  verdict: 'breaks' | 'fixes' | 'unaffected' | 'still-broken';
}

export interface Trial {
  id: string;
  instanceId: string;
  state: 'queued' | 'running' | 'succeeded' | 'failed' | 'cancelled';
  requests: string[];
  progress: { done: number; total: number; step: string };
  result: {
    changes: { name: string; from: string | null; to: string | null }[];
    projects: ProjectResult[];
    logs: Record<string, { current: string[]; candidate: string[] }>;
  } | null;
  error: string | null;
  createdAt: string;
  updatedAt: string;
}
