import { describe, expect, it } from '@jest/globals';
import type { Logger } from '../logger.js';
import type { RemoteFile } from './download-cache.js';
import { openResuming } from './resuming-read.js';

const BYTES = Buffer.from('0123456789abcdefghij');

function reset(): Error {
  return Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' });
}

/** A file served in 4-byte chunks whose connections break after `breakAfter[i]` bytes (i: the i-th open). */
function flakyFile(breakAfter: number[], options: { ranges?: boolean; failWith?: () => Error } = {}) {
  const opened: number[] = [];
  const closed: number[] = [];
  const serve = async (start: number): Promise<AsyncIterable<Uint8Array>> => {
    const limit = breakAfter[opened.length];
    opened.push(start);
    return (async function* () {
      let sent = 0;
      try {
        for (let at = start; at < BYTES.length; at += 4) {
          const chunk = BYTES.subarray(at, Math.min(at + 4, BYTES.length));
          if (limit !== undefined && sent + chunk.length > limit) throw (options.failWith ?? reset)();
          sent += chunk.length;
          yield chunk;
        }
      } finally {
        closed.push(start);
      }
    })();
  };
  const file: RemoteFile = {
    path: 'weights.bin',
    size: BYTES.length,
    open: () => serve(0),
    ...(options.ranges !== false && { openFrom: (start: number) => serve(start) }),
  };
  return { file, opened, closed };
}

function recordingLogger() {
  const warnings: string[] = [];
  const logger = { warn: (m: string) => warnings.push(m) } as unknown as Logger;
  return { logger, warnings };
}

async function readAll(stream: AsyncIterable<Uint8Array>): Promise<Buffer> {
  const chunks: Uint8Array[] = [];
  for await (const chunk of stream) chunks.push(chunk);
  return Buffer.concat(chunks);
}

const options = (logger?: Logger) => ({ label: 'sentiment v2', delayMs: 0, ...(logger && { logger }) });

describe('openResuming', () => {
  it('reads on from the byte where each connection broke, logging each resume', async () => {
    const { file, opened } = flakyFile([8, 4]);
    const { logger, warnings } = recordingLogger();
    expect(await readAll(await openResuming(file, 0, options(logger)))).toEqual(BYTES);
    expect(opened).toEqual([0, 8, 12]);
    expect(warnings).toEqual([
      'sentiment v2: the connection broke at byte 8 of weights.bin (20 bytes); reading on from there (resume 1 of 3)',
      'sentiment v2: the connection broke at byte 12 of weights.bin (20 bytes); reading on from there (resume 2 of 3)',
    ]);
  });

  it('starts at an offset, and resumes past it', async () => {
    const { file, opened } = flakyFile([4]);
    expect(await readAll(await openResuming(file, 8, options()))).toEqual(BYTES.subarray(8));
    expect(opened).toEqual([8, 12]);
  });

  it('gives up after maxResumes, with the break itself', async () => {
    const { file, opened } = flakyFile([4, 4, 4]);
    await expect(readAll(await openResuming(file, 0, { ...options(), maxResumes: 2 }))).rejects.toMatchObject(
      {
        code: 'ECONNRESET',
      },
    );
    expect(opened).toEqual([0, 4, 8]);
  });

  it('does not resume what is not a broken connection', async () => {
    const { file, opened } = flakyFile([8], { failWith: () => new Error('size mismatch') });
    await expect(readAll(await openResuming(file, 0, options()))).rejects.toThrow('size mismatch');
    expect(opened).toEqual([0]);
  });

  it('without ranges, the break is the reader’s', async () => {
    const { file, opened } = flakyFile([8], { ranges: false });
    await expect(readAll(await openResuming(file, 0, options()))).rejects.toMatchObject({
      code: 'ECONNRESET',
    });
    expect(opened).toEqual([0]);
  });

  it('closes the response under way when the reader stops early', async () => {
    const { file, closed } = flakyFile([]);
    for await (const chunk of await openResuming(file, 0, options())) {
      expect(chunk).toEqual(BYTES.subarray(0, 4));
      break;
    }
    expect(closed).toEqual([0]);
  });
});
