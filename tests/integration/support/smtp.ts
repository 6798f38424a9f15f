/**
 * A real SMTP server on loopback (the `smtp-server` package) that keeps every message it
 * accepted, decoded enough to read: envelope recipients, the Subject (RFC 2047) and the text
 * body (quoted-printable or base64, as nodemailer writes UTF-8). `refuse(address, code)` makes it
 * answer RCPT TO for that address with an SMTP error (4xx: try later; 5xx: never).
 *
 *   const smtp = await startSmtp();  env: HEARTHLINE_SMTP_URL=smtp.url
 *   smtp.messages   what was delivered
 *   await smtp.stop()
 */
import { SMTPServer } from 'smtp-server';
import type { AddressInfo } from 'node:net';

export interface SmtpMessage {
  from: string;
  to: string[];
  subject: string;
  text: string;
  raw: string;
}

export interface LoopbackSmtp {
  url: string;
  messages: SmtpMessage[];
  /** Messages delivered to one address. */
  to(address: string): SmtpMessage[];
  refuse(address: string, code: number): void;
  stop(): Promise<void>;
}

function decodeWords(header: string): string {
  return header.replace(/=\?utf-8\?([bq])\?([^?]*)\?=\s*/gi, (_, enc: string, data: string) =>
    enc.toLowerCase() === 'b'
      ? Buffer.from(data, 'base64').toString('utf8')
      : Buffer.from(data.replace(/_/g, ' ').replace(/=([0-9a-f]{2})/gi, (_m, h: string) => String.fromCharCode(parseInt(h, 16))), 'latin1').toString('utf8'),
  );
}

function parse(raw: string, from: string, to: string[]): SmtpMessage {
  const split = raw.indexOf('\r\n\r\n');
  const head = raw.slice(0, split).replace(/\r\n[ \t]+/g, ' ');
  const body = raw.slice(split + 4);
  const header = (name: string) => new RegExp(`^${name}:\\s*(.*)$`, 'im').exec(head)?.[1] ?? '';
  const encoding = header('Content-Transfer-Encoding').toLowerCase();
  const text =
    encoding === 'base64'
      ? Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('utf8')
      : encoding === 'quoted-printable'
        ? Buffer.from(body.replace(/=\r\n/g, '').replace(/=([0-9A-F]{2})/gi, (_m, h: string) => String.fromCharCode(parseInt(h, 16))), 'latin1').toString('utf8')
        : body;
  return { from, to, subject: decodeWords(header('Subject')), text: text.replace(/\r\n/g, '\n'), raw };
}

export async function startSmtp(): Promise<LoopbackSmtp> {
  const messages: SmtpMessage[] = [];
  const refused = new Map<string, number>();
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onRcptTo(address, _session, callback) {
      const code = refused.get(address.address.toLowerCase());
      if (code) return callback(Object.assign(new Error(`mailbox ${address.address} refused`), { responseCode: code }));
      callback();
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        const from = session.envelope.mailFrom ? session.envelope.mailFrom.address : '';
        messages.push(parse(Buffer.concat(chunks).toString('latin1'), from, session.envelope.rcptTo.map((r) => r.address)));
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const port = (server.server.address() as AddressInfo).port;
  return {
    url: `smtp://127.0.0.1:${port}`,
    messages,
    to: (address) => messages.filter((m) => m.to.includes(address)),
    refuse(address, code) {
      refused.set(address.toLowerCase(), code);
    },
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
