/** The demo tenant for `--demo`: the simulator in this process, with the simulated admin approving sign-ins. */
import type {DemoTenant} from '../explorer/demo.js';
import {completeDemoBrowserSignIn} from './browser.js';
import {startSimulator} from './index.js';

export async function startDemoTenant(options: {approveAfterMs: number}): Promise<DemoTenant> {
	// The demo approves its own code; polling at Entra's 5 s would only make the demo slower.
	// A started job runs its schedule on a clock 60 times faster than real time (PT40M in 40 s), so scheduled cycles
	// can be watched in a demo.
	const simulator = await startSimulator({autoApproveDeviceCodeMs: options.approveAfterMs, deviceCodeIntervalSeconds: 1, provisioning: {scheduleScale: 60}});
	// As in a tenant where the sign-in app was never granted the audit-log permissions: the first use asks for consent.
	simulator.identity.requireConsentOnFirstUse(['AuditLog.Read.All', 'Directory.Read.All']);
	return {
		url: simulator.url,
		close: () => simulator.close(),
		registerClientCertificate: (certificatePem) => simulator.identity.registerClientCertificate(certificatePem),
		completeBrowserSignIn: (url) => completeDemoBrowserSignIn(url),
	};
}
