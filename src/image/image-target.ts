/**
 * Where the built image goes, and where base images come from: an OCI layout folder (the embedded
 * default) or a registry repository. The registry clients are made here so that credentials given
 * as inputs reach only the registry they were given for — never a base image's registry.
 */
import type { Logger } from '../logger.js';
import { OciLayoutSink } from '../oci/layout-sink.js';
import { RegistryClient } from '../oci/remote/client.js';
import { credentialProvider, type Credential, type CredentialProvider } from '../oci/remote/credentials.js';
import { parseImageReference } from '../oci/remote/reference.js';
import { RegistryBaseSource } from '../oci/remote/registry-base.js';
import { OciRegistryError } from '../oci/remote/remote-error.js';
import { RegistrySink } from '../oci/remote/registry-sink.js';
import type { ImageSink } from '../oci/sink.js';

export interface RegistryAccess {
  readonly username?: string;
  readonly password?: string;
  readonly insecure: boolean;
  readonly logger: Logger;
  readonly mask?: (secret: string) => void;
  readonly env?: NodeJS.ProcessEnv;
}

/** One client per registry host, for the whole promotion (tokens are cached per client). */
export class RegistryClients {
  private readonly clients = new Map<string, RegistryClient>();
  private readonly explicit: CredentialProvider;
  private readonly ambient: CredentialProvider;

  constructor(
    private readonly access: RegistryAccess,
    /** The only registry that receives the credentials given as inputs. */
    private readonly target?: string,
  ) {
    const common = { ...(access.mask && { mask: access.mask }), ...(access.env && { env: access.env }) };
    this.explicit = credentialProvider({
      ...common,
      ...(access.username && { username: access.username }),
      ...(access.password && { password: access.password }),
    });
    this.ambient = credentialProvider(common);
  }

  clientFor = (registry: string): RegistryClient => {
    let client = this.clients.get(registry);
    if (!client) {
      client = new RegistryClient({
        registry,
        credentials: registry === this.target ? this.explicit : this.ambient,
        insecure: this.access.insecure,
        logger: this.access.logger,
      });
      this.clients.set(registry, client);
    }
    return client;
  };

  baseSource(): RegistryBaseSource {
    return new RegistryBaseSource(this.clientFor);
  }

  /** The credential for a registry, for tools that push on their own (buildah). */
  credential(registry: string): Promise<Credential> {
    return (registry === this.target ? this.explicit : this.ambient)(registry);
  }
}

export interface ImageTarget {
  /** Says where in logs: `oci-layout:out/demo/image`, `ghcr.io/org/model`. */
  readonly name: string;
  open(): Promise<ImageSink>;
  /** The image by digest, as the record and the manifests name it. */
  reference(digest: string): string;
}

export function layoutTarget(directory: string, displayPath: string): ImageTarget {
  return {
    name: `oci-layout:${displayPath}`,
    open: () => OciLayoutSink.open(directory),
    reference: (digest) => `oci-layout:${displayPath}@${digest}`,
  };
}

/** `HOST/REPO`, with no tag or digest: tags come from the model version and pool. */
export function parseRepository(text: string): { registry: string; repository: string } {
  const ref = parseImageReference(text);
  if (ref.tag !== undefined || ref.digest !== undefined) {
    throw new OciRegistryError(
      'usage',
      'reference-invalid',
      `image-repository ${text} names a tag or digest`,
      'give the repository only (e.g. ghcr.io/org/sentiment); tags come from the model version and pool',
    );
  }
  return { registry: ref.registry, repository: ref.repository };
}

/** A repository in a registry: referrers can be attached to what is pushed there. */
export interface RegistryImageTarget extends ImageTarget {
  readonly registry: string;
  readonly repository: string;
}

export function registryTarget(text: string, clients: RegistryClients, logger: Logger): RegistryImageTarget {
  const { registry, repository } = parseRepository(text);
  return {
    registry,
    repository,
    name: `${registry}/${repository}`,
    // One pass per layer: the build's layer keys find the layers the registry already has.
    open: async () =>
      new RegistrySink(clients.clientFor(registry), repository, { logger, hashBeforeUpload: false }),
    reference: (digest) => `${registry}/${repository}@${digest}`,
  };
}
