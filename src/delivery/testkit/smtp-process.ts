import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

export interface ReceivedMail {
  from: string | null;
  to: string[];
  /** The message as it arrived: headers, blank line, body. */
  raw: string;
}

export interface SmtpSink {
  port: number;
  messages: ReceivedMail[];
  /** Resolves once `count` messages have arrived. */
  waitFor(count: number): Promise<ReceivedMail[]>;
  stop(): Promise<void>;
}

/** Starts `smtp-sink.ts` in a child process (through tsx) and follows what it receives. */
export async function startSmtpSink(): Promise<SmtpSink> {
  const script = fileURLToPath(new URL('./smtp-sink.ts', import.meta.url));
  const child = spawn(process.execPath, ['--import', 'tsx', script], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const messages: ReceivedMail[] = [];
  const waiters: (() => void)[] = [];
  const port = await new Promise<number>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`the SMTP sink exited early with code ${code}`)));
    createInterface({ input: child.stdout }).on('line', (line) => {
      const event = JSON.parse(line) as { listening?: number; message?: ReceivedMail };
      if (event.listening) resolve(event.listening);
      if (event.message) {
        messages.push(event.message);
        for (const wake of waiters.splice(0)) wake();
      }
    });
  });
  return {
    port,
    messages,
    async waitFor(count) {
      while (messages.length < count) await new Promise<void>((resolve) => waiters.push(resolve));
      return messages;
    },
    async stop() {
      if (child.exitCode !== null) return;
      child.kill('SIGTERM');
      await once(child, 'exit');
    },
  };
}
