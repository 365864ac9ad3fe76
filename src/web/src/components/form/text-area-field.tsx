import type { ReactNode } from 'react';

/** A labelled text box in a form row; its `help` is read out with it (`aria-describedby`). */
export function TextAreaField({
  id,
  label,
  value,
  onChange,
  help,
  rows = 2,
  required,
  minLength,
  placeholder,
}: {
  id: string;
  label: ReactNode;
  value: string;
  onChange: (value: string) => void;
  help?: ReactNode;
  rows?: number;
  required?: boolean;
  minLength?: number;
  placeholder?: string;
}) {
  const helpId = help ? `${id}-help` : undefined;
  return (
    <div className="form-row">
      <label htmlFor={id}>{label}</label>
      <textarea
        id={id}
        rows={rows}
        value={value}
        required={required}
        minLength={minLength}
        placeholder={placeholder}
        aria-describedby={helpId}
        onChange={(e) => onChange(e.target.value)}
      />
      {help ? (
        <span id={helpId} className="muted small">
          {help}
        </span>
      ) : null}
    </div>
  );
}
