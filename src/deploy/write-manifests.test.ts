import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { parse, parseAllDocuments } from 'yaml';
import { pool, renderInput } from '../../test/deploy/render-fixture.js';
import { renderManifests } from './render.js';
import { writeManifests } from './write-manifests.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'manifests-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('writeManifests', () => {
  const cases = [
    {
      title: 'deployment form',
      form: 'deployment',
      files: [
        /^01-configmap-sentiment-production-[0-9a-f]{10}\.yaml$/,
        /^02-deployment-sentiment-production\.yaml$/,
        /^03-service-sentiment-production\.yaml$/,
        /^04-horizontalpodautoscaler-sentiment-production\.yaml$/,
        /^all\.yaml$/,
      ],
    },
    {
      title: 'kserve form',
      form: 'kserve',
      files: [
        /^01-configmap-sentiment-production-[0-9a-f]{10}\.yaml$/,
        /^02-inferenceservice-sentiment-production\.yaml$/,
        /^all\.yaml$/,
      ],
    },
  ];
  it.each(cases)(
    'writes one file per object in apply order, then all.yaml: $title',
    async ({ form, files }) => {
      const objects = renderManifests(renderInput({ pool: pool({ form }) }));
      const paths = await writeManifests(dir, objects);
      expect(paths.map((p) => basename(p))).toEqual(
        files.map((_, i) => expect.stringMatching(files[i] as RegExp)),
      );
      for (const [index, object] of objects.entries())
        expect(parse(await readFile(paths[index] as string, 'utf8'))).toEqual(object);
      const all = parseAllDocuments(await readFile(join(dir, 'all.yaml'), 'utf8')).map((doc) => doc.toJS());
      expect(all).toEqual(objects);
    },
  );

  it('writes the same bytes for the same promotion', async () => {
    const first = await writeManifests(join(dir, 'a'), renderManifests(renderInput()));
    const second = await writeManifests(join(dir, 'b'), renderManifests(renderInput()));
    for (const [index, path] of first.entries()) {
      expect(await readFile(path, 'utf8')).toBe(await readFile(second[index] as string, 'utf8'));
    }
    const deployment = await readFile(first[1] as string, 'utf8');
    expect(
      deployment.startsWith(
        'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: sentiment-production\n',
      ),
    ).toBe(true);
  });

  it('removes manifests of an earlier run, and only those', async () => {
    await writeManifests(dir, renderManifests(renderInput()));
    await writeFile(join(dir, 'record.json'), '{}');
    const fixed = renderManifests(
      renderInput({ pool: pool({ scaling: { minReplicas: 1, maxReplicas: 1 } }) }),
    );
    await writeManifests(dir, fixed);
    const names = (await readdir(dir)).sort();
    expect(names).toHaveLength(5);
    expect(names).toContain('record.json');
    expect(names.some((name) => name.includes('horizontalpodautoscaler'))).toBe(false);
  });
});
