/** `provision --sp APP --job JOB --subject S`: provision one test object on demand and show what happened. */
import {resolveJob, resolveServicePrincipal} from '../explorer/resolve.js';
import {describeError, UsageError, UserError} from '../errors.js';
import {mayHaveBeenApplied, shellWord, unsureOutcome} from '../loop/actions.js';
import {GraphError} from '../graph/errors.js';
import {checkGroupRequest, checkSubject, decodeProvisionOnDemand, groupResultNote, onDemandBody, onDemandLines, onDemandNotes, onDemandTarget, subjectWords} from '../loop/on-demand.js';
import {describeLimiterWait, SlidingWindowLimiter} from '../loop/rate-limit.js';
import {decodeSchemaBytes, parseSchemaText} from '../schema/load.js';
import {sanitizeForTerminal as clean} from '../terminal/sanitize.js';
import {jsonHelp, jsonOption, parseCommandLine, readSharedOptions, sharedHelp, sharedOptions} from './options.js';
import {writeJson, writeStdout} from './output.js';
import {openSession} from './session.js';

export const provisionHelp = `Usage: provisioning-explorer provision --sp APP [--job JOB] --subject S [--subject S…] [--json]

Provisions test objects on demand (Graph: provisionOnDemand) and shows, for each, every step (import,
scoping, matching, action/export) with its status, and the target attributes changed, old → new. This
really writes to the target system, for these objects only.

  --sp APP          the app: service principal object id, appId or exact display name
  --job JOB         the job id or templateId (needed when the app has several jobs)
  --subject S       what the app type needs: for cloud sync (AD2AADProvisioning) the user's AD
                    distinguished name; for Workday the worker id; for apps fed from Entra ID the
                    user's object id (a UPN is looked up; that needs User.ReadBasic.All). Up to 5 per
                    10 s, Microsoft's limit: more wait, and the wait is shown.
  --object-type T   the source object to provision (default: the user-like object of the mapping)
  --member M        with --object-type Group: a member to provision with the group (object id or UPN),
                    up to 5 (Microsoft's limit); only for apps provisioned from Entra ID
  --details         also print each step's details (the imported attributes, scoping results)
${jsonHelp}

The rule id is the schema's (the rule that supports provision on demand); the object type comes from
the object mapping. Exit codes: 0 every object succeeded; 1 an object was skipped (e.g. no change
needed, out of scope) or failed; 2 an error (nothing could be asked). --read-only refuses it.

${sharedHelp}

Examples:
  provisioning-explorer provision --demo --sp contoso.com --job AD2AADProvisioning --subject "CN=AdeleV,CN=Users,DC=corp,DC=chicago,DC=com"
  provisioning-explorer provision --demo --sp "Contoso SCIM App" --subject BillBob@contoso.com --json
  provisioning-explorer provision --demo --sp "Contoso SCIM App" --object-type Group --subject 8213fd99-d6b6-417b-8e13-af6334856215 --member BillBob@contoso.com`;

export async function runProvision(args: string[]): Promise<number> {
	const {values} = parseCommandLine(
		args,
		{
			options: {
				...sharedOptions,
				...jsonOption,
				sp: {type: 'string'},
				job: {type: 'string'},
				subject: {type: 'string', multiple: true},
				'object-type': {type: 'string'},
				member: {type: 'string', multiple: true},
				details: {type: 'boolean'},
			},
		},
		'provision ',
	);
	const shared = readSharedOptions(values);
	if (shared.help) {
		await writeStdout(`${provisionHelp}\n`);
		return 0;
	}
	if (!values.sp) throw new UsageError('provision needs --sp (object id, appId or display name). See `provisioning-explorer provision --help`.');
	const subjects = (values.subject ?? []) as string[];
	if (subjects.length === 0) throw new UsageError('provision needs --subject: the user or worker to provision. See `provisioning-explorer provision --help`.');
	if (shared.readOnly) throw new UsageError('--read-only: provisioning on demand writes to the target system, so nothing was sent.');
	// A UPN is turned into an object id by Graph's /users, which needs one more permission.
	const memberArguments = (values.member ?? []) as string[];
	const needsUserLookup = [...subjects, ...memberArguments].some((subject) => subject.includes('@') && !subject.includes('='));
	const session = await openSession(shared, needsUserLookup ? {extraScopes: ['User.ReadBasic.All']} : {});
	try {
		const graph = session.graph;
		const servicePrincipal = await resolveServicePrincipal(graph, values.sp);
		const job = await resolveJob(graph, servicePrincipal, values.job);
		const schema = parseSchemaText(decodeSchemaBytes(await graph.getSchemaBytes(servicePrincipal.id, job.id)).text, 'the live schema');
		const target = onDemandTarget(schema, job.templateId, values['object-type']);
		const groupMembers = checkGroupRequest(target, job.templateId, memberArguments);
		const notes = [...onDemandNotes(target, job.templateId), ...(groupMembers ? [groupResultNote] : [])];
		const objectTypeName = target.mapping.sourceObjectName ?? '';
		const ruleId = target.rule.id ?? '';
		const limiter = new SlidingWindowLimiter();
		const results: unknown[] = [];
		let worst = 0;
		const idOf = async (subject: string): Promise<string> => {
			const checked = checkSubject(target.subjectKind, subject);
			if (!('lookupUpn' in checked)) return checked.objectId;
			try {
				return (await graph.getUser(checked.lookupUpn)).id;
			} catch (error) {
				if (error instanceof GraphError && error.status === 404) throw new UsageError(`No user has the UPN ${clean(checked.lookupUpn)}: give ${subjectWords.objectId}.`);
				throw error;
			}
		};
		const members = groupMembers ? await Promise.all(groupMembers.map(idOf)) : undefined;
		for (const subject of subjects) {
			const objectId = await idOf(subject);
			await limiter.take((waitMs) => process.stderr.write(`${describeLimiterWait(waitMs)}\n`));
			let answer: {key?: unknown; value?: unknown};
			try {
				answer = await graph.provisionOnDemand(servicePrincipal.id, job.id, onDemandBody({ruleId, objectId, objectTypeName, members}));
			} catch (error) {
				if (mayHaveBeenApplied(error)) {
					throw new UserError(unsureOutcome(describeError(error), `provisioning of ${clean(subject)}`, `the provisioning logs (\`provisioning-explorer logs --sp ${shellWord(values.sp)} --job ${shellWord(job.templateId ?? job.id)} ${target.subjectKind === 'distinguishedName' ? '--since 1h' : `--user ${shellWord(objectId)}`}\`)`), {cause: error});
				}
				throw error;
			}
			const result = decodeProvisionOnDemand(answer);
			if (!result.succeeded) worst = 1;
			if (values.json) {
				results.push({subject, objectId, ruleId, objectTypeName, ...(members ? {members} : {}), ...result, notes});
			} else {
				const heading = `${clean(subject)} (${clean(objectTypeName)}, rule ${clean(ruleId)}):`;
				await writeStdout(`${[heading, ...onDemandLines(result, {notes, details: Boolean(values.details)}).map((line) => `  ${clean(line)}`)].join('\n')}\n`);
			}
		}
		if (values.json) await writeJson(results);
		return worst;
	} finally {
		await session.close();
	}
}
