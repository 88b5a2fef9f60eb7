/** The demo tenant for `--demo`: the simulator in this process, with the simulated admin approving sign-ins. */
import type {DemoTenant} from '../explorer/demo.js';
import {completeDemoBrowserSignIn} from './browser.js';
import {startSimulator} from './index.js';

export async function startDemoTenant(options: {approveAfterMs: number}): Promise<DemoTenant> {
	const simulator = await startSimulator({autoApproveDeviceCodeMs: options.approveAfterMs});
	return {
		url: simulator.url,
		close: () => simulator.close(),
		registerClientCertificate: (certificatePem) => simulator.identity.registerClientCertificate(certificatePem),
		completeBrowserSignIn: (url) => completeDemoBrowserSignIn(url),
	};
}
