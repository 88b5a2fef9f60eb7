/**
 * Reads a job's provisioning events page by page, newest first, up to `max`, matching a UPN locally where Graph
 * cannot filter by it; a refusal (licence, permission) is explained in words. The `logs` command and the explorer
 * both read through here.
 */
import {UserError} from '../errors.js';
import type {GraphClient} from '../graph/client.js';
import {GraphError} from '../graph/errors.js';
import {decodeLogEvent, explainLogAccessError, type LogEventView, type LogQuery, matchesUser} from './logs.js';

export type LogRead = {events: LogEventView[]; /** More events exist beyond `max`. */ more: boolean};

export async function readLogEvents(
	graph: GraphClient,
	query: LogQuery,
	options: {max: number; signal?: AbortSignal; beforePage?: () => Promise<void>},
): Promise<LogRead> {
	const events: LogEventView[] = [];
	let read = 0;
	let next: string | undefined = graph.url(`/auditLogs/provisioning?${query.parameters.toString().replace(/\+/g, '%20')}`);
	try {
		while (next && read < options.max) {
			await options.beforePage?.();
			const page: {value: Record<string, unknown>[]; next?: string} = await graph.getPage<Record<string, unknown>>(next, options.signal);
			for (const raw of page.value) {
				if (read >= options.max) break;
				read++;
				const event = decodeLogEvent(raw);
				if (!query.localUser || matchesUser(event, query.localUser)) events.push(event);
			}
			next = page.next;
		}
	} catch (error) {
		const explained = error instanceof GraphError ? explainLogAccessError(error.status, error.details.code) : undefined;
		if (explained) throw new UserError(explained, {cause: error});
		throw error;
	}
	return {events, more: Boolean(next) && read >= options.max};
}
