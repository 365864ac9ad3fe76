import { Fragment, useState } from 'react';
import type { ReactNode } from 'react';
import { api } from '../../api';
import { useAction } from '../../async';
import type { ImageChange } from '../../image-types';
import type { Me } from '../../types';
import { Confirmation } from '../confirmation';
import { ErrorBox } from '../feedback';
import { OwnedBy } from '../owned-by';
import { TextAreaField } from '../form';
import { stepLabel } from './steps';
import type { ChangeStep } from './steps';

/**
 * The steps waiting on a change: buttons for the viewer's own, the owners of the others, and one
 * text box per distinct input the viewer's steps need (approve and reject share "Review note").
 */
export function NextSteps({
  me,
  change,
  steps,
  idle,
  onDone,
}: {
  me: Me;
  change: ImageChange;
  /** The workflow's steps; those waiting in the change's state are offered. */
  steps: ChangeStep[];
  /** Shown instead when no step is waiting. */
  idle: ReactNode;
  onDone: () => void;
}) {
  const [texts, setTexts] = useState<Record<string, string>>({});
  const [acknowledged, setAcknowledged] = useState<Record<string, boolean>>({});
  const action = useAction();
  // Issue 17: a step says what it did; kept across the reload that follows it.
  const [done, setDone] = useState<string | null>(null);
  const waiting = steps.filter((s) => s.from.includes(change.state));
  const mine = waiting.filter((s) => s.owners.includes(me.role));
  const others = waiting.filter((s) => !s.owners.includes(me.role));
  const inputs = [
    ...new Map(mine.flatMap((s) => (s.input ? [[s.input.label, s.input] as const] : []))).values(),
  ];

  async function take(step: ChangeStep): Promise<void> {
    const value = step.input ? (texts[step.input.label] ?? '').trim() : '';
    if (step.input?.required && value === '') {
      action.refuse(
        `“${stepLabel(step, change)}” needs a ${step.input.label.toLowerCase()}: write it in the box above.`,
      );
      return;
    }
    const statement = step.acknowledge?.(change) ?? null;
    if (statement !== null && acknowledged[step.step] !== true) {
      action.refuse(`“${stepLabel(step, change)}” needs your acknowledgement: tick the box above.`);
      return;
    }
    const body = { ...step.body?.(change) };
    if (step.input && value !== '') body[step.input.field] = value;
    if (statement !== null) body['acknowledgeBreaks'] = true;
    setDone(null);
    await action.run(async () => {
      const after = await api<Partial<ImageChange> | undefined>(step.route(change), { method: 'POST', body });
      setTexts({});
      setAcknowledged({});
      setDone(
        `${stepLabel(step, change)}: done.${after?.state ? ` The ${change.kind} is now ${after.state}.` : ''}`,
      );
      onDone();
    });
  }

  if (waiting.length === 0)
    return (
      <>
        <Confirmation message={done} />
        {idle}
      </>
    );
  return (
    <section className="card next-steps" aria-labelledby="next-steps-heading">
      <h2 id="next-steps-heading">Next step</h2>
      <Confirmation message={done} />
      {mine.map((s) => (s.intro ? <Fragment key={s.step}>{s.intro(change)}</Fragment> : null))}
      {inputs.map((input) => (
        <TextAreaField
          key={input.label}
          id={`step-${input.field}`}
          label={`${input.label}${input.required ? '' : ' (optional)'}`}
          value={texts[input.label] ?? ''}
          onChange={(text) => setTexts({ ...texts, [input.label]: text })}
        />
      ))}
      {mine.map((s) => {
        const statement = s.acknowledge?.(change) ?? null;
        return statement === null ? null : (
          <label key={`ack-${s.step}`} className="acknowledge">
            <input
              type="checkbox"
              checked={acknowledged[s.step] === true}
              onChange={(e) => setAcknowledged({ ...acknowledged, [s.step]: e.target.checked })}
            />{' '}
            {statement}
          </label>
        );
      })}
      {mine.length > 0 ? (
        <div className="buttons">
          {mine.map((s) => (
            <button
              key={s.step}
              type="button"
              className={s.tone ?? ''}
              disabled={action.busy}
              onClick={() => void take(s)}
            >
              {stepLabel(s, change)}
            </button>
          ))}
        </div>
      ) : null}
      {others.map((s) => (
        <OwnedBy key={s.step} step={stepLabel(s, change)} roles={s.owners} />
      ))}
      {action.error ? <ErrorBox error={action.error} title="The step was not taken" /> : null}
    </section>
  );
}
