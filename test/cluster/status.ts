/**
 * `Status` objects as a real API server returns them for failures (kind Status, status Failure,
 * reason, code, details), and the error that carries one through the request handlers.
 */
import type { ResourceType } from './resources.js';

export type StatusReason =
  | 'NotFound'
  | 'AlreadyExists'
  | 'Conflict'
  | 'Invalid'
  | 'Forbidden'
  | 'BadRequest'
  | 'MethodNotAllowed'
  | 'Gone'
  | 'UnsupportedMediaType'
  | 'NotAcceptable'
  | 'InternalError';

export interface StatusCause {
  reason: string;
  message: string;
  field?: string;
}

export interface Status {
  kind: 'Status';
  apiVersion: 'v1';
  metadata: Record<string, never>;
  status: 'Failure' | 'Success';
  message: string;
  reason?: StatusReason;
  details?: { name?: string; group?: string; kind?: string; uid?: string; causes?: StatusCause[] };
  code: number;
}

const CODES: Readonly<Record<StatusReason, number>> = {
  NotFound: 404,
  AlreadyExists: 409,
  Conflict: 409,
  Invalid: 422,
  Forbidden: 403,
  BadRequest: 400,
  MethodNotAllowed: 405,
  Gone: 410,
  UnsupportedMediaType: 415,
  NotAcceptable: 406,
  InternalError: 500,
};

/** Thrown inside the double; the HTTP layer writes `status` with its code. */
export class ApiError extends Error {
  constructor(readonly status: Status) {
    super(status.message);
    this.name = 'ApiError';
  }
  get code(): number {
    return this.status.code;
  }
}

export function failure(reason: StatusReason, message: string, details?: Status['details']): ApiError {
  return new ApiError({
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message,
    reason,
    ...(details ? { details } : {}),
    code: CODES[reason],
  });
}

/** `deployments.apps`, or `pods` for the core group: the way the server names a resource in messages. */
export function qualifiedResource(type: Pick<ResourceType, 'plural' | 'group'>): string {
  return type.group ? `${type.plural}.${type.group}` : type.plural;
}

export function notFound(type: Pick<ResourceType, 'plural' | 'group'>, name: string): ApiError {
  return failure('NotFound', `${qualifiedResource(type)} "${name}" not found`, {
    name,
    group: type.group,
    kind: type.plural,
  });
}

export function namespaceNotFound(namespace: string): ApiError {
  return notFound({ plural: 'namespaces', group: '' }, namespace);
}

export function alreadyExists(type: ResourceType, name: string): ApiError {
  return failure('AlreadyExists', `${qualifiedResource(type)} "${name}" already exists`, {
    name,
    group: type.group,
    kind: type.plural,
  });
}

export function conflict(type: ResourceType, name: string, why: string, causes?: StatusCause[]): ApiError {
  return failure(
    'Conflict',
    `Operation cannot be fulfilled on ${qualifiedResource(type)} "${name}": ${why}`,
    {
      name,
      group: type.group,
      kind: type.plural,
      ...(causes ? { causes } : {}),
    },
  );
}

export const MODIFIED =
  'the object has been modified; please apply your changes to the latest version and try again';

export function invalid(type: ResourceType, name: string, causes: StatusCause[]): ApiError {
  const summary = causes.map((cause) => `${cause.field ?? ''}: ${cause.message}`).join(', ');
  const kindGroup = type.group ? `${type.kind}.${type.group}` : type.kind;
  return failure(
    'Invalid',
    `${kindGroup} "${name}" is invalid: ${causes.length > 1 ? `[${summary}]` : summary}`,
    {
      name,
      group: type.group,
      kind: type.kind,
      causes,
    },
  );
}

export function badRequest(message: string): ApiError {
  return failure('BadRequest', message);
}
