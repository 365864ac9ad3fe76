/*
 * Wire shapes of a change's activity history (issue 17, item 3). No imports on purpose: the
 * dashboard imports this file as types only, and the API's zod schemas are checked against it.
 */

/** The changes that carry an activity history. A platform release is named by its version. */
export type ChangeKind = 'rollback' | 'upgrade' | 'defect' | 'infrastructure' | 'platform-release';

export const CHANGE_KINDS: readonly ChangeKind[] = [
  'rollback',
  'upgrade',
  'defect',
  'infrastructure',
  'platform-release',
];

/** Who did it, by name; `userId` null for Ratchet itself (SLA checks, bootstrap). */
export interface ActivityActor {
  userId: string | null;
  name: string;
  role: string;
}

/** One step of a change, from one audit entry (linked by its seq and hash). */
export interface ActivityEntry {
  /** The audit entry's sequence number: `ratchet audit list --after <seq - 1>` shows it. */
  seq: number;
  /** The audit entry's hash in the chain. */
  auditHash: string;
  at: string;
  actor: ActivityActor;
  /** The audit action, e.g. `image.rollback.approve`. */
  action: string;
  /** What happened, in words: "approved the rollback". */
  summary: string;
  /** The note, reason or information given with the step; null when none was. */
  note: string | null;
  /** The report hash the step was bound to (requests, approvals, acceptance); null otherwise. */
  reportHash: string | null;
}

export interface ChangeActivity {
  kind: ChangeKind;
  id: string;
  /** A one-line title of the change. */
  title: string;
  /** Oldest first. */
  entries: ActivityEntry[];
}
