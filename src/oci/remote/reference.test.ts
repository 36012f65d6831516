import { describe, expect, it } from '@jest/globals';
import { apiHost, isLoopback, parseImageReference, registryOrigin } from './reference.js';

describe('parseImageReference', () => {
  it.each([
    { text: 'ubuntu', ref: { registry: 'docker.io', repository: 'library/ubuntu' } },
    { text: 'ubuntu:24.04', ref: { registry: 'docker.io', repository: 'library/ubuntu', tag: '24.04' } },
    { text: 'ghcr.io/org/serving:1.2', ref: { registry: 'ghcr.io', repository: 'org/serving', tag: '1.2' } },
    { text: '127.0.0.1:5000/demo', ref: { registry: '127.0.0.1:5000', repository: 'demo' } },
    {
      text: 'localhost/a/b@sha256:' + 'a'.repeat(64),
      ref: { registry: 'localhost', repository: 'a/b', digest: 'sha256:' + 'a'.repeat(64) },
    },
    { text: '[::1]:5000/demo:x', ref: { registry: '[::1]:5000', repository: 'demo', tag: 'x' } },
  ])('$text', ({ text, ref }) => {
    expect(parseImageReference(text)).toEqual(ref);
  });

  it.each(['Upper/Case', 'ghcr.io/org/x:bad tag', 'x@sha256:short', ''])('refuses %j', (text) => {
    expect(() => parseImageReference(text)).toThrow(
      expect.objectContaining({ code: 'reference-invalid' }) as unknown as Error,
    );
  });
});

describe('registryOrigin', () => {
  it.each([
    { registry: '127.0.0.1:5000', insecure: false, origin: 'http://127.0.0.1:5000' },
    { registry: '127.8.9.10:80', insecure: false, origin: 'http://127.8.9.10:80' },
    { registry: 'localhost:5000', insecure: false, origin: 'http://localhost:5000' },
    { registry: '[::1]:5000', insecure: false, origin: 'http://[::1]:5000' },
    { registry: 'ghcr.io', insecure: false, origin: 'https://ghcr.io' },
    { registry: '10.0.0.5:5000', insecure: false, origin: 'https://10.0.0.5:5000' },
    { registry: '10.0.0.5:5000', insecure: true, origin: 'http://10.0.0.5:5000' },
    { registry: 'docker.io', insecure: false, origin: 'https://registry-1.docker.io' },
  ])('$registry (insecure $insecure) -> $origin', ({ registry, insecure, origin }) => {
    expect(registryOrigin(registry, insecure)).toBe(origin);
  });

  it('knows loopback from look-alikes', () => {
    expect(isLoopback('127.0.0.1.example.com')).toBe(false);
    expect(isLoopback('localhost.example.com:5000')).toBe(false);
    expect(apiHost('index.docker.io')).toBe('registry-1.docker.io');
  });
});
