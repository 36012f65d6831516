/**
 * The `registry` sink: an ImageSink that pushes straight to a registry repository. Blobs of known
 * digest already there are skipped (HEAD, the source is never read), blobs in a sibling repository
 * are mounted, the rest uploaded (in one pass over their source with `hashBeforeUpload: false`), at
 * most `concurrency` at once. The manifest goes last with its exact bytes, by digest first and then
 * under each tag; once a blob upload has failed the sink refuses to write any manifest.
 */
import { type Logger, silentLogger } from '../../logger.js';
import { formatBytes } from '../../format-bytes.js';
import { byteProgress } from '../../progress.js';
import { DigestCounter, sha256Digest } from '../digest.js';
import type { BlobSource, BlobToWrite, BlobWriteEvent, ImageSink } from '../sink.js';
import type { Descriptor } from '../types.js';
import { Limiter } from '../../limiter.js';
import type { RegistryClient } from './client.js';
import { OciRegistryError } from './remote-error.js';
import { uploadBlob, type UploadOptions } from './upload.js';

export interface RegistrySinkOptions extends Pick<
  UploadOptions,
  'mode' | 'chunkSize' | 'monolithicMaxBytes' | 'mountFrom'
> {
  /** Blob uploads running at once. Default 3. */
  readonly concurrency?: number;
  readonly logger?: Logger;
  /** Blobs at least this large get progress lines. Default 8 MiB. */
  readonly progressMinBytes?: number;
  /** Progress line interval. Default 5 s. */
  readonly progressIntervalMs?: number;
  /**
   * Blobs whose digest the caller does not know are hashed in a first read of the source, so one the
   * registry already has is not sent again; that reads each such blob twice. False uploads them in
   * one pass, hashed on the way (the final PUT names the digest): right for the image build given
   * layer keys (BuildHooks.layerDigests), which knows the digests of the layers it built before
   * without reading them and skips those the registry has. Default true.
   */
  readonly hashBeforeUpload?: boolean;
}

/** What a push did, for the record and for tests. */
export interface PushStats {
  blobsSkipped: number;
  blobsMounted: number;
  blobsUploaded: number;
  /** Body bytes sent for blobs, retries included. */
  bytesUploaded: number;
  restarts: number;
}

export class RegistrySink implements ImageSink {
  readonly name: string;
  readonly stats: PushStats = {
    blobsSkipped: 0,
    blobsMounted: 0,
    blobsUploaded: 0,
    bytesUploaded: 0,
    restarts: 0,
  };
  /**
   * Blobs this sink put into the repository (uploaded or mounted), in order: until a manifest names
   * them, nothing references them, so a failed push reports them.
   */
  readonly written: string[] = [];
  private readonly logger: Logger;
  private readonly limit: Limiter;
  private failure: unknown;

  constructor(
    readonly client: RegistryClient,
    readonly repository: string,
    private readonly options: RegistrySinkOptions = {},
  ) {
    this.name = `registry:${client.registry}/${repository}`;
    this.logger = options.logger ?? client.logger ?? silentLogger;
    this.limit = new Limiter(options.concurrency ?? 3);
  }

  async hasBlob(digest: string): Promise<boolean> {
    return (await this.client.headBlob(this.repository, digest, true)) !== undefined;
  }

  writeBlob(
    blob: BlobToWrite,
    source: BlobSource,
    onEvent?: (event: BlobWriteEvent) => void,
  ): Promise<Descriptor> {
    return this.limit.run(async () => {
      try {
        return await this.pushBlob(blob, source, onEvent);
      } catch (error) {
        this.failure ??= error;
        throw error;
      }
    });
  }

