import { z } from 'zod';

import { InputError } from '../../domain/errors/index.js';

const HttpUrl = z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' });
const TimeoutMs = z.number().int().min(100).max(600_000);

export const WebhookChannelOptions = z.object({
  url: HttpUrl,
  secret: z.string().min(16, 'must be at least 16 characters'),
  timeoutMs: TimeoutMs.default(10_000),
});
export type WebhookChannelOptions = z.input<typeof WebhookChannelOptions>;

export const SlackChannelOptions = z.object({
  url: HttpUrl,
  timeoutMs: TimeoutMs.default(10_000),
});
export type SlackChannelOptions = z.input<typeof SlackChannelOptions>;

export const EmailChannelOptions = z.object({
  host: z.string().min(1),
  port: z.number().int().min(1).max(65_535),
  /** Implicit TLS (port 465). Otherwise STARTTLS is used when the server offers it. */
  secure: z.boolean().default(false),
  /** Refuse to send unless the server upgrades to TLS. */
  requireTLS: z.boolean().default(false),
  auth: z.object({ user: z.string().min(1), pass: z.string().min(1) }).optional(),
  from: z.string().min(3),
  /** Used when the receiver has no address of its own. */
  to: z.string().min(3).optional(),
  timeoutMs: TimeoutMs.default(30_000),
});
export type EmailChannelOptions = z.input<typeof EmailChannelOptions>;

/** Parses factory options, or fails fast with a sentence naming the bad fields and what to pass. */
export function parseChannelOptions<S extends z.ZodType>(
  schema: S,
  value: unknown,
  factory: string,
  pass: string,
) {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data as z.output<S>;
  const problems = parsed.error.issues.map(
    (issue) => `${issue.path.join('.') || 'options'} ${issue.message}`,
  );
  throw new InputError(`${factory} was given invalid options (${problems.join('; ')}). Pass ${pass}.`, {
    extra: { issues: parsed.error.issues },
  });
}
