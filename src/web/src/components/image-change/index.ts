export { ChangeHeader } from './change-header';
export { ChangeRecord } from './change-record';
export { ChangeReview } from './change-review';
export { Impact } from './impact';
export { RequestLoadError } from './request-load-error';
export { RequestTable } from './request-table';
export { SubmitRequest } from './submit-request';
export { ProjectEvidenceTable, TrialReview, trialRunning, usePollWhileTrialRuns } from './trial';
