/**
 * A TCP proxy in front of a test registry that misbehaves on purpose: it cuts connections once the
 * bytes sent upstream (in all, or on one connection) or downstream (on one connection: a download
 * that breaks) cross a threshold, and answers some connections' first request with 503.
 * It counts bytes both ways, so tests can tell how much a push really sent.
 */
import { createServer, type Server, type Socket, connect } from 'node:net';

export interface FaultPlan {
  /** Cut the connection each time this many more bytes have gone upstream (0: never). */
  dropEveryBytes: number;
  /**
   * Cut a connection once it alone has sent this many bytes upstream (0: never): lands a cut at a
   * known place in one large request, whatever other connections send meanwhile.
   */
  dropConnectionAtBytes: number;
  /** Cut a connection once it alone has answered this many bytes downstream (0: never): a download breaking mid-file. */
  dropDownConnectionAtBytes: number;
  /** Cuts at most this many times (then passes everything). */
  maxDrops: number;
  /** Every Nth new connection gets a 503 for its first request (0: never). */
  fail503EveryConnections: number;
  /** 503s at most this many times. */
  max503: number;
}

export interface FaultProxy {
  readonly host: string;
  readonly port: number;
  readonly plan: FaultPlan;
  readonly counts: {
    bytesUp: number;
    bytesDown: number;
    connections: number;
    drops: number;
    served503: number;
  };
  stop(): Promise<void>;
}

const NO_FAULTS: FaultPlan = {
  dropEveryBytes: 0,
  dropConnectionAtBytes: 0,
  dropDownConnectionAtBytes: 0,
  maxDrops: 0,
  fail503EveryConnections: 0,
  max503: 0,
};

export async function startFaultProxy(
  targetPort: number,
  plan: Partial<FaultPlan> = {},
): Promise<FaultProxy> {
  const state: FaultPlan = { ...NO_FAULTS, ...plan };
  const counts = { bytesUp: 0, bytesDown: 0, connections: 0, drops: 0, served503: 0 };
  let nextDropAt = state.dropEveryBytes;
  const sockets = new Set<Socket>();
  const server: Server = createServer((client) => {
    counts.connections++;
    sockets.add(client);
    client.on('close', () => sockets.delete(client));
    client.on('error', () => undefined);
    if (
      state.fail503EveryConnections > 0 &&
      counts.connections % state.fail503EveryConnections === 0 &&
      counts.served503 < state.max503
    ) {
      counts.served503++;
      let head = '';
      client.on('data', (data: Buffer) => {
        head += data.toString('latin1');
        if (head.includes('\r\n\r\n')) {
          client.end(
            'HTTP/1.1 503 Service Unavailable\r\nRetry-After: 0\r\nContent-Length: 0\r\nConnection: close\r\n\r\n',
          );
          client.removeAllListeners('data');
          client.resume();
        }
      });
      return;
    }
    const upstream = connect(targetPort, '127.0.0.1');
    sockets.add(upstream);
    upstream.on('close', () => {
      sockets.delete(upstream);
      client.destroy();
    });
    upstream.on('error', () => client.destroy());
    client.on('close', () => upstream.destroy());
    let connectionUp = 0;
    client.on('data', (data: Buffer) => {
      counts.bytesUp += data.byteLength;
      connectionUp += data.byteLength;
      const cutTotal = state.dropEveryBytes > 0 && counts.bytesUp >= nextDropAt;
      const cutConnection = state.dropConnectionAtBytes > 0 && connectionUp >= state.dropConnectionAtBytes;
      if ((cutTotal || cutConnection) && counts.drops < state.maxDrops) {
        counts.drops++;
        const over = cutTotal ? counts.bytesUp - nextDropAt : connectionUp - state.dropConnectionAtBytes;
        const keep = Math.max(0, data.byteLength - over);
        if (cutTotal) nextDropAt = counts.bytesUp + state.dropEveryBytes;
        upstream.write(data.subarray(0, keep), () => {
          client.resetAndDestroy();
          upstream.destroy();
        });
        return;
      }
      if (!upstream.write(data)) client.pause();
    });
    upstream.on('drain', () => client.resume());
    let connectionDown = 0;
    upstream.on('data', (data: Buffer) => {
      counts.bytesDown += data.byteLength;
      connectionDown += data.byteLength;
      const limit = state.dropDownConnectionAtBytes;
      if (limit > 0 && connectionDown >= limit && counts.drops < state.maxDrops) {
        counts.drops++;
        counts.bytesDown -= connectionDown - limit;
        client.write(data.subarray(0, data.byteLength - (connectionDown - limit)), () => {
          client.resetAndDestroy();
          upstream.destroy();
        });
        upstream.pause();
        return;
      }
      if (!client.write(data)) upstream.pause();
    });
    client.on('drain', () => upstream.resume());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    host: `127.0.0.1:${port}`,
    port,
    plan: state,
    counts,
    async stop() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
