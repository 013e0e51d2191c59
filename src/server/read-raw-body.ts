import type { IncomingMessage } from 'node:http';

/** A request body over the reader's limit. */
export class BodyTooLargeError extends Error {}

/**
 * Reads a request body as raw bytes (so a signature covers exactly what arrived), refusing
 * one whose declared or actual size passes `maxBytes` with {@link BodyTooLargeError}. The rest
 * of a refused body is drained, not kept, so that the refusal reaches the client.
 */
export function readRawBody(req: IncomingMessage, maxBytes: number): Promise<Buffer> {
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > maxBytes) {
    const message = `declared body of ${declared} bytes is over the ${maxBytes} byte limit`;
    req.resume();
    return Promise.reject(new BodyTooLargeError(message));
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size <= maxBytes) return void chunks.push(chunk);
      req.off('data', onData);
      req.resume();
      reject(new BodyTooLargeError(`body is over the ${maxBytes} byte limit`));
    };
    req.on('data', onData);
    req.once('end', () =>
      resolve(chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks)),
    );
    req.once('error', reject);
  });
}
