import { describe, expect, it } from '@jest/globals';
import { join } from 'node:path';
import { loadModel, predict, serve } from './server.js';

const EXAMPLE = join(import.meta.dirname, '..', '..', 'examples', 'registry', 'sentiment');

describe('the example model server', () => {
  it('scores from the weights: v1 and v2 differ for the same text', () => {
    const text = 'great product, fast delivery';
    expect(predict(loadModel(join(EXAMPLE, '1')), text)).toEqual({ label: 'positive', score: 0.930862 });
    expect(predict(loadModel(join(EXAMPLE, '2')), text)).toEqual({ label: 'positive', score: 0.937027 });
    expect(predict(loadModel(join(EXAMPLE, '2')), 'useless, not reliable').label).toBe('negative');
  });
  it('answers health and inference over HTTP', async () => {
    const server = await serve({ modelPath: join(EXAMPLE, '1'), version: '1' });
    try {
      const url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
      expect((await fetch(`${url}/healthz`)).status).toBe(200);
      const answer = await fetch(`${url}/v1/predict`, {
        method: 'POST',
        body: JSON.stringify({ text: 'terrible' }),
      });
      expect(await answer.json()).toEqual({ label: 'negative', score: 0.091123, version: '1' });
      expect((await fetch(`${url}/v1/predict`, { method: 'POST', body: '{}' })).status).toBe(400);
    } finally {
      server.close();
    }
  });
});
