/** The HTTP server under the registry doubles: loopback, a free port, handler failures as a 500. */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';

/**
 * Listens on 127.0.0.1 at a free port. A handler that throws answers `fail` (a 500 in the double's
 * own error format) when nothing was sent yet, else the connection is cut.
 */
export async function listenLoopback(
  handle: (request: IncomingMessage, response: ServerResponse) => Promise<void>,
  fail: (response: ServerResponse, error: unknown) => void,
): Promise<Server> {
  const server = createServer((request, response) => {
    handle(request, response).catch((error: unknown) => {
      if (!response.headersSent) fail(response, error);
      else response.destroy();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return server;
}

/** Closes the server and every connection it holds (keep-alive ones too). */
export async function closeServer(server: Server | undefined): Promise<void> {
  if (!server) return;
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
}
