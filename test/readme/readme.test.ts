/**
 * Issue 17 item 7: the README is executed, token by token, as written. Every ```sh example of
 * README.md runs in order, in /bin/sh, in a scratch folder where `./bin/ratchet` is this checkout's
 * CLI (dist/, compiled by the global setup) and a demo was started the way the README starts it.
 * The only text the test puts in is what the README tells the reader to copy: each `<...>`
 * placeholder must be one of PLACEHOLDERS below, and is filled from what the demo or an earlier
 * example printed. An example fails the test when it exits otherwise than the README says (0, or
 * the `# -> exit N` its comment announces); a placeholder the test does not know, or one it knows
 * and the README no longer uses, fails it too: the README and this test cannot drift apart.
 */
import { spawn, spawnSync } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanEnvironment } from '../support/processes.js';

const ROOT = resolve(import.meta.dirname, '..', '..');
const README = readFileSync(join(ROOT, 'README.md'), 'utf8');

/** One example: a command (continuation lines joined) and the exit code the README announces. */
interface Example {
  block: number;
  line: number;
  command: string;
  expectedExit: number;
}

/** The ```sh blocks of the README, each as its text and the line it starts on. */
export function shellBlocks(markdown: string): { text: string; line: number }[] {
  const blocks: { text: string; line: number }[] = [];
  const lines = markdown.split('\n');
  for (let i = 0; i < lines.length; i += 1) {
    if (lines[i]!.trim() !== '```sh') continue;
    const start = i + 1;
    let end = start;
    while (end < lines.length && lines[end]!.trim() !== '```') end += 1;
    blocks.push({ text: lines.slice(start, end).join('\n'), line: start + 1 });
    i = end;
  }
  return blocks;
}

/** The commands of a block: continuation lines joined, blank and comment-only lines left out. */
export function examplesOf(block: { text: string; line: number }, index: number): Example[] {
  const examples: Example[] = [];
  const lines = block.text.split('\n');
  for (let i = 0; i < lines.length; i += 1) {
    const first = i;
    let command = lines[i]!;
    while (command.endsWith('\\') && i + 1 < lines.length) {
      i += 1;
      command = `${command.slice(0, -1)}${lines[i]!}`;
    }
    const trimmed = command.trim();
    if (trimmed === '' || trimmed.startsWith('#')) continue;
    const announced = /#\s*->\s*exit (\d)/.exec(trimmed);
    examples.push({
      block: index,
      line: block.line + first,
      command: trimmed,
      expectedExit: announced ? Number(announced[1]) : 0,
    });
  }
  return examples;
}

/** What the demo printed when it started: its URL and each user's token by name. */
interface DemoAnnouncement {
  url: string;
  tokens: Map<string, string>;
}

/**
 * Every placeholder the README may use, and where its value comes from: the demo's announcement,
 * or the latest earlier output matching a pattern (as a reader would scroll up and copy it).
 */
const PLACEHOLDERS: Record<string, (demo: DemoAnnouncement, outputs: readonly string[]) => string> = {
  'the URL the demo printed': (demo) => demo.url,
  "Petra's provider-admin token": (demo) => tokenOf(demo, 'Petra'),
  "Pete's provider-engineer token": (demo) => tokenOf(demo, 'Pete'),
  "Bea's customer-admin token": (demo) => tokenOf(demo, 'Bea'),
  'the rbr_ id rollback request printed': (_, outputs) =>
    latest(outputs, /^rollback request (rbr_\w+): requested$/m),
  'the report hash rollback request printed': (_, outputs) =>
    latest(outputs, /^rollback request rbr_\w+: requested\nreport hash: ([0-9a-f]{64})$/m),
  'the def_ id defect report printed': (_, outputs) => latest(outputs, /^defect (def_\w+): .*\nreported, /m),
  'the ifc_ id infra list printed': (_, outputs) => latest(outputs, /^(ifc_\w+)\s.*\splanned\s/m),
  'the wheel folder image show printed': (_, outputs) =>
    latest(outputs, /^package source: find-links folder (\/\S+)$/m),
};

function tokenOf(demo: DemoAnnouncement, name: string): string {
  const token = demo.tokens.get(name);
  if (token === undefined) throw new Error(`The demo printed no token for ${name}.`);
  return token;
}

function latest(outputs: readonly string[], pattern: RegExp): string {
  for (let i = outputs.length - 1; i >= 0; i -= 1) {
    const match = pattern.exec(outputs[i]!);
    if (match) return match[1]!;
  }
  throw new Error(`No earlier example printed what ${String(pattern)} looks for.`);
}

const PLACEHOLDER = /<([^<>\n]+)>/g;

/** Bearer tokens never reach test output (HELPER-RULES): failure messages show them redacted. */
function redact(text: string): string {
  return text.replace(/rtk_[A-Za-z0-9_]+/g, 'rtk_…');
}

