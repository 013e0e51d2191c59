/** Runs the fake Slack Web API in a worker thread, so its work is not billed to the server. */
import { parentPort } from 'node:worker_threads';
import { FakeSlackApi } from '../test/chatops/helpers/fake-slack-api.js';

const api = new FakeSlackApi();
await api.start();
parentPort?.postMessage({ url: api.url });
parentPort?.on('message', (message: { stop?: boolean }) => {
  if (message.stop) void api.stop().then(() => process.exit(0));
});
