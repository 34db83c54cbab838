import { Injectable } from '@nestjs/common';
import { createPrivateKey, createPublicKey, generateKeyPairSync, sign, verify, type KeyObject } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { AppConfig } from '../../config/app.config.js';

/** Public key as base64 of its SPKI DER (what checkpoint rows and exports carry). */
export function publicKeyText(key: KeyObject): string {
  return key.export({ type: 'spki', format: 'der' }).toString('base64');
}

/** Ed25519 over the ASCII hex of the checkpoint hash. Anyone with the public key can check it (node:crypto, openssl). */
export function verifyCheckpointSignature(publicKeyBase64: string, hash: string, signatureBase64: string): boolean {
  try {
    const key = createPublicKey({ key: Buffer.from(publicKeyBase64, 'base64'), format: 'der', type: 'spki' });
    return verify(null, Buffer.from(hash, 'ascii'), key, Buffer.from(signatureBase64, 'base64'));
  } catch {
    return false;
  }
}

/**
 * Signs checkpoints with an Ed25519 key kept in DATA_DIR/audit-signing-key.pem (mode 600), generated on the
 * first checkpoint. Someone who can edit the database but not read this file cannot forge a checkpoint;
 * someone who can do both is caught only by a root published outside the system.
 */
@Injectable()
export class CheckpointSigner {
  readonly keyFile: string;
  private key: KeyObject | null = null;

  constructor(config: AppConfig) {
    this.keyFile = join(resolve(config.DUBAN_DATA_DIR), 'audit-signing-key.pem');
  }

  /** The current public key, or null when no key was made yet (no checkpoint taken). */
  publicKey(): string | null {
    const k = this.load(false);
    return k ? publicKeyText(createPublicKey(k)) : null;
  }

  sign(hash: string): { publicKey: string; signature: string } {
    const k = this.load(true)!;
    return { publicKey: publicKeyText(createPublicKey(k)), signature: sign(null, Buffer.from(hash, 'ascii'), k).toString('base64') };
  }

  private load(create: boolean): KeyObject | null {
    if (this.key) return this.key;
    if (existsSync(this.keyFile)) {
      this.key = createPrivateKey(readFileSync(this.keyFile, 'utf8'));
      return this.key;
    }
    if (!create) return null;
    const { privateKey } = generateKeyPairSync('ed25519');
    mkdirSync(join(this.keyFile, '..'), { recursive: true });
    writeFileSync(this.keyFile, privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600, flag: 'wx' });
    this.key = privateKey;
    return this.key;
  }
}
