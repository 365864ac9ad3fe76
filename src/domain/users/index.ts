export type { ApiTokenInfo, IssuedToken, User } from './types.js';
export { normalizeEmail } from './email.js';
