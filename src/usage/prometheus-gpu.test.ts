import { describe, expect, it } from '@jest/globals';
import { dcgmSelector, endpoint } from './prometheus-gpu.js';

describe('dcgmSelector', () => {
  it('matches our pods by the exporter labels, or their exported_ form', () => {
    expect(dcgmSelector('DCGM_FI_DEV_GPU_UTIL', 'models', ['m-1', 'm.2'])).toBe(
      'DCGM_FI_DEV_GPU_UTIL{namespace="models",pod=~"^(?:m-1|m\\\\.2)$"} or ' +
        'DCGM_FI_DEV_GPU_UTIL{exported_namespace="models",exported_pod=~"^(?:m-1|m\\\\.2)$"}',
    );
  });

  it('quotes what would end the string', () => {
    expect(dcgmSelector('M', 'a"b', ['p'])).toContain('namespace="a\\"b"');
  });
});

describe('endpoint', () => {
  it.each([
    { url: 'http://prom:9090/', base: 'http://prom:9090', auth: undefined },
    { url: 'https://prom.example/sub/', base: 'https://prom.example/sub', auth: undefined },
    {
      url: 'https://ops:s%40cret@prom.example',
      base: 'https://prom.example',
      auth: `Basic ${Buffer.from('ops:s@cret').toString('base64')}`,
    },
  ])('$url', ({ url, base, auth }) => {
    const e = endpoint(url);
    expect(e.base).toBe(base);
    expect(e.headers.Authorization).toBe(auth);
  });
});
