/**
 * The HTTP face of the double (node:http): routes discovery, the resource verbs, WATCH streams
 * (newline-delimited JSON events) and pod logs; writes failures as `Status` objects.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { apiGroupDocument, apiGroupList, apiResourceList, apiVersions, SERVER_VERSION } from './discovery.js';
import type { Kubelet } from './kubelet.js';
import { DEFAULT_USER, forbidden, isForbidden, type ForbidRule } from './rbac.js';
import type { ResourceApi } from './resource-api.js';
import {
  apiVersionOf,
  typeByPath,
  typeOf,
  type KubeObject,
  type ResourceType,
  type Verb,
} from './resources.js';
import { matchesFields, matchesRequirements, parseFieldSelector, parseLabelSelector } from './selectors.js';
import { ApiError, failure } from './status.js';
import { serviceProxy } from './service-proxy.js';
import type { ObjectStore, StoreEvent } from './store.js';
import { asTable, wantsTable } from './table.js';

/** Bodies larger than this are refused (the real limit is 3 MiB). */
const MAX_BODY = 3 * 1024 * 1024;
/** A watch ends after this long at most, as a real server ends it after its min-request-timeout. */
const MAX_WATCH_SECONDS = 1800;

export interface Route {
  readonly type: ResourceType;
  readonly namespace?: string;
  readonly name?: string;
  readonly subresource?: string;
}

/** `/apis/apps/v1/namespaces/ns/deployments/x/scale` -> its parts; undefined for unknown paths. */
export function parseRoute(pathname: string): Route | undefined {
  const parts = pathname.split('/').filter(Boolean).map(decodeURIComponent);
  let group: string;
  let rest: string[];
  if (parts[0] === 'api' && parts[1] === 'v1') [group, rest] = ['', parts.slice(2)];
  else if (parts[0] === 'apis' && parts.length >= 3) [group, rest] = [parts[1] ?? '', parts.slice(3)];
  else return undefined;
  const version = group ? (parts[2] ?? '') : 'v1';
  let namespace: string | undefined;
  if (rest[0] === 'namespaces' && rest.length >= 3 && typeByPath(group, version, rest[2] ?? '')) {
    namespace = rest[1];
    rest = rest.slice(2);
  }
  const type = typeByPath(group, version, rest[0] ?? '');
  if (!type || rest.length > 3) return undefined;
  return {
    type,
    ...(namespace !== undefined ? { namespace } : {}),
    ...(rest[1] !== undefined ? { name: rest[1] } : {}),
    ...(rest[2] !== undefined ? { subresource: rest[2] } : {}),
  };
}

function verbOf(method: string, route: Route, query: URLSearchParams): Verb | undefined {
  const watch = ['1', 'true'].includes(query.get('watch') ?? '');
  switch (method) {
    case 'GET':
      return route.name === undefined ? (watch ? 'watch' : 'list') : 'get';
    case 'POST':
      return route.name === undefined ? 'create' : undefined;
    case 'PUT':
      return route.name === undefined ? undefined : 'update';
    case 'PATCH':
      return route.name === undefined ? undefined : 'patch';
    case 'DELETE':
      return route.name === undefined ? 'deletecollection' : 'delete';
    default:
      return undefined;
  }
}

