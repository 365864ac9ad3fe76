export { engines, openTestDatabase } from './engines.js';
export type { TestDatabase } from './engines.js';
export { startHttpReceiver, unusedUrl } from './http-receiver.js';
export type { HttpReceiver, ReceivedRequest, ScriptedAnswer } from './http-receiver.js';
export { startSmtpSink } from './smtp-process.js';
export type { ReceivedMail, SmtpSink } from './smtp-process.js';
