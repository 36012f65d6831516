/**
 * HTTP for the registry client on node:http/node:https: streamed request bodies with backpressure,
 * an idle timeout per request, keep-alive agents, and responses whose bodies are read on demand.
 */
import http from 'node:http';
import https from 'node:https';
import type { Readable } from 'node:stream';

export type RequestBody = Uint8Array | AsyncIterable<Uint8Array>;

export interface HttpRequest {
  readonly method: 'GET' | 'HEAD' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  readonly url: URL;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: RequestBody;
  /** Told the byte count of each body chunk once written to the socket. */
  readonly onBodyBytes?: (bytes: number) => void;
}

export interface HttpResponse {
  readonly status: number;
  readonly url: URL;
  header(name: string): string | undefined;
  /** The body as bytes, failing past `maxBytes`. */
  bytes(maxBytes: number): Promise<Buffer>;
  text(maxBytes?: number): Promise<string>;
  /** The body as a stream, read once. */
  stream(): Readable;
  /** Reads and drops the body so the connection can be reused. */
  discard(): Promise<void>;
}

export type Transport = (request: HttpRequest) => Promise<HttpResponse>;

export class BodyTooLargeError extends Error {
  override readonly name = 'BodyTooLargeError';
}

export interface NodeTransportOptions {
  /** A request with no bytes moving for this long fails with ETIMEDOUT. */
  readonly idleTimeoutMs?: number;
  readonly maxSockets?: number;
  readonly userAgent?: string;
}

export function nodeTransport(options: NodeTransportOptions = {}): Transport {
  const agentOptions = { keepAlive: true, maxSockets: options.maxSockets ?? 8 };
  const httpAgent = new http.Agent(agentOptions);
  const httpsAgent = new https.Agent(agentOptions);
  const idle = options.idleTimeoutMs ?? 60_000;
  const userAgent = options.userAgent ?? 'model-promote';
  return (request) =>
    new Promise<HttpResponse>((resolve, reject) => {
      const secure = request.url.protocol === 'https:';
      const headers: Record<string, string> = { 'user-agent': userAgent, ...request.headers };
      if (request.body instanceof Uint8Array) headers['content-length'] ??= String(request.body.byteLength);
      else if (request.body === undefined && ['POST', 'PUT', 'PATCH'].includes(request.method)) {
        headers['content-length'] ??= '0';
      }
      const req = (secure ? https : http).request(request.url, {
        method: request.method,
        headers,
        agent: secure ? httpsAgent : httpAgent,
      });
      let settled = false;
      const fail = (error: Error) => {
        if (!settled) {
          settled = true;
          reject(error);
        }
      };
      req.setTimeout(idle, () => {
        const error = Object.assign(new Error(`no bytes for ${idle} ms from ${request.url.host}`), {
          code: 'ETIMEDOUT',
        });
        req.destroy(error);
      });
      req.on('error', fail);
      req.on('response', (res) => {
        settled = true;
        res.setTimeout(idle, () => {
          res.destroy(Object.assign(new Error(`response stalled for ${idle} ms`), { code: 'ETIMEDOUT' }));
        });
        resolve(wrapResponse(res, request.url, request.method === 'HEAD'));
      });
      writeBody(req, request).catch((error: unknown) => {
        req.destroy(error instanceof Error ? error : new Error(String(error)));
        fail(error instanceof Error ? error : new Error(String(error)));
      });
    });
}

async function writeBody(req: http.ClientRequest, request: HttpRequest): Promise<void> {
  const { body, onBodyBytes } = request;
  if (body === undefined) {
    req.end();
    return;
  }
  if (body instanceof Uint8Array) {
    req.end(body, () => onBodyBytes?.(body.byteLength));
    return;
  }
  // Each chunk is handed to the socket before the next is pulled: the source may then reuse the
  // chunk's memory (BlobSource's contract), so nobody copies a chunk to keep it safe from that.
  for await (const chunk of body) {
    if (req.destroyed) return;
    await new Promise<void>((resolve, reject) => {
      const closed = () =>
        reject(Object.assign(new Error('connection closed while sending'), { code: 'ECONNRESET' }));
      req.once('close', closed);
      req.write(chunk, (error) => {
        req.off('close', closed);
        if (error) reject(error);
        else resolve();
      });
    });
    onBodyBytes?.(chunk.byteLength);
  }
  req.end();
}

function wrapResponse(res: http.IncomingMessage, url: URL, head: boolean): HttpResponse {
  let consumed = false;
  const take = () => {
    if (consumed) throw new Error(`body of ${url.pathname} already read`);
    consumed = true;
    return res;
  };
  const bytes = async (maxBytes: number) => {
    const stream = take();
    const chunks: Buffer[] = [];
    let total = 0;
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      total += chunk.byteLength;
      if (total > maxBytes) {
        stream.destroy();
        throw new BodyTooLargeError(
          `response from ${url.host}${url.pathname} is larger than ${maxBytes} bytes`,
        );
      }
      chunks.push(chunk);
    }
    return Buffer.concat(chunks);
  };
  return {
    status: res.statusCode ?? 0,
    url,
    header(name) {
      const value = res.headers[name.toLowerCase()];
      return Array.isArray(value) ? value.join(', ') : value;
    },
    bytes,
    async text(maxBytes = 1024 * 1024) {
      return (await bytes(maxBytes)).toString('utf8');
    },
    stream: take,
    async discard() {
      if (consumed || head) {
        res.resume();
        return;
      }
      consumed = true;
      res.resume();
      await new Promise<void>((resolve) => {
        if (res.readableEnded || res.destroyed) resolve();
        res.once('end', resolve);
        res.once('close', resolve);
        res.once('error', () => resolve());
      });
    },
  };
}
