// Runs the BizTalkDeployment contract against the in-process simulator and against the real BTSTask adapter
// driving the BTSTask emulator: both must agree with the same sample group.
import { join } from 'node:path';
import test from 'ava';
import { BtsTaskGroup } from '../../../src/adapters/btstask/btstask-group.js';
import { createSampleGroupState } from '../../../src/adapters/simulator/sample-group.js';
import { SimulatedGroup } from '../../../src/adapters/simulator/simulated-group.js';
import { registerDeploymentContract, scratchDir } from '../../contracts/biztalk-deployment.contract.js';
import { createEmulatorSetup } from '../../support/btstask-emulator.js';

registerDeploymentContract(test, 'SimulatedGroup', async () => {
  const scratch = await scratchDir('contract-sim-');
  const state = createSampleGroupState();
  return { group: new SimulatedGroup(createSampleGroupState(), { gacRoot: join(scratch.dir, 'gac') }), state, dir: scratch.dir, cleanup: scratch.remove };
}, { groupInventory: true, groupBindings: true });

registerDeploymentContract(test, 'BtsTaskGroup+emulator', async () => {
  const setup = await createEmulatorSetup();
  return { group: new BtsTaskGroup({ runner: setup.runner(), gacRoot: setup.gacRoot, tempDir: setup.dir }), state: setup.state, dir: setup.dir, cleanup: setup.cleanup };
}, { groupInventory: false, groupBindings: true });
