export type { DefectView } from './defects.js';
export {
  closeDefect,
  configureSeverity,
  getDefect,
  linkDefect,
  listDefects,
  listSeverities,
  reopenDefect,
  reportDefect,
  resolveDefect,
  startDefectFix,
  triageDefect,
} from './defects.js';
export type { SlaBreachNotice } from './sla.js';
export { checkSlaBreaches, checkSlaBreachesAs } from './sla.js';
export { CUSTOMER_EMAIL_CHANNEL, CUSTOMER_FALLBACK_CHANNEL, PROVIDER_ON_CALL } from './notifications.js';
export {
  CloseDefectInput,
  ConfigureSeverityInput,
  ConfirmDefectInput,
  LinkDefectInput,
  ListDefectsInput,
  ReopenDefectInput,
  ReportDefectInput,
  StartFixInput,
  TriageDefectInput,
} from './schema.js';
