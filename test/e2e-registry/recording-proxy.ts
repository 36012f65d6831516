/**
 * An HTTP proxy in front of a test registry that forwards every request as it is and records what
 * went up: method, path and body bytes. Tests use it to tell which blobs a push really uploaded.
 * Told to, it also lies: it replaces the `Docker-Content-Digest` of chosen responses, as a broken
 * registry or a meddling proxy would.
 */
import { createServer, request, type Server } from 'node:http';

export interface RecordedRequest {
  readonly method: string;
  /** Path and query, e.g. `/v2/demo/blobs/uploads/ID?digest=sha256:...`. */
  readonly url: string;
  readonly bodyBytes: number;
}

export interface RecordingProxy {
  readonly host: string;
  readonly requests: RecordedRequest[];
  /** Body bytes of blob upload requests (POST, PATCH, PUT under `/blobs/uploads/`). */
  blobBytesUploaded(): number;
  stop(): Promise<void>;
}

export interface ProxyLies {
  /** Responses to requests this matches get `Docker-Content-Digest: WRONG_DIGEST`. */
  readonly contentDigest?: (method: string, url: string) => boolean;
}

export const WRONG_DIGEST = `sha256:${'0'.repeat(64)}`;

export async function startRecordingProxy(targetPort: number, lies: ProxyLies = {}): Promise<RecordingProxy> {
  const requests: RecordedRequest[] = [];
  const server: Server = createServer((incoming, outgoing) => {
    let bodyBytes = 0;
    const upstream = request(
      {
        host: '127.0.0.1',
        port: targetPort,
        method: incoming.method,
        path: incoming.url,
        headers: incoming.headers,
      },
      (response) => {
        const headers = { ...response.headers };
        if (
          lies.contentDigest?.(incoming.method ?? '', incoming.url ?? '') &&
          headers['docker-content-digest']
        )
          headers['docker-content-digest'] = WRONG_DIGEST;
        outgoing.writeHead(response.statusCode ?? 502, headers);
        response.pipe(outgoing);
      },
    );
    upstream.on('error', () => outgoing.destroy());
    incoming.on('data', (chunk: Buffer) => {
      bodyBytes += chunk.byteLength;
    });
    incoming.on('end', () =>
      requests.push({ method: incoming.method ?? '', url: incoming.url ?? '', bodyBytes }),
    );
    incoming.pipe(upstream);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    host: `127.0.0.1:${port}`,
    requests,
    blobBytesUploaded: () =>
      requests.filter((r) => r.url.includes('/blobs/uploads/')).reduce((sum, r) => sum + r.bodyBytes, 0),
    async stop() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
