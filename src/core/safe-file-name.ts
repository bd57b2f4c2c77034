import { createHash } from 'node:crypto';

const RESERVED = /^(con|prn|aux|nul|com[0-9]|lpt[0-9])(\..*)?$/i;

/**
 * A file name valid on Windows and POSIX for any application name: `<>:"/\|?*` and control characters replaced,
 * no trailing dot or space, no reserved device name, at most 120 characters. When anything had to change, a short
 * hash of the original name is appended so that distinct names stay distinct. Deterministic.
 */
export function safeFileName(name: string): string {
  let safe = name.replace(/[<>:"/\\|?*\u0000-\u001f]/g, '_').replace(/[. ]+$/g, '');
  if (safe === '' || RESERVED.test(safe)) safe = `_${safe}`;
  if (safe === name && name.length <= 120) return name;
  const tag = createHash('sha256').update(name, 'utf8').digest('hex').slice(0, 8);
  return `${safe.slice(0, 110).replace(/[. ]+$/g, '')}~${tag}`;
}
