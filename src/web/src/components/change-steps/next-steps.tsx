import { Fragment, useState } from 'react';
import type { ReactNode } from 'react';
import { api } from '../../api';
import { useAction } from '../../async';
import type { ImageChange, ImageNextStep, ListedImageChange } from '../../image-types';
import { Confirmation } from '../confirmation';
import { ErrorBox } from '../feedback';
import { OwnedBy } from '../owned-by';
import { TextAreaField } from '../form';
import { STEP_TONES } from './steps';
import type { StepName } from './steps';

/**
 * The steps the server says the change may take now (`nextSteps`): buttons for the ones the viewer
 * may take, the owners of the others, and one text box per distinct input the viewer's steps need
 * (approve and reject share "Review note").
 */
export function NextSteps({
  change,
  intros = {},
  idle,
  onDone,
}: {
  change: ListedImageChange;
  /** What the viewer must read before taking a step of theirs (the acceptance's terms). */
  intros?: Partial<Record<StepName, (change: ImageChange) => ReactNode>>;
  /** Shown instead when no step is waiting. */
  idle: ReactNode;
  onDone: () => void;
}) {
  const [texts, setTexts] = useState<Record<string, string>>({});
  const [acknowledged, setAcknowledged] = useState<Record<string, boolean>>({});
  const action = useAction();
  // Issue 17: a step says what it did; kept across the reload that follows it.
  const [done, setDone] = useState<string | null>(null);
  const waiting = change.nextSteps;
  const mine = waiting.filter((s) => s.allowed);
  const others = waiting.filter((s) => !s.allowed);
  const inputs = [
    ...new Map(mine.flatMap((s) => (s.input ? [[s.input.label, s.input] as const] : []))).values(),
  ];

  async function take(step: ImageNextStep): Promise<void> {
    const value = step.input ? (texts[step.input.label] ?? '').trim() : '';
    if (step.input?.required && value === '') {
      action.refuse(`“${step.label}” needs a ${step.input.label.toLowerCase()}: write it in the box above.`);
      return;
    }
    if (step.acknowledge !== null && acknowledged[step.step] !== true) {
      action.refuse(`“${step.label}” needs your acknowledgement: tick the box above.`);
      return;
    }
    const body: Record<string, unknown> = { ...step.body };
    if (step.input && value !== '') body[step.input.field] = value;
    if (step.acknowledge !== null) body['acknowledgeBreaks'] = true;
    setDone(null);
    await action.run(async () => {
      const after = await api<Partial<ImageChange> | undefined>(step.path, { method: step.method, body });
      setTexts({});
      setAcknowledged({});
      setDone(`${step.label}: done.${after?.state ? ` The ${change.kind} is now ${after.state}.` : ''}`);
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
      {mine.map((s) => {
        const intro = intros[s.step];
        return intro ? <Fragment key={s.step}>{intro(change)}</Fragment> : null;
      })}
      {inputs.map((input) => (
        <TextAreaField
          key={input.label}
          id={`step-${input.field}`}
          label={`${input.label}${input.required ? '' : ' (optional)'}`}
          value={texts[input.label] ?? ''}
          onChange={(text) => setTexts({ ...texts, [input.label]: text })}
        />
      ))}
      {mine.map((s) =>
        s.acknowledge === null ? null : (
          <label key={`ack-${s.step}`} className="acknowledge">
            <input
              type="checkbox"
              checked={acknowledged[s.step] === true}
              onChange={(e) => setAcknowledged({ ...acknowledged, [s.step]: e.target.checked })}
            />{' '}
            {s.acknowledge}
          </label>
        ),
      )}
      {mine.length > 0 ? (
        <div className="buttons">
          {mine.map((s) => (
            <button
              key={s.step}
              type="button"
              className={STEP_TONES[s.step] ?? ''}
              disabled={action.busy}
              onClick={() => void take(s)}
            >
              {s.label}
            </button>
          ))}
        </div>
      ) : null}
      {others.map((s) => (
        <OwnedBy key={s.step} step={s.label} roles={[...s.roles]} />
      ))}
      {action.error ? <ErrorBox error={action.error} title="The step was not taken" /> : null}
    </section>
  );
}
