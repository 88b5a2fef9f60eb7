/**
 * The built-in demo tenant, as the core sees it: an address to talk to and a few hooks. The simulator implements it
 * (simulator/demo-tenant.ts) and only the demo entry points (cli.tsx, demo-server) load the simulator, so nothing
 * else in the product depends on it.
 */
export type DemoTenant = {
	url: string;
	close(): Promise<void>;
	/** As if an admin had uploaded the certificate to the demo app's registration. */
	registerClientCertificate(certificatePem: string): void;
	/** The simulated user completes a browser sign-in at this address. */
	completeBrowserSignIn(url: string): Promise<void>;
};

export type StartDemoTenant = (options: {approveAfterMs: number}) => Promise<DemoTenant>;

let registered: StartDemoTenant | undefined;

/** Called by the entry point: how to start the demo tenant when --demo asks for it. */
export function registerDemoTenant(start: StartDemoTenant): void {
	registered = start;
}

export function registeredDemoTenant(): StartDemoTenant | undefined {
	return registered;
}
