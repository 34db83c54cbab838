/**
 * `Content-Disposition: attachment` for a file name of any characters: an ASCII fallback (`filename`) and the
 * exact name in RFC 5987 form (`filename*`). A raw non-ASCII or control character in a header makes Node
 * refuse the whole answer (ERR_INVALID_CHAR), and ids (a plan's, a task's) may hold any character.
 */
export function attachmentDisposition(name: string): string {
  const ascii = name.replace(/[^\x20-\x7e]|["\\]/g, '_');
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(name)}`;
}
