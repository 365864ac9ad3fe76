/** Row types of migration 0005-platform (platform releases, defects and infrastructure changes (issue 6)). */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface PlatformTables {}
