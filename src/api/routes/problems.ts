import { ProblemBody } from '../schema.js';

/** Documents the problem responses a route can give (OpenAPI), keyed by status. */
export function problems(...statuses: number[]): Record<number, typeof ProblemBody> {
  const out: Record<number, typeof ProblemBody> = {};
  for (const status of [400, 401, ...statuses]) out[status] = ProblemBody;
  return out;
}
