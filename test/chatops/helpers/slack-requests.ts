import { createHmac } from 'node:crypto';

/** Slack's v0 signature, computed here independently of the code under test. */
export function signSlackBody(secret: string, timestampS: number, body: string): string {
  return `v0=${createHmac('sha256', secret).update(`v0:${timestampS}:${body}`).digest('hex')}`;
}

/** How to sign (or not) a request to the Slack path. */
export interface SlackPostOptions {
  /** Omit to send the request unsigned. */
  readonly secret?: string;
  readonly timestampS?: number;
  readonly retryNum?: number;
  /** Replace the signature with this value (forgery). */
  readonly signature?: string;
}

/** POSTs a form body to the Slack path of a local server. */
export async function postSlack(
  url: string,
  body: string,
  options: SlackPostOptions,
): Promise<{ status: number; text: string; json?: { text?: string } }> {
  const headers: Record<string, string> = { 'Content-Type': 'application/x-www-form-urlencoded' };
  if (options.secret !== undefined && options.timestampS !== undefined) {
    headers['X-Slack-Request-Timestamp'] = String(options.timestampS);
    headers['X-Slack-Signature'] =
      options.signature ?? signSlackBody(options.secret, options.timestampS, body);
  }
  if (options.retryNum !== undefined) {
    headers['X-Slack-Retry-Num'] = String(options.retryNum);
    headers['X-Slack-Retry-Reason'] = 'http_timeout';
  }
  const response = await fetch(url, { method: 'POST', headers, body });
  const text = await response.text();
  let json: { text?: string } | undefined;
  try {
    json = JSON.parse(text) as { text?: string };
  } catch {
    json = undefined;
  }
  return { status: response.status, text, json };
}

/** A slash command body as Slack sends it. */
export function toSlashCommandBody(fields: {
  userId: string;
  text: string;
  triggerId: string;
  command?: string;
  channelId?: string;
  /** Where later answers go; default a closed port on loopback, for commands that answer at once. */
  responseUrl?: string;
}): string {
  return new URLSearchParams({
    token: 'legacy-unused',
    team_id: 'T111',
    team_domain: 'example',
    channel_id: fields.channelId ?? 'CINCIDENT',
    channel_name: 'incident',
    user_id: fields.userId,
    user_name: fields.userId.toLowerCase(),
    command: fields.command ?? '/ir',
    text: fields.text,
    api_app_id: 'A111',
    response_url: fields.responseUrl ?? 'http://127.0.0.1:9/never-used',
    trigger_id: fields.triggerId,
  }).toString();
}

/** A block_actions body: one button click. */
export function toButtonClickBody(fields: {
  userId: string;
  actionId: string;
  value: string;
  channelId?: string;
  messageTs?: string;
}): string {
  const channelId = fields.channelId ?? 'CINCIDENT';
  const payload = {
    type: 'block_actions',
    user: { id: fields.userId, username: fields.userId.toLowerCase(), team_id: 'T111' },
    api_app_id: 'A111',
    token: 'legacy-unused',
    container: { type: 'message', message_ts: fields.messageTs ?? '1.1', channel_id: channelId },
    trigger_id: `trigger-${fields.userId}-${Math.random()}`,
    team: { id: 'T111', domain: 'example' },
    channel: { id: channelId, name: 'incident' },
    response_url: 'http://127.0.0.1:9/never-used',
    actions: [
      {
        action_id: fields.actionId,
        block_id: 'firebreak_approval',
        value: fields.value,
        type: 'button',
        action_ts: '1.1',
        text: { type: 'plain_text', text: 'x' },
      },
    ],
  };
  return new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
}

/** A view_submission body for the deny-reason modal. */
export function toDenySubmissionBody(fields: {
  userId: string;
  metadata: string;
  reason: string;
}): string {
  const payload = {
    type: 'view_submission',
    team: { id: 'T111', domain: 'example' },
    user: { id: fields.userId, username: fields.userId.toLowerCase(), team_id: 'T111' },
    api_app_id: 'A111',
    token: 'legacy-unused',
    trigger_id: 'trigger-view',
    view: {
      id: 'V1',
      team_id: 'T111',
      type: 'modal',
      callback_id: 'firebreak_deny_reason',
      private_metadata: fields.metadata,
      state: { values: { reason: { reason: { type: 'plain_text_input', value: fields.reason } } } },
      hash: '1.x',
      blocks: [],
    },
    response_urls: [],
  };
  return new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
}
