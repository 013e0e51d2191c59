import { afterEach, describe, expect, it } from 'vitest';
import type { AuditSink } from '../../src/audit/index.js';
import { createHttpServer, ServerMetrics } from '../../src/server/index.js';
import type { HttpServer } from '../../src/server/index.js';
import { createSilentLogger } from '../../src/shared/index.js';

let server: HttpServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

// An audit store that is briefly unavailable (a Redis failover, say).
const FAILING_AUDIT: AuditSink = {
  append: () => Promise.reject(new Error('audit store unavailable')),
};

describe('createHttpServer on the Slack path', () => {
  describe('when the audit of a refusal fails', () => {
    it('still answers the unsigned request instead of leaving it hanging (and rejecting unhandled)', async () => {
      server = createHttpServer({
        logger: createSilentLogger(),
        audit: FAILING_AUDIT,
        metrics: new ServerMetrics({ collectProcessMetrics: false }),
        slack: { signingSecret: 'test-signing-secret' },
      });
      server.mountSlack((_req, res) => res.writeHead(200).end());
      const port = await server.listen(0, '127.0.0.1');

      const answer = await fetch(`http://127.0.0.1:${port}/slack/events`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: 'command=%2Fir&text=list&user_id=U1',
        signal: AbortSignal.timeout(2000),
      }).then(
        (response) => response.status,
        (error: unknown) => String(error),
      );

      // Before the guard left Express, Express 5 turned the rejection into a 500.
      expect(answer).toBeTypeOf('number');
      expect(answer).toBeGreaterThanOrEqual(400);
    });
  });
});
