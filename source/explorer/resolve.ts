/**
 * Finding the app and job a command means from what admins have at hand: an object id, an appId
 * or a display name; a job id or a templateId.
 */
import {UserError} from '../errors.js';
import type {GraphClient} from '../graph/client.js';
import {GraphError} from '../graph/errors.js';
import {sanitizeForTerminal as clean} from '../terminal/sanitize.js';
import type {ServicePrincipal, SynchronizationJob} from '../schema/types.js';
import {jobsOrNone} from './tenant-services.js';

const guid = /^[\da-f]{8}-[\da-f]{4}-[\da-f]{4}-[\da-f]{4}-[\da-f]{12}$/i;

function odataString(text: string): string {
	return `'${text.replace(/'/g, "''")}'`;
}

function listed(principals: readonly ServicePrincipal[]): string {
	return principals.map((sp) => `${clean(sp.displayName ?? '(no name)')} (${sp.id})`).join(', ');
}

export async function resolveServicePrincipal(graph: GraphClient, reference: string, signal?: AbortSignal): Promise<ServicePrincipal> {
	const select = ['id', 'appId', 'displayName', 'applicationTemplateId'];
	if (guid.test(reference)) {
		try {
			return await graph.getServicePrincipal(reference, signal);
		} catch (error) {
			if (!(error instanceof GraphError && error.status === 404)) throw error;
		}
		const byAppId = await graph.listServicePrincipals({filter: `appId eq ${odataString(reference)}`, select}, signal);
		if (byAppId[0]) return byAppId[0];
		throw new UserError(`No service principal has the object id or appId ${reference}. Run \`provisioning-explorer apps\` to list them.`);
	}
	const byName = await graph.listServicePrincipals({filter: `displayName eq ${odataString(reference)}`, select}, signal);
	if (byName.length === 1) return byName[0]!;
	if (byName.length > 1) {
		throw new UserError(`${byName.length} service principals are named "${clean(reference)}": ${listed(byName)}. Give the object id instead.`);
	}
	throw new UserError(`No service principal is named "${clean(reference)}" (names match exactly). Give its object id or appId, or run \`provisioning-explorer apps\`.`);
}

export async function resolveJob(
	graph: GraphClient,
	servicePrincipal: ServicePrincipal,
	reference: string | undefined,
	signal?: AbortSignal,
): Promise<SynchronizationJob> {
	const jobs = await jobsOrNone(graph, servicePrincipal.id, signal);
	const name = clean(servicePrincipal.displayName ?? servicePrincipal.id);
	if (jobs.length === 0) throw new UserError(`${name} has no provisioning jobs.`);
	const describe = (list: readonly SynchronizationJob[]) => list.map((job) => `${job.templateId ?? '?'} (${job.id})`).join(', ');
	if (reference === undefined) {
		if (jobs.length === 1) return jobs[0]!;
		throw new UserError(`${name} has ${jobs.length} jobs: ${describe(jobs)}. Choose one with --job.`);
	}
	const exact = jobs.find((job) => job.id === reference);
	if (exact) return exact;
	const byTemplate = jobs.filter((job) => job.templateId?.toLowerCase() === reference.toLowerCase());
	if (byTemplate.length === 1) return byTemplate[0]!;
	if (byTemplate.length > 1) throw new UserError(`Several jobs of ${name} use template ${clean(reference)}: ${describe(byTemplate)}. Give the job id.`);
	throw new UserError(`${name} has no job "${clean(reference)}". Its jobs: ${describe(jobs)}.`);
}
