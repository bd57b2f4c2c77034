// Loaded by ava before every test file (package.json "ava.require"): every MSI the simulator writes in any test is
// compared with shared/REAL-MSI.md by the structural checker, and a deviation fails the test that wrote it.
import { SimulatedGroup } from '../../src/adapters/simulator/simulated-group.js';
import { realMsiDeviations } from './real-msi-shape.js';

/** How many simulator MSIs this worker has checked (a test asserts the hook is live). */
export const simulatorMsiChecks = { count: 0 };

/** Throws an Error listing the deviations when `bytes` is not shaped like a real BizTalk export. */
export function assertRealMsiShape(bytes: Uint8Array, source: string): void {
  const deviations = realMsiDeviations(bytes, { source });
  if (deviations.length > 0) throw new Error(`A simulator MSI deviates from shared/REAL-MSI.md:\n  ${deviations.join('\n  ')}`);
}

const HOOKED = Symbol.for('biztalkbackup.tests.simulatorMsiShape');
const prototype = SimulatedGroup.prototype as SimulatedGroup & { [HOOKED]?: true };
if (prototype[HOOKED] !== true) {
  const original = prototype.buildPackage;
  prototype.buildPackage = function buildPackageChecked(this: SimulatedGroup, ...args: Parameters<SimulatedGroup['buildPackage']>): Uint8Array {
    const bytes = original.apply(this, args);
    assertRealMsiShape(bytes, `the simulator's MSI of ${args[0]}`);
    simulatorMsiChecks.count++;
    return bytes;
  };
  prototype[HOOKED] = true;
}
