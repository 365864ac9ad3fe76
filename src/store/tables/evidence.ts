/** Row types of migration 0004-evidence (run evidence (issue 5): OpenLineage events, namespace and ownership mappings, declared constraints). */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface EvidenceTables {}
