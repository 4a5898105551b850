/**
 * How `DelegatorClient` sends a JSON call: over node:http with a keep-alive agent (a call costs
 * a fraction of what `fetch` costs in Node, measured: bench/server.bench.ts), or through a
 * `fetch` the caller supplies (another runtime, a proxy, a test double of the network).
 */
import { request as httpRequest, Agent } from 'node:http';
import { request as httpsRequest, Agent as HttpsAgent } from 'node:https';

/** One JSON call's answer: its status and body text. */
export interface TransportAnswer {
  readonly status: number;
  readonly text: string;
}

/** Sends one call; rejects when the service cannot be reached. */
export type Transport = (
  method: string,
  url: string,
  headers: Readonly<Record<string, string>>,
  body: string | undefined,
) => Promise<TransportAnswer>;

/** Largest answer read, in bytes (an inbox of many requests fits; a runaway answer does not). */
const MAX_ANSWER_BYTES = 16 * 1024 * 1024;

/**
 * A transport over node:http(s) with keep-alive connections.
 *
 * @example
 * ```ts
 * const send = nodeTransport();
 * const { status, text } = await send('GET', 'http://127.0.0.1:8080/v1/inbox', headers, undefined);
 * ```
 */
export function nodeTransport(): Transport {
  const agents = {
    http: new Agent({ keepAlive: true }),
    https: new HttpsAgent({ keepAlive: true }),
  };
  return (method, url, headers, body) =>
    new Promise((resolve, reject) => {
      const secure = url.startsWith('https:');
      const send = secure ? httpsRequest : httpRequest;
      const req = send(
        url,
        {
          method,
          agent: secure ? agents.https : agents.http,
          headers:
            body === undefined
              ? headers
              : { ...headers, 'content-length': Buffer.byteLength(body) },
        },
        (res) => {
          const chunks: Buffer[] = [];
          let size = 0;
          res.on('data', (chunk: Buffer) => {
            size += chunk.length;
            if (size > MAX_ANSWER_BYTES) {
              res.destroy(
                new RangeError(`the service's answer is larger than ${MAX_ANSWER_BYTES} bytes`),
              );
              return;
            }
            chunks.push(chunk);
          });
          res.on('end', () =>
            resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }),
          );
          res.on('error', reject);
        },
      );
      req.on('error', reject);
      req.end(body);
    });
}

/**
 * A transport over a `fetch` function.
 *
 * @example
 * ```ts
 * const send = fetchTransport(globalThis.fetch);
 * ```
 */
export function fetchTransport(f: typeof fetch): Transport {
  return async (method, url, headers, body) => {
    const res = await f(url, { method, headers, ...(body === undefined ? {} : { body }) });
    return { status: res.status, text: await res.text() };
  };
}