function fill(command: string, demo: DemoAnnouncement, outputs: readonly string[]): string {
  return command.replace(PLACEHOLDER, (_, name: string) => {
    const source = PLACEHOLDERS[name];
    if (source === undefined)
      throw new Error(`The README asks for <${name}>, which this test does not know.`);
    return source(demo, outputs);
  });
}

/** Starts `./bin/ratchet demo` in `folder` as `npm run demo` ends, on a free port, and reads its announcement. */
function startDemo(folder: string): Promise<{ child: ChildProcess; demo: DemoAnnouncement }> {
  const child = spawn(join(folder, 'bin', 'ratchet'), ['demo'], {
    cwd: folder,
    env: cleanEnvironment({ RATCHET_PORT: '0', RATCHET_CACHE_DIR: 'off' }),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stderr!.on('data', (chunk: Buffer) => (err += chunk.toString()));
  return new Promise((done, reject) => {
    const timer = setTimeout(() => reject(new Error(`the demo did not start: ${redact(err)}`)), 60_000);
    child.once('exit', (code) => reject(new Error(`the demo exited (${String(code)}): ${redact(err)}`)));
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      if (!/^Try: /m.test(out)) return;
      clearTimeout(timer);
      const url = /^Ratchet demo is running on (http:\/\/\S+)$/m.exec(out)?.[1];
      if (url === undefined) return reject(new Error(`the demo printed no URL: ${redact(out)}`));
      const tokens = new Map<string, string>();
      for (const match of out.matchAll(/^(\w+) \(.*\)\s+[\w-]+\s+(rtk_\S+)$/gm))
        tokens.set(match[1]!, match[2]!);
      done({ child, demo: { url, tokens } });
    });
  });
}

describe('README.md, executed as written', () => {
  const blocks = shellBlocks(README);
  const [setup, ...rest] = blocks;
  const examples = rest.flatMap((block, i) => examplesOf(block, i + 1));
  let folder: string;
  let demo: DemoAnnouncement;
  let child: ChildProcess | undefined;
  const outputs: string[] = [];
  let stateFile: string;

  beforeAll(async () => {
    folder = mkdtempSync(join(tmpdir(), 'ratchet-readme-'));
    mkdirSync(join(folder, 'bin'));
    symlinkSync(join(ROOT, 'bin', 'ratchet'), join(folder, 'bin', 'ratchet'));
    stateFile = join(folder, '.readme-shell-state');
    writeFileSync(stateFile, '');
    ({ child, demo } = await startDemo(folder));
  }, 90_000);
  afterAll(() => {
    if (child && child.exitCode === null) child.kill('SIGTERM');
    rmSync(folder, { recursive: true, force: true });
  });

  it('opens with the two setup commands, and `npm run demo` ends in the demo this test starts', () => {
    expect(setup?.text.split('\n').map((line) => line.replace(/\s+#.*$/, ''))).toEqual([
      'npm ci && npm run demo',
      'npm ci && npm test',
    ]);
    const scripts = (
      JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> }
    ).scripts;
    expect(scripts.demo).toMatch(/&& node dist\/cli\/main\.js demo$/);
  });

  it('writes every example in one form: ./bin/ratchet, never a bare ratchet', () => {
    expect(examples.length).toBeGreaterThan(30);
    const bare = examples.filter((example) => /(^|&&\s*|;\s*)ratchet\s/.test(example.command));
    expect(bare.map((example) => `README.md:${example.line}: ${example.command}`)).toEqual([]);
    for (const block of blocks.slice(1)) expect(block.text).not.toMatch(/^ratchet /m);
    // The usage summaries outside ```sh blocks say ./bin/ratchet too.
    expect(README).not.toMatch(/`ratchet [a-z]+ [a-z<]/);
  });

  it('uses only placeholders this test knows how to fill, and every one it knows', () => {
    const used = new Set(
      examples.flatMap((example) => [...example.command.matchAll(PLACEHOLDER)].map((m) => m[1]!)),
    );
    expect([...used].filter((name) => !(name in PLACEHOLDERS))).toEqual([]);
    expect(Object.keys(PLACEHOLDERS).filter((name) => !used.has(name))).toEqual([]);
  });

  it('runs every example in order, each ending as the README says', { timeout: 600_000 }, () => {
    for (const example of examples) {
      const command = fill(example.command, demo, outputs);
      // One shell per example, carrying `export`s forward the way one terminal session would.
      const script = `. "$README_SHELL_STATE"\n${command}\nstatus=$?\nexport -p > "$README_SHELL_STATE"\nexit $status\n`;
      const run = spawnSync('/bin/sh', ['-c', script], {
        cwd: folder,
        env: cleanEnvironment({ README_SHELL_STATE: stateFile, RATCHET_CACHE_DIR: 'off' }),
        encoding: 'utf8',
        timeout: 120_000,
      });
      const printed = `${run.stdout}${run.stderr}`;
      outputs.push(printed);
      expect(
        run.status,
        `README.md:${example.line}: ${redact(example.command)}\n${redact(printed).slice(-3000)}`,
      ).toBe(example.expectedExit);
    }
  });
});
