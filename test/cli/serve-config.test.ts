import { afterEach, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/index.js';
import { captureIo } from './capture-io.js';

describe('firebreak serve, Slack settings', () => {
  const saved = { ...process.env };
  afterEach(() => {
    process.env = { ...saved };
  });

  it('refuses an app-level token pasted into SLACK_BOT_TOKEN before starting anything', async () => {
    process.env['SLACK_BOT_TOKEN'] = 'xapp-1-A0-123';
    process.env['SLACK_SIGNING_SECRET'] = 'secret';
    const cli = captureIo();

    await main(['serve', '--host', '127.0.0.1', '--port', '0'], cli.io);

    expect(cli.code()).toBe(1);
    expect(cli.err).toEqual([
      'error: SLACK_BOT_TOKEN must be a bot token (xoxb-…), got a xapp- token; the app-level xapp- token goes in SLACK_APP_TOKEN',
    ]);
    expect(cli.out).toEqual([]);
  });

  it('never shows any of a secret pasted in the wrong place', async () => {
    process.env['SLACK_BOT_TOKEN'] = 'sEcReT-signing-value';
    process.env['SLACK_SIGNING_SECRET'] = 'secret';
    const cli = captureIo();

    await main(['serve', '--host', '127.0.0.1', '--port', '0'], cli.io);

    expect(cli.code()).toBe(1);
    expect(cli.err.join('\n')).toContain('got a value that is not a Slack token');
    expect(cli.err.join('\n')).not.toMatch(/sEcR/);
  });
});
