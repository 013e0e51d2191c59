// The load generator of `npm run bench:slack`, in its own thread so that signing and sending
// requests does not share the event loop of the server being measured. Answers each command
// from the main thread with the acknowledgement latencies, in milliseconds.
import { createHmac } from 'node:crypto';
import { Agent, request } from 'node:http';
import { parentPort, workerData } from 'node:worker_threads';

const { port, secret, concurrency } = workerData;
const agent = new Agent({ keepAlive: true, maxSockets: concurrency });

/** A signed `/ir run` request, built before it is timed: Slack sends them ready-made. */
function prepare(n) {
  const body = new URLSearchParams({
    team_id: 'T1',
    channel_id: 'CBENCH',
    user_id: 'UBENCH',
    command: '/ir',
    text: `run bench target=host-${n}`,
    trigger_id: `bench-${n}-${process.hrtime.bigint()}`,
  }).toString();
  const timestamp = String(Math.floor(Date.now() / 1000));
  const mac = createHmac('sha256', secret).update(`v0:${timestamp}:${body}`).digest('hex');
  const headers = {
    'Content-Type': 'application/x-www-form-urlencoded',
    'Content-Length': Buffer.byteLength(body),
    'X-Slack-Request-Timestamp': timestamp,
    'X-Slack-Signature': `v0=${mac}`,
  };
  return { body, headers };
}

/** Sends a prepared request; resolves with its acknowledgement latency in milliseconds. */
function send({ body, headers }) {
  return new Promise((resolve, reject) => {
    const startedAt = process.hrtime.bigint();
    const req = request(
      { host: '127.0.0.1', port, path: '/slack/events', method: 'POST', agent, headers },
      (res) => {
        res.resume();
        res.on('end', () => {
          if (res.statusCode !== 200) reject(new Error(`status ${res.statusCode}`));
          else resolve(Number(process.hrtime.bigint() - startedAt) / 1e6);
        });
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

/** Closed loop: `concurrency` clients, each sending its next request once the last is acked. */
async function sustained(total, offset) {
  const latencies = [];
  let next = 0;
  const client = async () => {
    while (next < total) latencies.push(await send(prepare(offset + next++)));
  };
  await Promise.all(Array.from({ length: concurrency }, client));
  return latencies;
}

/** One burst: `concurrency` requests at once, all signed before the first is sent. */
function burst(offset) {
  const requests = Array.from({ length: concurrency }, (_, i) => prepare(offset + i));
  return Promise.all(requests.map(send));
}

parentPort.on('message', async (command) => {
  if (command.kind === 'stop') {
    agent.destroy();
    parentPort.close();
    return;
  }
  const latencies =
    command.kind === 'sustained'
      ? await sustained(command.total, command.offset)
      : await burst(command.offset);
  parentPort.postMessage(latencies);
});
