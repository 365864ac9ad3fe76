/**
 * The response schemas and the types the workflows return, proven one shape at compile time
 * (same-shape.ts). Kept apart from the schemas so the wire types (../wire.ts) never pull the server's
 * workflows into the dashboard's type check.
 */
import type { z } from 'zod';
import type { ImpactReport } from '../../impact/index.js';
import type { ImpactAnswer, OutcomesHistory } from '../../workflows/evidence/index.js';
import type {
  DefectView,
  ForwardFixFollowUp,
  ImageChangeRecord,
  ImageChangeView,
  ImageDiffEntry,
  ListedImageChange,
  ImageOverview,
  ImportedImage,
  ImageRequestRights,
  InstanceDeployerView,
  RollbackPin,
} from '../../workflows/index.js';
import type { TrialView } from '../../workflows/trial/index.js';
import type { DefectBody } from './defect.js';
import type { InstanceDeployerBody } from './deployer.js';
import type {
  ForwardFixFollowUpBody,
  ImageChangeBody,
  ImageChangeViewBody,
  ImportedImageBody,
  ImageDiffEntryBody,
  ImageOverviewBody,
  ListedImageChangeBody,
  RollbackPinBody,
} from './image.js';
import type { ImpactAnswerBody, ImpactReportBody } from './impact.js';
import type { ImageRequestRightsBody } from './me.js';
import type { OutcomesHistoryBody } from './outcomes.js';
import type { Agrees, SameShape } from './same-shape.js';
import type { TrialBody } from './trial.js';

export type ResponsesAgreeWithWorkflows = [
  Agrees<SameShape<ImageChangeBody, ImageChangeRecord>>,
  Agrees<SameShape<ImageChangeViewBody, ImageChangeView>>,
  Agrees<SameShape<ListedImageChangeBody, ListedImageChange>>,
  Agrees<SameShape<RollbackPinBody, RollbackPin>>,
  // `revision` is the Revision entity, described once in ../schema.ts (RevisionBody).
  Agrees<SameShape<Omit<ImportedImageBody, 'revision'>, Omit<ImportedImage, 'revision'>>>,
  Agrees<SameShape<ForwardFixFollowUpBody, ForwardFixFollowUp>>,
  Agrees<SameShape<z.infer<typeof ImageDiffEntryBody>, ImageDiffEntry>>,
  // `current` is the Revision entity, described once in ../schema.ts (RevisionBody).
  Agrees<SameShape<Omit<ImageOverviewBody, 'current'>, Omit<ImageOverview, 'current'>>>,
  Agrees<SameShape<ImpactReportBody, ImpactReport>>,
  Agrees<SameShape<ImpactAnswerBody, ImpactAnswer>>,
  Agrees<SameShape<OutcomesHistoryBody, OutcomesHistory>>,
  Agrees<SameShape<TrialBody, TrialView>>,
  Agrees<SameShape<InstanceDeployerBody, InstanceDeployerView>>,
  Agrees<SameShape<DefectBody, DefectView>>,
  Agrees<SameShape<z.infer<typeof ImageRequestRightsBody>, ImageRequestRights>>,
];
