/**
 * The notification channels `ratchet serve` delivers through, from the environment. Workflows
 * address receivers by channel name (`email`, `provider-on-call`, `webhook`); a channel that is not
 * configured here is not guessed at: its messages are parked as failed with the variable to set,
 * visible in `GET /api/v1/deliveries` and the dashboard.
 */
import { InputError } from '../../domain/errors/index.js';
import { createEmailChannel, createSlackChannel, createWebhookChannel } from '../channels/index.js';
import type { Channel } from '../channels/index.js';

export interface ConfiguredChannels {
  readonly channels: Record<string, Channel>;
  /** One line per channel, for the startup log: what is configured and how to configure the rest. */
  readonly summary: readonly string[];
}

type Environment = Readonly<Record<string, string | undefined>>;

/**
 * - `email`: `RATCHET_SMTP_URL=smtp://user:pass@host:587` (or `smtps://` for implicit TLS) and
 *   `RATCHET_SMTP_FROM=ratchet@provider.example`.
 * - `provider-on-call`: `RATCHET_ONCALL_SLACK_URL` (a Slack-compatible incoming webhook), or
 *   `RATCHET_ONCALL_WEBHOOK_URL` with `RATCHET_WEBHOOK_SECRET` (signed JSON webhook).
 * - `customer-notifications`: `RATCHET_CUSTOMER_WEBHOOK_URL` with `RATCHET_WEBHOOK_SECRET`, for
 *   customer users without an email address (defect updates, hotfix deployments).
 * - `webhook`: `RATCHET_NOTIFY_WEBHOOK_URL` with `RATCHET_WEBHOOK_SECRET`.
 */
export function channelsFromEnvironment(env: Environment = process.env): ConfiguredChannels {
  const channels: Record<string, Channel> = {};
  const summary: string[] = [];

  const smtp = env['RATCHET_SMTP_URL'];
  if (smtp) {
    channels['email'] = createEmailChannel(emailOptions(smtp, env['RATCHET_SMTP_FROM']));
    summary.push('email: SMTP configured');
  } else {
    summary.push('email: not configured (set RATCHET_SMTP_URL and RATCHET_SMTP_FROM)');
  }

  const secret = env['RATCHET_WEBHOOK_SECRET'];
  const slack = env['RATCHET_ONCALL_SLACK_URL'];
  const onCallHook = env['RATCHET_ONCALL_WEBHOOK_URL'];
  if (slack) {
    channels['provider-on-call'] = createSlackChannel({ url: slack });
    summary.push('provider-on-call: Slack-compatible webhook');
  } else if (onCallHook) {
    channels['provider-on-call'] = createWebhookChannel({ url: onCallHook, secret: requireSecret(secret) });
    summary.push('provider-on-call: signed JSON webhook');
  } else {
    summary.push(
      'provider-on-call: not configured (set RATCHET_ONCALL_SLACK_URL or RATCHET_ONCALL_WEBHOOK_URL)',
    );
  }

  const customers = env['RATCHET_CUSTOMER_WEBHOOK_URL'];
  if (customers) {
    channels['customer-notifications'] = createWebhookChannel({
      url: customers,
      secret: requireSecret(secret),
    });
    summary.push('customer-notifications: signed JSON webhook');
  }

  const notify = env['RATCHET_NOTIFY_WEBHOOK_URL'];
  if (notify) {
    channels['webhook'] = createWebhookChannel({ url: notify, secret: requireSecret(secret) });
    summary.push('webhook: signed JSON webhook');
  }
  return { channels, summary };
}

function requireSecret(secret: string | undefined): string {
  if (secret && secret.length >= 16) return secret;
  throw new InputError(
    'A webhook channel needs RATCHET_WEBHOOK_SECRET (at least 16 characters) to sign its deliveries.',
    {
      remedy: 'Set RATCHET_WEBHOOK_SECRET, e.g. to the output of `openssl rand -hex 32`.',
    },
  );
}

function emailOptions(value: string, from: string | undefined): Parameters<typeof createEmailChannel>[0] {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new InputError(`RATCHET_SMTP_URL '${value}' is not a URL.`, {
      remedy: 'Use smtp://user:pass@host:587.',
    });
  }
  if (url.protocol !== 'smtp:' && url.protocol !== 'smtps:') {
    throw new InputError(`RATCHET_SMTP_URL must start with smtp:// or smtps://, not ${url.protocol}//.`);
  }
  if (!from) {
    throw new InputError('RATCHET_SMTP_FROM is required with RATCHET_SMTP_URL.', {
      remedy: 'Set it to the sender address, e.g. ratchet@provider.example.',
    });
  }
  const secure = url.protocol === 'smtps:';
  return {
    host: url.hostname,
    port: url.port ? Number(url.port) : secure ? 465 : 587,
    secure,
    from,
    ...(url.username
      ? { auth: { user: decodeURIComponent(url.username), pass: decodeURIComponent(url.password) } }
      : {}),
  };
}
