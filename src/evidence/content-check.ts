import { fileTypeFromBuffer } from 'file-type';

/**
 * What an evidence file's bytes must look like for the extension it is sent under. The client's name and
 * content type are never trusted: the magic bytes decide (file-type), an executable is refused whatever it
 * is called, and the type served back on download comes from this table, not from the upload.
 */
interface Rule {
  /** file-type's `ext` values accepted for this extension; [] = no recognisable signature (plain text). */
  detected: string[];
  /** The content type stored and served. */
  mime: string;
}

const ZIP_FAMILY = ['zip', 'docx', 'xlsx', 'pptx', 'epub'];
export const CONTENT_RULES: Record<string, Rule> = {
  pdf: { detected: ['pdf'], mime: 'application/pdf' },
  ofd: { detected: ['zip'], mime: 'application/ofd' },
  jpg: { detected: ['jpg'], mime: 'image/jpeg' },
  jpeg: { detected: ['jpg'], mime: 'image/jpeg' },
  png: { detected: ['png'], mime: 'image/png' },
  doc: { detected: ['cfb', 'doc'], mime: 'application/msword' },
  xls: { detected: ['cfb', 'xls'], mime: 'application/vnd.ms-excel' },
  wps: { detected: ['cfb', 'doc'], mime: 'application/vnd.ms-works' },
  docx: { detected: ['docx', 'zip'], mime: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document' },
  xlsx: { detected: ['xlsx', 'zip'], mime: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' },
  zip: { detected: ZIP_FAMILY, mime: 'application/zip' },
  txt: { detected: [], mime: 'text/plain; charset=utf-8' },
};

/** Bytes read from the start of a file to decide its type (file-type's own sample size). */
export const SNIFF_BYTES = 4100;

/** Windows PE (MZ), ELF, Mach-O (both byte orders, fat), and scripts with a shebang. */
export function isExecutable(head: Uint8Array): boolean {
  const b = (i: number) => head[i] ?? -1;
  if (b(0) === 0x4d && b(1) === 0x5a) return true; // MZ
  if (b(0) === 0x7f && b(1) === 0x45 && b(2) === 0x4c && b(3) === 0x46) return true; // \x7fELF
  const be = ((b(0) << 24) | (b(1) << 16) | (b(2) << 8) | b(3)) >>> 0;
  if ([0xfeedface, 0xfeedfacf, 0xcefaedfe, 0xcffaedfe, 0xcafebabe].includes(be)) return true;
  if (b(0) === 0x23 && b(1) === 0x21) return true; // #!
  return false;
}

export type ContentVerdict = { ok: true; mime: string; detected: string | null } | { ok: false; reason: string };

/** Whether `head` (the first SNIFF_BYTES of the file) is acceptable under extension `ext`. */
export async function checkContent(head: Uint8Array, ext: string): Promise<ContentVerdict> {
  if (isExecutable(head)) return { ok: false, reason: 'the content is an executable program' };
  const found = await fileTypeFromBuffer(head);
  const rule = CONTENT_RULES[ext];
  if (!rule) {
    // An extension the office added to DUBAN_UPLOAD_TYPES that this table does not know: its signature must match it.
    return found?.ext === ext
      ? { ok: true, mime: 'application/octet-stream', detected: found.ext }
      : { ok: false, reason: `the content is not a .${ext} file` };
  }
  if (rule.detected.length === 0) {
    if (found) return { ok: false, reason: `the content is a .${found.ext} file, not .${ext}` };
    if (head.includes(0)) return { ok: false, reason: `the content is binary, not .${ext} text` };
    return { ok: true, mime: rule.mime, detected: null };
  }
  if (!found) return { ok: false, reason: `the content is not a .${ext} file (no ${ext} signature)` };
  if (!rule.detected.includes(found.ext)) return { ok: false, reason: `the content is a .${found.ext} file, not .${ext}` };
  return { ok: true, mime: rule.mime, detected: found.ext };
}

/** A file name safe to store and echo back: no control characters (NUL included), no path, at most 255 characters. */
export function cleanFileName(name: string): string {
  // eslint-disable-next-line no-control-regex
  const base =
    (name ?? '')
      .replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g, '')
      .split(/[\\/]/)
      .pop() ?? '';
  const trimmed = base.trim().slice(0, 255);
  return trimmed === '' || trimmed === '.' || trimmed === '..' ? 'file' : trimmed;
}

/** The content type served for a stored row: only a type from the table above, else a download. */
export function safeContentType(stored: string): string {
  return Object.values(CONTENT_RULES).some((r) => r.mime === stored) ? stored : 'application/octet-stream';
}
