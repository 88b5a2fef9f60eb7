/**
 * The cloud-sync password-hash job (`AD2AADPasswordHash`): a small schema flowing AD `user` credentials
 * to the Entra `SyncCredentialsChangeItem` object. Synthesised in the style of the AD2AADProvisioning fixture.
 */

import type {SynchronizationSchema} from '../../schema/types.js';
import {createSeededRandom} from '../random.js';
import {
	attribute,
	directory,
	entraDirectoryId,
	keyValue,
	mapping,
	objectDefinition,
	objectMapping,
	objectMappingMetadata,
	type SchemaIdentity,
	schemaDocument,
	synchronizationRule,
} from './builders.js';

export function generatePasswordHashSchema(identity: SchemaIdentity): SynchronizationSchema {
	const random = createSeededRandom(`password-hash:${identity.jobId}`);
	const adUser = objectDefinition('user', [
		attribute('objectGUID', {type: 'Binary', anchor: true}),
		attribute('mS-DS-ConsistencyGuid', {type: 'Binary'}),
		attribute('pwdLastSet', {type: 'Integer'}),
		attribute('sAMAccountName'),
		attribute('supplementalCredentials', {type: 'Binary'}),
		attribute('userAccountControl', {type: 'Integer'}),
		attribute('userPrincipalName'),
	]);
	const credentialsItem = objectDefinition(
		'SyncCredentialsChangeItem',
		[
			attribute('onPremisesObjectIdentifier', {anchor: true}),
			attribute('CredentialData', {type: 'Binary'}),
			attribute('LastPasswordChangeTimestamp'),
			attribute('onPremisesSamAccountName'),
			attribute('onPremisesUserPrincipalName'),
			attribute('PasswordNeverExpires', {type: 'Boolean'}),
			attribute('SourceAnchor'),
		],
		{supportedApis: []},
	);
	const attributeMappings = [
		mapping('onPremisesObjectIdentifier', '[objectGUID]', {matchingPriority: 1}),
		mapping('SourceAnchor', 'IIF(IsPresent([mS-DS-ConsistencyGuid]), [mS-DS-ConsistencyGuid], [objectGUID])'),
		mapping('CredentialData', '[supplementalCredentials]'),
		mapping('LastPasswordChangeTimestamp', 'IIF(IsPresent([pwdLastSet]), FormatDateTime(DateFromNum([pwdLastSet]), , "yyyyMMddHHmmss.0Z"), )'),
		mapping('onPremisesSamAccountName', '[sAMAccountName]'),
		mapping('onPremisesUserPrincipalName', 'IIF(IsPresent([userPrincipalName]), [userPrincipalName], Join("@", [sAMAccountName], DefaultDomain()))'),
		mapping('PasswordNeverExpires', 'IIF(BitAnd([userAccountControl], &H10000)="0", "False", "True")'),
	];
	const rule = synchronizationRule({
		id: random.guid(),
		name: 'AD2AADPasswordHash',
		sourceDirectoryName: 'Active Directory',
		targetDirectoryName: 'Azure Active Directory',
		objectMappings: [
			objectMapping({
				name: 'Synchronize Active Directory password hashes to Azure Active Directory',
				sourceObjectName: 'user',
				targetObjectName: 'SyncCredentialsChangeItem',
				flowTypes: 'Update',
				metadata: objectMappingMetadata({ExcludeFromReporting: 'true'}),
				attributeMappings,
			}),
		],
		metadata: [keyValue('supportsProvisionOnDemand', 'false')],
	});
	return schemaDocument(
		identity,
		[rule],
		[
			directory(random.guid(), 'Active Directory', [adUser]),
			directory(entraDirectoryId, 'Azure Active Directory', [credentialsItem], {
				readOnly: true,
				discoverabilities: 'AttributeNames, AttributeDataTypes',
			}),
		],
	);
}
