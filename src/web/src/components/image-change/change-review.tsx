import type { ImageChange } from '../../image-types';
import { Section } from '../section';
import { Availability } from './availability';
import { DependencyReview } from './dependency-review';

/** What the report found: anything that blocks approval, what moves with the request, what can be installed. */
export function ChangeReview({
  change,
  reviewTitle,
  reviewId,
}: {
  change: ImageChange;
  /** An upgrade calls its dependency review the plan. */
  reviewTitle: string;
  reviewId: string;
}) {
  const { blockers } = change.report;
  return (
    <>
      {blockers.length > 0 ? (
        <div className="problem" role="alert">
          <p className="problem-title">Approval is blocked</p>
          <ul>
            {blockers.map((blocker) => (
              <li key={blocker}>{blocker}</li>
            ))}
          </ul>
        </div>
      ) : null}
      <div className="two-col">
        <Section title={reviewTitle} id={reviewId}>
          <DependencyReview change={change} />
        </Section>
        <Section title="Availability" id="availability">
          <Availability change={change} />
        </Section>
      </div>
    </>
  );
}
