/** `WWW-Authenticate` challenges (RFC 7235) as registries send them: Basic, or Bearer with realm/service/scope. */

export interface Challenge {
  /** Lower case: `basic`, `bearer`, ... */
  readonly scheme: string;
  /** Parameter names in lower case. */
  readonly params: Readonly<Record<string, string>>;
}

/**
 * Parses one header value, which may hold several challenges:
 * `Bearer realm="https://auth/token",service="reg",scope="repository:a:pull"`.
 */
export function parseChallenges(header: string): Challenge[] {
  const challenges: Challenge[] = [];
  let i = 0;
  const skip = (pattern: RegExp) => {
    while (i < header.length && pattern.test(header[i]!)) i++;
  };
  while (i < header.length) {
    skip(/[\s,]/);
    const scheme = /^[A-Za-z0-9!#$%&'*+.^_`|~-]+/.exec(header.slice(i))?.[0];
    if (!scheme) break;
    i += scheme.length;
    const params: Record<string, string> = {};
    for (;;) {
      skip(/[\s,]/);
      const name = /^([A-Za-z0-9!#$%&'*+.^_`|~-]+)\s*=\s*/.exec(header.slice(i));
      if (!name?.[1]) break;
      i += name[0].length;
      let value = '';
      if (header[i] === '"') {
        i++;
        while (i < header.length && header[i] !== '"') {
          if (header[i] === '\\' && i + 1 < header.length) i++;
          value += header[i];
          i++;
        }
        i++;
      } else {
        const token = /^[^\s,]*/.exec(header.slice(i))?.[0] ?? '';
        value = token;
        i += token.length;
      }
      params[name[1].toLowerCase()] = value;
    }
    challenges.push({ scheme: scheme.toLowerCase(), params });
  }
  return challenges;
}

/** The scope a repository operation needs: `repository:R:pull` or `repository:R:pull,push`. */
export function repositoryScope(repository: string, push: boolean): string {
  return `repository:${repository}:${push ? 'pull,push' : 'pull'}`;
}
