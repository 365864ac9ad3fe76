/**
 * A real SMTP server, run as its own process by `startSmtpSink` (smtp-server, the server half of the
 * Nodemailer project). Prints one JSON line when listening, then one per accepted message. A
 * recipient whose local part starts with `reject` is refused with 550, like an unknown mailbox.
 */
import { SMTPServer } from 'smtp-server';

const server = new SMTPServer({
  // Plain SMTP on loopback: no certificate to trust, and no login to configure.
  disabledCommands: ['STARTTLS', 'AUTH'],
  logger: false,
  onRcptTo(address, _session, callback) {
    if (address.address.startsWith('reject')) {
      const error = Object.assign(new Error('5.1.1 No such mailbox'), { responseCode: 550 });
      callback(error);
      return;
    }
    callback();
  },
  onData(stream, session, callback) {
    const chunks: Buffer[] = [];
    stream.on('data', (chunk: Buffer) => chunks.push(chunk));
    stream.on('end', () => {
      const message = {
        from: session.envelope.mailFrom === false ? null : session.envelope.mailFrom.address,
        to: session.envelope.rcptTo.map((rcpt) => rcpt.address),
        raw: Buffer.concat(chunks).toString('utf8'),
      };
      process.stdout.write(`${JSON.stringify({ message })}\n`);
      callback();
    });
  },
});

server.listen(0, '127.0.0.1', () => {
  const address = server.server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  process.stdout.write(`${JSON.stringify({ listening: port })}\n`);
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
