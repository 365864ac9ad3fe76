export type { ApiTokenInfo, IssuedToken, User } from './types.js';
