/**
 * A registry file's bytes that survive a dropped connection: when the stream breaks mid-file and
 * the registry serves ranges, it is opened again at the byte it stopped at and goes on, so the
 * reader (a hash, a tar entry, an upload) sees one unbroken stream and no byte is read twice.
 * Without ranges, or after a few resumes, the break is the reader's to handle (its file restarts).
 */
import type { Logger } from '../logger.js';
import { isNetworkError } from '../retry.js';
import type { RemoteFile } from './download-cache.js';

export interface ResumeOptions {
  /** Names the version in the log line: `sentiment v2 from http://...`. */
  readonly label: string;
  readonly logger?: Logger;
  /** Resumes of one read before its break is given to the reader. Default 3. */
  readonly maxResumes?: number;
  /** Wait before the first resume; doubles each time. Default 250 ms. */
  readonly delayMs?: number;
}

/** Opens the file at `start` (0: from its first byte); the stream resumes where it broke. */
export async function openResuming(
  file: RemoteFile,
  start: number,
  options: ResumeOptions,
): Promise<AsyncIterable<Uint8Array>> {
  const first = start === 0 ? await file.open() : await openFrom(file, start);
  return file.openFrom ? resuming(file, first, start, options) : first;
}

function openFrom(file: RemoteFile, start: number): Promise<AsyncIterable<Uint8Array>> {
  if (!file.openFrom) throw new Error(`${file.path} cannot be read from byte ${start}: no ranges`);
  return file.openFrom(start);
}

async function* resuming(
  file: RemoteFile,
  first: AsyncIterable<Uint8Array>,
  start: number,
  options: ResumeOptions,
): AsyncIterable<Uint8Array> {
  const maxResumes = options.maxResumes ?? 3;
  const delayMs = options.delayMs ?? 250;
  let at = start;
  let resumes = 0;
  let iterator = first[Symbol.asyncIterator]();
  try {
    for (;;) {
      let next: IteratorResult<Uint8Array>;
      try {
        next = await iterator.next();
      } catch (error) {
        // Only a broken connection: a registry that answered an error, or a size check that
        // failed, would fail again the same way.
        if (!isNetworkError(error) || resumes >= maxResumes) throw error;
        resumes++;
        options.logger?.warn(
          `${options.label}: the connection broke at byte ${at} of ${file.path}` +
            `${file.size !== undefined ? ` (${file.size} bytes)` : ''}; reading on from there (resume ${resumes} of ${maxResumes})`,
        );
        await new Promise((resolve) => setTimeout(resolve, delayMs * 2 ** (resumes - 1)));
        iterator = (await openFrom(file, at))[Symbol.asyncIterator]();
        continue;
      }
      if (next.done) return;
      at += next.value.byteLength;
      yield next.value;
    }
  } finally {
    // A reader that stops early (an error of its own) closes the response under way.
    await iterator.return?.().catch(() => undefined);
  }
}
