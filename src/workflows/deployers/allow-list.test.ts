import { describe, expect, it } from 'vitest';
import { PolicyError } from '../../domain/errors/index.js';
import { assertDeployCommandAllowed } from './allow-list.js';

describe('assertDeployCommandAllowed', () => {
  it('refuses every command deployer when the operator listed none', () => {
    expect(() => assertDeployCommandAllowed(['/opt/deploy/push-image'], undefined)).toThrow(PolicyError);
    expect(() => assertDeployCommandAllowed(['/opt/deploy/push-image'], ' , ')).toThrow(
      /no command deployers/,
    );
  });

  it('allows exactly the listed programs, matched on the whole path', () => {
    const list = '/opt/deploy/push-image, /usr/local/bin/helm';
    expect(() => assertDeployCommandAllowed(['/opt/deploy/push-image', '--fast'], list)).not.toThrow();
    expect(() => assertDeployCommandAllowed(['/usr/local/bin/helm'], list)).not.toThrow();
    expect(() => assertDeployCommandAllowed(['/opt/deploy/push-image-evil'], list)).toThrow(/not among/);
    expect(() => assertDeployCommandAllowed(['sh', '-c', 'rm -rf /'], list)).toThrow(PolicyError);
    expect(() => assertDeployCommandAllowed([], list)).toThrow(PolicyError);
  });
});