  async writeManifest(bytes: Uint8Array, mediaType: string, tags: readonly string[]): Promise<Descriptor> {
    const digest = sha256Digest(bytes);
    if (this.failure !== undefined) {
      throw new OciRegistryError(
        'failed',
        'push-incomplete',
        `not pushing manifest ${digest} to ${this.name}: a blob upload failed (${this.failure instanceof Error ? this.failure.message : String(this.failure)})`,
        'nothing was tagged; fix the cause and push again',
        { cause: this.failure },
      );
    }
    await this.client.putManifest(this.repository, digest, bytes, mediaType);
    for (const tag of tags) await this.client.putManifest(this.repository, tag, bytes, mediaType);
    this.logger.info(
      `pushed ${this.client.registry}/${this.repository}@${digest}${tags.length ? ` as ${tags.join(', ')}` : ''}`,
    );
    return { mediaType, digest, size: bytes.byteLength };
  }

  private async pushBlob(
    blob: BlobToWrite,
    source: BlobSource,
    onEvent: ((event: BlobWriteEvent) => void) | undefined,
  ): Promise<Descriptor> {
    let known: { digest?: string; size?: number } = {
      ...(blob.digest ? { digest: blob.digest } : {}),
      ...(blob.size !== undefined ? { size: blob.size } : {}),
    };
    if (known.digest === undefined && this.options.hashBeforeUpload !== false) {
      const counter = new DigestCounter();
      for await (const chunk of source()) counter.update(chunk);
      known = { digest: counter.digest(), size: counter.size };
    }
    if (known.digest !== undefined) {
      const size = await this.client.headBlob(this.repository, known.digest, true);
      if (size !== undefined && (known.size === undefined || known.size === size)) {
        this.stats.blobsSkipped++;
        this.logger.debug(`${this.name} has ${known.digest} already`);
        onEvent?.({ kind: 'present' });
        return descriptorOf(blob, known.digest, size);
      }
    }
    const label = `pushing ${known.digest?.slice(0, 19) ?? 'blob'} to ${this.client.registry}/${this.repository}`;
    const progress =
      (known.size ?? Infinity) >= (this.options.progressMinBytes ?? 8 * 1024 * 1024)
        ? byteProgress(this.logger, label, known.size ?? 0, {
            intervalMs: this.options.progressIntervalMs ?? 5000,
          })
        : undefined;
    let sent = 0;
    const mountFrom = [
      ...(blob.mountFrom !== undefined ? [blob.mountFrom] : []),
      ...(this.options.mountFrom ?? []),
    ];
    const result = await uploadBlob(this.client, this.repository, known, source, {
      ...(this.options.mode ? { mode: this.options.mode } : {}),
      ...(this.options.chunkSize ? { chunkSize: this.options.chunkSize } : {}),
      ...(this.options.monolithicMaxBytes !== undefined
        ? { monolithicMaxBytes: this.options.monolithicMaxBytes }
        : {}),
      ...(mountFrom.length > 0 && { mountFrom }),
      onBytes: (bytes) => {
        sent += bytes;
        this.stats.bytesUploaded += bytes;
        progress?.update(sent);
        onEvent?.({ kind: 'sent', bytes });
      },
    });
    this.stats.restarts += result.restarts;
    this.written.push(result.digest);
    if (result.mountedFrom !== undefined) {
      this.stats.blobsMounted++;
      onEvent?.({ kind: 'mounted', from: result.mountedFrom });
      this.logger.info(
        `mounted ${result.digest} (${formatBytes(result.size)}) into ${this.client.registry}/${this.repository} from ${result.mountedFrom}: nothing uploaded`,
      );
    } else {
      this.stats.blobsUploaded++;
      progress?.done();
      if (blob.mountFrom !== undefined) {
        this.logger.info(
          `${this.client.registry} did not mount ${result.digest} from ${blob.mountFrom}: uploaded it instead`,
        );
      }
    }
    return descriptorOf(blob, result.digest, result.size);
  }
}

function descriptorOf(blob: BlobToWrite, digest: string, size: number): Descriptor {
  return blob.annotations
    ? { mediaType: blob.mediaType, digest, size, annotations: blob.annotations }
    : { mediaType: blob.mediaType, digest, size };
}
