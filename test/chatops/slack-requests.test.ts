import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { verifySlackSignature } from '../../src/chatops/index.js';
import { startChatOpsHarness, TEST_SIGNING_SECRET } from './helpers/chatops-harness.js';
import type { ChatOpsHarness } from './helpers/chatops-harness.js';
import { CORPUS_DIR } from '../triggers/corpus.js';
import { postSlack, signSlackBody, toSlashCommandBody } from './helpers/slack-requests.js';

const CORPUS = join(CORPUS_DIR, 'slack');
const read = (name: string) => readFileSync(join(CORPUS, name), 'utf8');

interface SigningExample {
  signing_secret: string;
  x_slack_request_timestamp: string;
  x_slack_signature: string;
  body_file: string;
}

describe('verifySlackSignature with the Slack docs example', () => {
  const example = JSON.parse(read('signing-example.slack-docs.json')) as SigningExample;
  const body = read(example.body_file);
  const base = {
    signingSecret: example.signing_secret,
    rawBody: body,
    signature: example.x_slack_signature,
    timestamp: example.x_slack_request_timestamp,
  };
  const atExampleTime = Number(example.x_slack_request_timestamp) * 1000 + 30_000;

  it('accepts it at the time it was signed', () => {
    expect(verifySlackSignature({ ...base, nowMs: atExampleTime })).toEqual({ ok: true });
  });

  it('refuses the body with "------" appended', () => {
    const result = verifySlackSignature({
      ...base,
      rawBody: `${body}------`,
      nowMs: atExampleTime,
    });
    expect(result).toMatchObject({ ok: false, reason: 'bad_signature' });
  });

  it('refuses it on the real clock as too old', () => {
    expect(verifySlackSignature({ ...base, nowMs: Date.now() })).toMatchObject({
      ok: false,
      reason: 'stale',
    });
  });

  it('refuses a missing signature as unsigned', () => {
    const result = verifySlackSignature({ ...base, signature: undefined, nowMs: atExampleTime });
    expect(result).toMatchObject({ ok: false, reason: 'unsigned' });
  });
});

describe('Slack path of the server', () => {
  let h: ChatOpsHarness;
  beforeEach(async () => {
    h = await startChatOpsHarness();
  });
  afterEach(async () => {
    await h.close();
  });

  const runBody = () =>
    toSlashCommandBody({ userId: 'UREQ', text: 'run contain-test target=a', triggerId: 't-1' });

  async function expectRefused(answer: { status: number }, code: string) {
    await h.settle();
    expect(answer.status).toBe(401);
    expect(await h.runs()).toHaveLength(0);
    const refused = h.audit.records.find((r) => r.type === 'request.refused');
    expect(refused?.data).toMatchObject({ source: 'slack', code, claimedSlackUserId: 'UREQ' });
  }

  it('refuses a forged signature and audits it', async () => {
    const answer = await postSlack(h.slackUrl, runBody(), {
      secret: 'not-the-secret',
      timestampS: h.nowS(),
    });
    await expectRefused(answer, 'SLACK_BAD_SIGNATURE');
  });

  it('refuses a request signed more than five minutes ago', async () => {
    const answer = await postSlack(h.slackUrl, runBody(), {
      secret: TEST_SIGNING_SECRET,
      timestampS: h.nowS() - 301,
    });
    await expectRefused(answer, 'SLACK_STALE');
  });

  it('answers an oversized body with 413 (not a reset connection) and audits it', async () => {
    const body = `${runBody()}&padding=${'x'.repeat(600 * 1024)}`;
    const answer = await postSlack(h.slackUrl, body, {
      secret: TEST_SIGNING_SECRET,
      timestampS: h.nowS(),
    });
    await h.settle();
    expect(answer.status).toBe(413);
    expect(await h.runs()).toHaveLength(0);
    const refused = h.audit.records.find((r) => r.type === 'request.refused');
    expect(refused?.data).toMatchObject({ source: 'slack', code: 'SLACK_TOO_LARGE' });
  });

  it('refuses an unsigned request', async () => {
    const answer = await postSlack(h.slackUrl, runBody(), {});
    await expectRefused(answer, 'SLACK_UNSIGNED');
  });

  it('refuses a body changed after signing', async () => {
    const timestampS = h.nowS();
    const signature = signSlackBody(TEST_SIGNING_SECRET, timestampS, runBody());
    const changed = runBody().replace('target%3Da', 'target%3Db');
    const answer = await postSlack(h.slackUrl, changed, {
      secret: TEST_SIGNING_SECRET,
      timestampS,
      signature,
    });
    await expectRefused(answer, 'SLACK_BAD_SIGNATURE');
  });

  describe('with the corpus payloads', () => {
    const wireFiles = readdirSync(CORPUS).filter((f) => f.endsWith('.form-urlencoded.txt'));

    it.each(wireFiles)('accepts %s, signed, and answers 200', async (file) => {
      const answer = await postSlack(h.slackUrl, read(file), {
        secret: TEST_SIGNING_SECRET,
        timestampS: h.nowS(),
      });
      await h.settle();

      expect(answer.status).toBe(200);
      expect(await h.runs()).toHaveLength(0);
      expect(h.audit.records.filter((r) => r.type === 'request.refused')).toHaveLength(0);
    });

    it('answers another app’s slash command with where to find ours', async () => {
      const answer = await postSlack(
        h.slackUrl,
        read('slash-command.bolt-python.body.form-urlencoded.txt'),
        {
          secret: TEST_SIGNING_SECRET,
          timestampS: h.nowS(),
        },
      );
      expect(answer.json?.text).toBe('firebreak answers `/ir`. Type `/ir help`.');
    });

    it('parses the JSON payloads to the same object as their wire form', () => {
      for (const name of ['block-actions.button-click', 'view-submission.modal']) {
        const wire = new URLSearchParams(read(`${name}.bolt-python.body.form-urlencoded.txt`)).get(
          'payload',
        );
        const json = JSON.parse(read(`${name}.bolt-python.payload.json`)) as unknown;
        expect(JSON.parse(wire ?? '')).toEqual(json);
      }
    });
  });
});
