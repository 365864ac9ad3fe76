import type { Instance } from '../../types';

/** Instances named with their kind: people pick "acme-prod (production)", not an id. */
export function InstanceSelect({
  id,
  instances,
  value,
  onChange,
}: {
  id: string;
  instances: Instance[];
  /** The chosen instance's id. */
  value: string;
  onChange: (id: string) => void;
}) {
  return (
    <select id={id} value={value} onChange={(e) => onChange(e.target.value)}>
      {instances.map((i) => (
        <option key={i.id} value={i.id}>
          {i.name} ({i.kind})
        </option>
      ))}
    </select>
  );
}
