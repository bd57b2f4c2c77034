import type { ResourceInfo } from '../../core/model.js';
import type { BizTalkGroup, BizTalkGroupBindings, OperationOutcome } from '../../ports/biztalk-group.js';
import type { SimulatedGroup } from './simulated-group.js';

/**
 * The simulated group as `explorerom+btstask` sees it, in process (for tests and the benchmark; the real adapter over
 * the BTSTask emulator shows the deployment side the same way through child processes): applications and references
 * from the catalog, no whole-group inventory, ListApp's resources with their type and LUID only (no properties, no
 * hash of their bytes), ExportBindings per application and /GroupLevel.
 */
export function btsTaskView(group: SimulatedGroup): BizTalkGroup & BizTalkGroupBindings {
  return {
    source: 'btstask',
    describeGroup: () => group.describeGroup(),
    listApplications: () => group.listApplications(),
    listHosts: () => group.listHosts(),
    listAdapterHandlers: () => group.listAdapterHandlers(),
    listResources: async (application: string): Promise<ResourceInfo[]> => (await group.listResources(application)).map((r) => ({ type: r.type, luid: r.luid, properties: {} })),
    exportApplication: (application, packagePath, resources) => group.exportApplication(application, packagePath, resources),
    exportBindings: (application, destinationPath) => group.exportBindings(application, destinationPath),
    exportGroupBindings: (destinationPath): Promise<OperationOutcome> => group.exportGroupBindings(destinationPath),
    locateAssembly: (fullName) => group.locateAssembly(fullName),
  };
}
