/**
 * The work the workflows send off the event loop (src/offload runs it): each entry a pure function
 * of cloneable input. Worker threads load this module by its URL (offload.ts names it), so it
 * lives here, above the workflows it draws from, and offload/ imports none of them.
 */
import { classifyChangeImpact, parseDbtProject } from '../impact/index.js';
import { prepareRunEvents } from './evidence/prepare.js';
import { planImageFromSource } from './image/plan-task.js';

export const tasks = {
  /** dbt_project.yml text -> project name and require-dbt-version (the `yaml` package is superlinear on some inputs). */
  'dbt-project': parseDbtProject,
  /** An OpenLineage batch (text or bytes) -> validated, attributed rows ready to insert. */
  'lineage-batch': prepareRunEvents,
  /** An image plan against a package source named by its ref (URL or find-links folder). */
  'image-plan': planImageFromSource,
  /** The impact report over an instance's run evidence (thousands of runs take 100+ ms). */
  'impact-classify': classifyChangeImpact,
};
