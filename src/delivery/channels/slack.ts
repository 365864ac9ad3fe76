import { postOnce } from './http-post.js';
import { parseChannelOptions, SlackChannelOptions } from './schema.js';
import type { Channel, Delivery } from './types.js';

// Slack's Block Kit limits: a header's plain_text is at most 150 characters, a section's text 3000.
const HEADER_LIMIT = 150;
const SECTION_LIMIT = 3000;

function cut(text: string, limit: number): string {
  return text.length > limit ? `${text.slice(0, limit - 1)}…` : text;
}

/**
 * A Slack-compatible incoming webhook (Slack, Mattermost, Rocket.Chat accept `{ text, blocks? }`).
 * `text` is the notification fallback; blocks render subject and body. Incoming webhooks have no
 * idempotency support, so the key is sent as a header for proxies that do, and otherwise a resend
 * after a crash can post twice.
 */
export function createSlackChannel(options: SlackChannelOptions): Channel {
  const config = parseChannelOptions(
    SlackChannelOptions,
    options,
    'createSlackChannel',
    '{ url: "https://hooks.slack.com/services/...", timeoutMs?: number }',
  );
  return {
    kind: 'slack',
    async deliver(delivery: Delivery): Promise<void> {
      const body = JSON.stringify({
        text: cut(`${delivery.subject}\n${delivery.text}`, SECTION_LIMIT),
        blocks: [
          { type: 'header', text: { type: 'plain_text', text: cut(delivery.subject, HEADER_LIMIT) } },
          // Slack rejects a section with empty text (invalid_blocks), so an empty body has none.
          ...(delivery.text.trim()
            ? [{ type: 'section', text: { type: 'mrkdwn', text: cut(delivery.text, SECTION_LIMIT) } }]
            : []),
        ],
      });
      await postOnce({
        url: config.url,
        body,
        timeoutMs: config.timeoutMs,
        headers: { 'idempotency-key': delivery.idempotencyKey },
      });
    },
  };
}
