import type { Role } from '../types';

/** A step the viewer may not take: shown, with who owns it, instead of a button. */
export function OwnedBy({ step, roles }: { step: string; roles: Role[] | string[] }) {
  return (
    <p className="owned-by">
      <span className="step-name">{step}</span> — owned by: <strong>{roles.join(', ')}</strong>
    </p>
  );
}
