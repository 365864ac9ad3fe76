import type { ListedImageChange } from '../../image-types';

/**
 * Where an image change stands on its way forward: the stages the server sends with the change
 * (`path`, read from the table the workflow enforces), each with the roles that own the step into it.
 */
export function ChangePath({ change }: { change: ListedImageChange }) {
  return (
    <ol className="progress" aria-label="Where this request stands">
      {change.path.map((stage) => (
        <li
          key={`${stage.state}-${stage.step}`}
          className={stage.status}
          aria-current={stage.status === 'current' ? 'step' : undefined}
        >
          <span className="progress-label">{stage.label}</span>
          <span className="muted small">{stage.roles.join(', ')}</span>
        </li>
      ))}
    </ol>
  );
}
