import { describe, expect, it } from 'vitest';

import { InputError } from '../../domain/errors/index.js';
import { parseSpecifierSet } from './index.js';

// The cases @renovatebot/pep440 gets wrong (ARCHITECTURE.md "Stack and why"), each checked
// against `pip._vendor.packaging` (pip 23.2.1) and packaging 26 by hand.
describe('parseSpecifierSet', () => {
  it("'<V' refuses pre-releases of V but admits those of earlier releases (PEP 440 exclusive ordered comparison)", () => {
    const lt = parseSpecifierSet('<3.1', { prereleases: true });
    expect(lt.contains('3.1.dev0')).toBe(false);
    expect(lt.contains('3.1rc1')).toBe(false);
    expect(lt.contains('3.0rc1')).toBe(true);
  });

  it("'>V' refuses post-releases and local versions of V, admits later ones", () => {
    const gt = parseSpecifierSet('>1.10');
    expect(gt.contains('1.10.post1')).toBe(false);
    expect(gt.contains('1.10+local')).toBe(false);
    expect(gt.contains('1.10.1')).toBe(true);
    expect(gt.contains('1.11.post1')).toBe(true);
  });

  it("'==X.*' pads with zeros and ignores the local label", () => {
    const wildcard = parseSpecifierSet('==1.10.*');
    expect(wildcard.contains('1.10')).toBe(true);
    expect(wildcard.contains('1.10.7+ubuntu1')).toBe(true);
    expect(wildcard.contains('1.1')).toBe(false);
    expect(parseSpecifierSet('==2.0.*').contains('2', { prereleases: true })).toBe(true);
    expect(parseSpecifierSet('!=2.0.*').contains('2.0.0.1')).toBe(false);
  });

  it("'==V' without a local label ignores the candidate's local label, with one it does not", () => {
    expect(parseSpecifierSet('==1.0').contains('1.0+cpu')).toBe(true);
    expect(parseSpecifierSet('==1.0+cpu').contains('1.0+cu121')).toBe(false);
  });

  it('decides the pre-release policy for the whole set', () => {
    // One clause naming a pre-release opens the whole set to them (pip 23.2.1).
    const set = parseSpecifierSet('>=1.10.0b1,<2');
    expect(set.prereleases).toBe(true);
    expect(set.filter(['1.9', '1.10.0b2', '1.10.0', '2.0.0rc1'])).toEqual(['1.10.0b2', '1.10.0']);
    expect(parseSpecifierSet('>=1.10,<2').filter(['1.10.0b2', '1.10.0'])).toEqual(['1.10.0']);
    expect(parseSpecifierSet('>=1.10,<2').filter(['1.11.0b2'], { prereleases: true })).toEqual(['1.11.0b2']);
  });

  it('falls back to pre-releases only for an empty set', () => {
    expect(parseSpecifierSet('').filter(['2.0a1', '2.0b1'])).toEqual(['2.0a1', '2.0b1']);
    expect(parseSpecifierSet('').filter(['1.0', '2.0a1'])).toEqual(['1.0']);
  });

  it('finds a witness or proves the set empty', () => {
    expect(parseSpecifierSet('>=1.10,<1.11,!=1.10.*').isSatisfiable()).toBe(false);
    const set = parseSpecifierSet('>=3.8,!=3.9.*,~=3.10.2,<3.14');
    expect(set.contains(set.witness()!, { prereleases: true })).toBe(true);
  });

  it('names the bad clause', () => {
    expect(() => parseSpecifierSet('>=1.0, =<2.0')).toThrow(/Invalid specifier '=<2.0' in '>=1.0, =<2.0'/);
    expect(() => parseSpecifierSet('~=1')).toThrow(InputError);
    expect(() => parseSpecifierSet('>=1.0+local')).toThrow(/local version label/);
  });

  it('writes canonical text without spaces', () => {
    expect(parseSpecifierSet(' >= 1.10 , < 1.11 ').text).toBe('>=1.10,<1.11');
  });
});
