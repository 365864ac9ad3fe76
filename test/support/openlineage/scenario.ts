// The policy's scenario lives with the product (the demo seeds it); tests import it from here.
export {
  AIRFLOW_PRODUCER,
  COMMITS,
  DBT_PRODUCER,
  DEFAULT_SCENARIO,
  INSTANCE_ID,
  NAMESPACE,
  NOW,
  OWNERSHIP,
  pipelineRunEvents,
  PIPELINES,
  REVISIONS,
  scenarioEvents,
  scenarioNdjson,
  stableRunId,
} from '../../../src/workflows/evidence/scenario.js';
export type { Json, PipelineSpec, ScenarioOptions } from '../../../src/workflows/evidence/scenario.js';
