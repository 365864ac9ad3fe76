/** Row types of migration 0003-image-workflow (the image workflow (issue 4): image change requests, rollback requests, rollback pins, deployments). */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface ImageWorkflowTables {}
