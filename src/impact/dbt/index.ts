export { DeclaredConstraint, ProjectConstraints } from './schema.js';
export type { DbtProject } from './project.js';
export {
  constraintsFromJson,
  constraintsOfDbtProject,
  excludingConstraints,
  parseDbtProject,
} from './project.js';
