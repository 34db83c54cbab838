import { Injectable, type OnModuleInit } from '@nestjs/common';
import { createPrivateKey, createPublicKey, generateKeyPairSync, sign, verify, type KeyObject } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { AppConfig } from '../../config/app.config.js';
import { Clock } from '../common/clock.js';
import type { Db } from '../database/db.js';
import { DatabaseService } from '../database/database.service.js';

/** The auth_secrets row holding the generated signing key (PKCS#8 PEM) when configuration gives none. */
export const SIGNING_KEY_SECRET = 'audit-signing-key';

/** Public key as base64 of its SPKI DER (what checkpoint rows, tree heads and exports carry). */
export function publicKeyText(key: KeyObject): string {
  return key.export({ type: 'spki', format: 'der' }).toString('base64');
}

/** Ed25519 over an ASCII text (a checkpoint's hex hash, a tree head's signed text). Anyone with the public key can check it (node:crypto, openssl). */
export function verifyCheckpointSignature(publicKeyBase64: string, text: string, signatureBase64: string): boolean {
  try {
    const key = createPublicKey({ key: Buffer.from(publicKeyBase64, 'base64'), format: 'der', type: 'spki' });
    return verify(null, Buffer.from(text, 'ascii'), key, Buffer.from(signatureBase64, 'base64'));
  } catch {
    return false;
  }
}

/** A PKCS#8 Ed25519 private key from PEM text or the base64 of its DER. Throws naming what is wrong. */
export function parseSigningKey(text: string): KeyObject {
  const t = text.trim();
  const key = t.startsWith('-----BEGIN') ? createPrivateKey(t) : createPrivateKey({ key: Buffer.from(t, 'base64'), format: 'der', type: 'pkcs8' });
  if (key.asymmetricKeyType !== 'ed25519') throw new Error(`the audit signing key must be Ed25519, not ${key.asymmetricKeyType}`);
  return key;
}

/**
 * The signing key: DUBAN_AUDIT_SIGNING_KEY when set; otherwise the one kept in the database (auth_secrets,
 * `audit-signing-key`), which the first instance puts there — importing DATA_DIR/audit-signing-key.pem when an
 * older installation left one (so its checkpoints keep verifying), else generating one. Every instance on one
 * database signs with the same key; never a file one instance made for itself.
 */
export async function resolveSigningKey(configured: string | undefined, db: Db, dataDir: string, nowIso: string): Promise<{ key: KeyObject; source: string }> {
  if (configured) return { key: parseSigningKey(configured), source: 'DUBAN_AUDIT_SIGNING_KEY' };
  const file = join(resolve(dataDir), 'audit-signing-key.pem');
  const pem = existsSync(file) ? readFileSync(file, 'utf8') : generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  await db.run('INSERT INTO auth_secrets (name, secret, created_at) VALUES (?, ?, ?) ON CONFLICT (name) DO NOTHING', SIGNING_KEY_SECRET, pem, nowIso);
  const stored = await db.value<string>('SELECT secret FROM auth_secrets WHERE name = ?', SIGNING_KEY_SECRET);
  if (!stored) throw new Error(`auth_secrets has no ${SIGNING_KEY_SECRET} row after inserting one`);
  return { key: parseSigningKey(stored), source: `the database (auth_secrets ${SIGNING_KEY_SECRET})` };
}

/**
 * Signs checkpoints and the transparency log's tree heads with one Ed25519 key (resolveSigningKey).
 * Someone who can edit the database but not read the key cannot forge a signature: set
 * DUBAN_AUDIT_SIGNING_KEY for that; with the key in the database, a root published outside the system and
 * the witnesses' countersignatures are what catch a rewrite.
 */
@Injectable()
export class CheckpointSigner implements OnModuleInit {
  private key: KeyObject | null = null;
  private pub: string | null = null;
  /** Where the key came from (for messages). */
  keySource = 'not loaded yet';

  constructor(
    private readonly config: AppConfig,
    private readonly db: DatabaseService,
    private readonly clock: Clock,
  ) {}

  async onModuleInit(): Promise<void> {
    await this.load();
  }

  async load(): Promise<void> {
    if (this.key) return;
    const { key, source } = await resolveSigningKey(this.config.DUBAN_AUDIT_SIGNING_KEY, this.db, this.config.DUBAN_DATA_DIR, this.clock.nowIso());
    this.key = key;
    this.pub = publicKeyText(createPublicKey(key));
    this.keySource = source;
  }

  /** The current public key (base64 SPKI DER). */
  publicKey(): string {
    if (!this.pub) throw new Error('the audit signing key is not loaded');
    return this.pub;
  }

  sign(text: string): { publicKey: string; signature: string } {
    if (!this.key) throw new Error('the audit signing key is not loaded');
    return { publicKey: this.publicKey(), signature: sign(null, Buffer.from(text, 'ascii'), this.key).toString('base64') };
  }
}