function send(res: ServerResponse, code: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(code, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY) throw failure('BadRequest', `the request body exceeds ${MAX_BODY} bytes`);
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

export interface HandlerContext {
  readonly store: ObjectStore;
  readonly api: ResourceApi;
  readonly kubelet: Kubelet;
  readonly rules: () => readonly ForbidRule[];
  readonly serverAddress: () => string;
  readonly bookmarkMs: number;
  /** Open watches end when the cluster closes. */
  readonly watches: Set<() => void>;
}

export function createHandler(ctx: HandlerContext) {
  // The API server's service proxy (/api/v1/namespaces/NS/services/NAME:PORT/proxy/PATH) reaches
  // the pods' model servers, as the smoke check does on a real cluster.
  const proxy = serviceProxy(ctx.store);
  return (req: IncomingMessage, res: ServerResponse): void => {
    if (proxy(req, res)) return;
    handle(ctx, req, res).catch((error: unknown) => {
      const status =
        error instanceof ApiError
          ? error
          : failure(
              'InternalError',
              `test cluster: ${error instanceof Error ? error.message : String(error)}`,
            );
      if (res.headersSent) res.end();
      else send(res, status.code, status.status);
    });
  };
}

async function handle(ctx: HandlerContext, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://test-cluster');
  const path = url.pathname.replace(/\/+$/, '') || '/';
  const method = req.method ?? 'GET';
  if (method === 'GET') {
    const discovery = discoveryDocument(ctx, path);
    if (discovery) return send(res, 200, discovery);
  }
  const route = parseRoute(path);
  if (!route) throw failure('NotFound', 'the server could not find the requested resource');
  const query = url.searchParams;
  const verb = verbOf(method, route, query);
  if (!verb)
    throw failure('MethodNotAllowed', `the server does not allow this method on the requested resource`);
  const impersonated = req.headers['impersonate-user'];
  const user = (Array.isArray(impersonated) ? impersonated[0] : impersonated) ?? DEFAULT_USER;

  if (verb === 'watch') return watch(ctx, req, res, route, query, user);
  if (route.subresource === 'log') return logs(ctx, res, route, query, user);
  if (verb === 'deletecollection')
    throw failure('MethodNotAllowed', 'deletecollection is not implemented by the test cluster');
  const body = ['POST', 'PUT', 'PATCH', 'DELETE'].includes(method) ? await readBody(req) : undefined;
  const result = ctx.api.handle({
    verb,
    type: route.type,
    ...(route.namespace !== undefined ? { namespace: route.namespace } : {}),
    ...(route.name !== undefined ? { name: route.name } : {}),
    ...(route.subresource !== undefined ? { subresource: route.subresource } : {}),
    query,
    ...(body !== undefined ? { body } : {}),
    ...(req.headers['content-type'] ? { contentType: req.headers['content-type'] } : {}),
    user,
    ...(req.headers['user-agent'] ? { userAgent: req.headers['user-agent'] } : {}),
  });
  const accept = req.headers.accept ?? '';
  if (method === 'GET' && wantsTable(accept)) {
    return send(
      res,
      result.code,
      asTable(route.type, result.body as KubeObject | { items: KubeObject[]; metadata: object }),
    );
  }
  send(res, result.code, result.body);
}

function discoveryDocument(ctx: HandlerContext, path: string): unknown {
  if (path === '/version') return SERVER_VERSION;
  if (path === '/api') return apiVersions(ctx.serverAddress());
  if (path === '/apis') return apiGroupList();
  if (path === '/healthz' || path === '/readyz' || path === '/livez') return 'ok';
  if (path === '/api/v1') return apiResourceList('', 'v1');
  const match = /^\/apis\/([^/]+)(?:\/([^/]+))?$/.exec(path);
  if (!match) return undefined;
  return match[2] ? apiResourceList(match[1] ?? '', match[2]) : apiGroupDocument(match[1] ?? '');
}

function logs(
  ctx: HandlerContext,
  res: ServerResponse,
  route: Route,
  query: URLSearchParams,
  user: string,
): void {
  const access = {
    user,
    verb: 'get' as const,
    type: route.type,
    subresource: 'log',
    ...(route.namespace ? { namespace: route.namespace } : {}),
    ...(route.name ? { name: route.name } : {}),
  };
  if (isForbidden(ctx.rules(), access)) throw forbidden(access);
  const pod = ctx.store.read(typeOf('pods'), route.namespace, route.name ?? '');
  const tail = query.get('tailLines');
  const text = ctx.kubelet.logs(
    pod,
    query.get('container') ?? undefined,
    tail === null ? undefined : Number(tail),
  );
  res.writeHead(200, { 'Content-Type': 'text/plain', 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}

function watch(
  ctx: HandlerContext,
  req: IncomingMessage,
  res: ServerResponse,
  route: Route,
  query: URLSearchParams,
  user: string,
): void {
  const access = {
    user,
    verb: 'watch' as const,
    type: route.type,
    ...(route.namespace ? { namespace: route.namespace } : {}),
  };
  if (isForbidden(ctx.rules(), access)) throw forbidden(access);
  const labels = parseLabelSelector(query.get('labelSelector') ?? '');
  const fields = parseFieldSelector(query.get('fieldSelector') ?? '');
  const matches = (object: KubeObject) =>
    (route.namespace === undefined ||
      !route.type.namespaced ||
      object.metadata.namespace === route.namespace) &&
    matchesRequirements(object.metadata.labels, labels) &&
    matchesFields(object, fields);
  res.writeHead(200, {
    'Content-Type': 'application/json',
    'Transfer-Encoding': 'chunked',
    'Cache-Control': 'no-cache',
  });
  res.flushHeaders();
  const write = (type: string, object: unknown) => {
    if (!res.writableEnded) res.write(`${JSON.stringify({ type, object })}\n`);
  };
  const bookmark = (initialEnd = false) =>
    write('BOOKMARK', {
      kind: route.type.kind,
      apiVersion: apiVersionOf(route.type),
      metadata: {
        resourceVersion: ctx.store.resourceVersion,
        ...(initialEnd ? { annotations: { 'k8s.io/initial-events-end': 'true' } } : {}),
      },
    });

  const rv = query.get('resourceVersion');
  const initial = !rv || rv === '0' || query.get('sendInitialEvents') === 'true';
  const from = initial ? Number(ctx.store.resourceVersion) : Number(rv);
  const forward = (event: StoreEvent) => {
    if (matches(event.object)) write(event.type, event.object);
  };
  let subscription: ReturnType<ObjectStore['subscribe']>;
  try {
    subscription = ctx.store.subscribe(route.type, from, forward);
  } catch (error) {
    write('ERROR', error instanceof ApiError ? error.status : failure('InternalError', String(error)).status);
    res.end();
    return;
  }
  if (initial) {
    for (const object of ctx.store.list(route.type, route.namespace))
      if (matches(object)) write('ADDED', object);
    if (query.get('sendInitialEvents') === 'true') bookmark(true);
  }
  for (const event of subscription.replay) forward(event);

  const bookmarks =
    query.get('allowWatchBookmarks') === 'true' ? setInterval(() => bookmark(), ctx.bookmarkMs) : undefined;
  const seconds = Math.min(
    Number(query.get('timeoutSeconds') ?? MAX_WATCH_SECONDS) || MAX_WATCH_SECONDS,
    MAX_WATCH_SECONDS,
  );
  const end = () => {
    subscription.unsubscribe();
    clearInterval(bookmarks);
    clearTimeout(deadline);
    ctx.watches.delete(end);
    if (!res.writableEnded) res.end();
  };
  const deadline = setTimeout(end, seconds * 1000);
  ctx.watches.add(end);
  req.on('close', end);
  res.on('close', end);
}
