/**
 * An HTTP proxy in front of a test server (a registry) that changes what passes, on purpose: it
 * stands in for a registry that ignores Range headers (`dropRange`) or serves other bytes than it
 * should (`corrupt`: the first byte of the chosen answers flipped). It keeps the Range headers it
 * saw, so with an empty plan it only watches. Fault-free traffic passes unchanged; the TCP-level
 * faults (and byte counts) are fault-proxy.ts's.
 */
import { createServer, request as httpRequest, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RewritePlan {
  /** Remove every request's Range header. */
  readonly dropRange?: boolean;
  /** Which answers get their first byte flipped (default none). */
  readonly corrupt?: (request: IncomingMessage) => boolean;
}

export interface RewritingProxy {
  readonly host: string;
  /** The Range headers of the requests that came with one, in order (before `dropRange`). */
  readonly ranges: readonly string[];
  stop(): Promise<void>;
}

export async function startRewritingProxy(targetPort: number, plan: RewritePlan): Promise<RewritingProxy> {
  const ranges: string[] = [];
  const server: Server = createServer((req, res) => {
    const headers = { ...req.headers };
    if (headers.range !== undefined) ranges.push(headers.range);
    if (plan.dropRange) delete headers.range;
    let flip = plan.corrupt?.(req) ?? false;
    const forwarded = httpRequest(
      { host: '127.0.0.1', port: targetPort, method: req.method, path: req.url, headers },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.on('data', (chunk: Buffer) => {
          if (flip) {
            chunk = Buffer.from(chunk);
            chunk[0]! ^= 0xff;
            flip = false;
          }
          res.write(chunk);
        });
        answer.on('end', () => res.end());
      },
    );
    forwarded.on('error', () => res.destroy());
    req.pipe(forwarded);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    host: `127.0.0.1:${port}`,
    ranges,
    stop: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
