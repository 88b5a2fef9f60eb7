/**
 * "Contoso SCIM App": a non-gallery SCIM app (directory `customappsso`), Entra ID → SCIM 2.0. Target
 * attribute names use SCIM paths such as `emails[type eq "work"].value` and enterprise-extension URNs
 * with colons, like the default customappsso mappings.
 */

import type {SynchronizationSchema} from '../../schema/types.js';
import {createSeededRandom} from '../random.js';
import {
	attribute,
	directory,
	entraDirectoryId,
	mapping,
	objectDefinition,
	objectMapping,
	type SchemaIdentity,
	schemaDocument,
	synchronizationRule,
} from './builders.js';
import {entraGroupObject, entraUserObject} from './directories.js';

const enterprise = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';

export function generateScimSchema(identity: SchemaIdentity): SynchronizationSchema {
	const random = createSeededRandom(`scim:${identity.jobId}`);
	const scimUser = objectDefinition('User', [
		attribute('id', {anchor: true, caseExact: true}),
		attribute('active', {type: 'Boolean'}),
		attribute('addresses[type eq "work"].country'),
		attribute('addresses[type eq "work"].formatted'),
		attribute('addresses[type eq "work"].locality'),
		attribute('addresses[type eq "work"].postalCode'),
		attribute('addresses[type eq "work"].region'),
		attribute('addresses[type eq "work"].streetAddress'),
		attribute('displayName'),
		attribute('emails[type eq "other"].value'),
		attribute('emails[type eq "work"].value'),
		attribute('externalId'),
		attribute('locale'),
		attribute('name.familyName'),
		attribute('name.formatted'),
		attribute('name.givenName'),
		attribute('nickName'),
		attribute('phoneNumbers[type eq "fax"].value'),
		attribute('phoneNumbers[type eq "mobile"].value'),
		attribute('phoneNumbers[type eq "work"].value'),
		attribute('preferredLanguage'),
		attribute('roles[primary eq "True"].value'),
		attribute('title'),
		attribute('userName', {required: true}),
		attribute('userType'),
		attribute(`${enterprise}:costCenter`),
		attribute(`${enterprise}:department`),
		attribute(`${enterprise}:division`),
		attribute(`${enterprise}:employeeNumber`),
		attribute(`${enterprise}:manager`, {references: ['User']}),
		attribute(`${enterprise}:organization`),
	]);
	const scimGroup = objectDefinition('Group', [
		attribute('id', {anchor: true, caseExact: true}),
		attribute('displayName', {required: true}),
		attribute('externalId'),
		attribute('members', {multivalued: true, references: ['User', 'Group']}),
	]);
	const userMappings = [
		mapping('userName', '[userPrincipalName]', {matchingPriority: 1}),
		mapping('active', 'Switch([IsSoftDeleted], , "False", "True", "True", "False")'),
		mapping('displayName', '[displayName]'),
		mapping('title', '[jobTitle]'),
		mapping('emails[type eq "work"].value', '[mail]'),
		mapping('preferredLanguage', '[preferredLanguage]'),
		mapping('name.givenName', '[givenName]'),
		mapping('name.familyName', '[surname]'),
		mapping('name.formatted', 'Join(" ", [givenName], [surname])'),
		mapping('addresses[type eq "work"].formatted', '[physicalDeliveryOfficeName]'),
		mapping('addresses[type eq "work"].streetAddress', '[streetAddress]'),
		mapping('addresses[type eq "work"].locality', '[city]'),
		mapping('addresses[type eq "work"].region', '[state]'),
		mapping('addresses[type eq "work"].postalCode', '[postalCode]'),
		mapping('addresses[type eq "work"].country', '[country]'),
		mapping('phoneNumbers[type eq "work"].value', '[telephoneNumber]'),
		mapping('phoneNumbers[type eq "mobile"].value', '[mobile]'),
		mapping('phoneNumbers[type eq "fax"].value', '[facsimileTelephoneNumber]'),
		mapping('externalId', '[mailNickname]'),
		mapping('roles[primary eq "True"].value', 'SingleAppRoleAssignment([appRoleAssignments])'),
		mapping(`${enterprise}:employeeNumber`, '[employeeId]'),
		mapping(`${enterprise}:department`, '[department]'),
		mapping(`${enterprise}:costCenter`, '[employeeOrgData.costCenter]'),
		mapping(`${enterprise}:division`, '[employeeOrgData.division]'),
		mapping(`${enterprise}:organization`, '[companyName]'),
		mapping(`${enterprise}:manager`, '[manager]'),
		mapping('userType', 'IIF([userType]="Guest", "Guest", "Member")'),
	];
	const groupMappings = [
		mapping('displayName', '[displayName]', {matchingPriority: 1}),
		mapping('externalId', '[objectId]'),
		mapping('members', '[members]'),
	];
	const rule = synchronizationRule({
		id: random.guid(),
		name: 'USER_OUTBOUND_USER',
		sourceDirectoryName: 'Azure Active Directory',
		targetDirectoryName: 'customappsso',
		objectMappings: [
			objectMapping({
				name: 'Provision Azure Active Directory Users',
				sourceObjectName: 'User',
				targetObjectName: 'User',
				attributeMappings: userMappings,
			}),
			objectMapping({
				name: 'Provision Azure Active Directory Groups',
				sourceObjectName: 'Group',
				targetObjectName: 'Group',
				attributeMappings: groupMappings,
			}),
		],
	});
	return schemaDocument(
		identity,
		[rule],
		[
			directory(entraDirectoryId, 'Azure Active Directory', [entraUserObject(), entraGroupObject()], {
				readOnly: true,
				discoverabilities: 'AttributeNames, AttributeDataTypes',
			}),
			directory(random.guid(), 'customappsso', [scimUser, scimGroup], {discoverabilities: 'AttributeNames'}),
		],
	);
}
