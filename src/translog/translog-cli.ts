/**
 * The transparency log's commands of `npm run cli`: `log head` (bring the log up to date, sign and print
 * the latest head) and `log witness-sign` (a witness countersigns a head with its own key, kept outside
 * the service: no database needed).
 */
import type { INestApplicationContext } from '@nestjs/common';
import type { Command } from 'commander';
import { createPrivateKey, createPublicKey, sign } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { CommandFailed } from '../audit/audit-cli.js';
import { publicKeyText, verifyCheckpointSignature } from '../audit/checkpoint-signer.js';
import { treeHeadText } from './leaf.js';
import { TranslogService } from './translog.service.js';

type WithApp = (fn: (app: INestApplicationContext) => Promise<unknown> | unknown) => Promise<void>;

/** A witness's answer to a head: what POST /audit/log/heads/{size}/witnesses takes. Checks the log's signature first. */
export function witnessSign(
  head: { treeSize: number; rootHash: string; timestamp: string; publicKey: string; signature: string },
  keyPem: string,
): { publicKey: string; signature: string } {
  const text = treeHeadText(head);
  if (!verifyCheckpointSignature(head.publicKey, text, head.signature))
    throw new CommandFailed(`the head of size ${head.treeSize} is not signed by its publicKey: not countersigned`);
  const key = createPrivateKey(keyPem);
  if (key.asymmetricKeyType !== 'ed25519') throw new CommandFailed('the witness key must be an Ed25519 private key (PEM)', 2);
  return { publicKey: publicKeyText(createPublicKey(key)), signature: sign(null, Buffer.from(text, 'ascii'), key).toString('base64') };
}

export function registerLogCommands(program: Command, withApp: WithApp): void {
  const log = program.command('log').description('the transparency log over every task event (signed tree heads, witnesses)');
  log
    .command('head')
    .description('append every committed event to the log, sign a tree head if it grew, print the latest head as JSON')
    .action(async () =>
      withApp(async (app) => {
        const s = app.get(TranslogService);
        await s.sequence({ catchUp: true });
        console.log(JSON.stringify(await s.signHead(), null, 2));
      }),
    );
  log
    .command('witness-sign')
    .description(
      'countersign a signed tree head (JSON of GET /audit/log/head) with a witness key kept outside the service; prints the body to POST to /audit/log/heads/{size}/witnesses',
    )
    .requiredOption('--key <file>', 'the witness’s Ed25519 private key, PEM (openssl genpkey -algorithm ed25519)')
    .option('--head <file>', 'the head as JSON (default: stdin)')
    .action((o: { key: string; head?: string }) => {
      const head = JSON.parse(readFileSync(o.head ?? 0, 'utf8')) as Parameters<typeof witnessSign>[0];
      console.log(JSON.stringify(witnessSign(head, readFileSync(o.key, 'utf8')), null, 2));
    });
}
