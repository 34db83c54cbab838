import { existsSync } from 'node:fs';

/** A font file with CJK glyphs, and the face (its PostScript name) to use inside a collection (.ttc). */
export interface CjkFont {
  path: string;
  family?: string;
}

/**
 * Where CJK fonts live on the machines we run on (Debian's fonts-wqy-microhei, Noto CJK, 思源黑体 on
 * Fedora/RHEL-family and 统信/麒麟 installs). `DUBAN_PDF_FONT` (a path; `path#Family` for a collection)
 * comes first.
 */
const CANDIDATES: CjkFont[] = [
  { path: '/usr/share/fonts/truetype/wqy/wqy-microhei.ttc', family: 'WenQuanYiMicroHei' },
  { path: '/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc', family: 'WenQuanYiZenHei' },
  { path: '/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc', family: 'NotoSansCJKsc-Regular' },
  { path: '/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc', family: 'NotoSansCJKsc-Regular' },
  { path: '/usr/share/fonts/google-noto-cjk/NotoSansCJK-Regular.ttc', family: 'NotoSansCJKsc-Regular' },
  { path: '/usr/share/fonts/adobe-source-han-sans/SourceHanSansCN-Regular.otf' },
];

/** The first CJK font found, or null (the PDF then cannot be made: the caller says so). */
export function findCjkFont(env: NodeJS.ProcessEnv = process.env): CjkFont | null {
  const configured = env.DUBAN_PDF_FONT;
  if (configured) {
    const [path, family] = configured.split('#') as [string, string | undefined];
    if (existsSync(path)) return family ? { path, family } : { path };
  }
  return CANDIDATES.find((f) => existsSync(f.path)) ?? null;
}
