import { describe, expect, it } from 'vitest';
import { catalogues } from '../../scripts/lib/messages.ts';
import { explainWatch, isWsl, watchMode } from '../../scripts/lib/watch-mode.ts';

// The kernels' own os.release() strings.
const WSL2 = '5.15.167.4-microsoft-standard-WSL2';
const WSL1 = '4.4.0-19041-Microsoft';
const DEBIAN = '6.1.0-28-amd64';

describe('how saves are noticed', () => {
  it('WSL is recognised by its kernel or its distro variable, and only on Linux', () => {
    expect(isWsl({ platform: 'linux', osRelease: WSL2, env: {} })).toBe(true);
    expect(isWsl({ platform: 'linux', osRelease: WSL1, env: {} })).toBe(true);
    expect(isWsl({ platform: 'linux', osRelease: DEBIAN, env: { WSL_DISTRO_NAME: 'Ubuntu' } })).toBe(true);
    expect(isWsl({ platform: 'linux', osRelease: DEBIAN, env: {} })).toBe(false);
    expect(isWsl({ platform: 'win32', osRelease: '10.0.22631', env: {} })).toBe(false);
  });

  it("a kata on a Windows drive under WSL polls by itself; inside WSL's own disk it does not", () => {
    const wsl = { platform: 'linux' as const, osRelease: WSL2, env: {} };
    expect(watchMode({ ...wsl, root: '/mnt/c/Users/ada/gradient-katas' })).toEqual({ poll: true, reason: 'wsl-drive' });
    expect(watchMode({ ...wsl, root: '/mnt/d' })).toEqual({ poll: true, reason: 'wsl-drive' });
    expect(watchMode({ ...wsl, root: '/home/ada/gradient-katas' })).toEqual({ poll: false, reason: 'default' });
    expect(watchMode({ ...wsl, root: '/mnt/wsl/shared/kata' })).toEqual({ poll: false, reason: 'default' });
    // Not WSL: a /mnt/c folder is an ordinary one.
    expect(watchMode({ platform: 'linux', osRelease: DEBIAN, env: {}, root: '/mnt/c/kata' }).poll).toBe(false);
  });

  it('--poll and KATA_POLL decide before any guess', () => {
    const base = { platform: 'linux' as const, osRelease: WSL2, root: '/mnt/c/kata' };
    expect(watchMode({ ...base, env: { KATA_POLL: '0' } })).toEqual({ poll: false, reason: 'env-off' });
    expect(watchMode({ ...base, env: { KATA_POLL: '0' }, flag: true })).toEqual({ poll: true, reason: 'flag' });
    expect(watchMode({ ...base, root: '/home/a', env: { KATA_POLL: '1' } })).toEqual({ poll: true, reason: 'env-on' });
  });

  it('the runner says why it polls, in both languages; the doctor in English', () => {
    expect(catalogues.en.polling('flag')).toBe('Watching for changes by polling (--poll).');
    expect(catalogues.en.polling('env-on')).toBe('Watching for changes by polling (KATA_POLL=1).');
    expect(catalogues.en.polling('wsl-drive')).toContain('a Windows drive under WSL');
    expect(catalogues.ko.polling('wsl-drive')).toContain('WSL의 Windows 드라이브');
    expect(explainWatch({ poll: true, reason: 'wsl-drive' }, '/mnt/c/k')).toBe(
      'the kata is on a Windows drive under WSL (/mnt/c/k), where saves send no file events',
    );
  });
});
