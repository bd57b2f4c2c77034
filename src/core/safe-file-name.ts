import { createHash } from 'node:crypto';
import { FORBIDDEN_CHARACTERS, isReservedDeviceName, segmentProblem } from './path-safety.js';

/**
 * A file name valid on Windows and POSIX for any application name, by the same rule verify checks (path-safety.ts):
 * forbidden characters replaced, no trailing dot or space, no reserved device name (CONIN$, COM¹ ...), at most 120
 * characters. When anything had to change, a short hash of the original name is appended so that distinct names stay
 * distinct. Deterministic. The result stays safe with any extension appended (`.msi`, `.bindings.xml`).
 */
export function safeFileName(name: string): string {
  let safe = name.replace(FORBIDDEN_CHARACTERS, '_').replace(/[. ]+$/g, '');
  if (safe === '' || isReservedDeviceName(safe)) safe = `_${safe}`;
  if (safe === name && name.length <= 120 && segmentProblem(name) === undefined) return name;
  const tag = createHash('sha256').update(name, 'utf8').digest('hex').slice(0, 8);
  // Cut by code points, so a surrogate pair is never split.
  return `${Array.from(safe).slice(0, 110).join('').replace(/[. ]+$/g, '')}~${tag}`;
}
