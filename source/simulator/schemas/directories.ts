/**
 * Object definitions shared by several demo schemas: the Entra ID `User`/`Group` objects (modelled on the
 * Graph docs' objectDefinition sample, research §4.2) and the on-premises Active Directory `user` object.
 */

import type {AttributeDefinition, ObjectDefinition} from '../../schema/types.js';
import {attribute, keyValue, objectDefinition} from './builders.js';

const numbered = (prefix: string, count: number) => Array.from({length: count}, (_, index) => `${prefix}${index + 1}`);

export function entraUserObject(): ObjectDefinition {
	const attributes: AttributeDefinition[] = [
		attribute('objectId', {anchor: true}),
		attribute('IsSoftDeleted', {type: 'Boolean', required: true}),
		attribute('accountEnabled', {type: 'Boolean', required: true}),
		attribute('appRoleAssignments', {multivalued: true}),
		attribute('city'),
		attribute('companyName'),
		attribute('country'),
		attribute('department'),
		attribute('dirSyncEnabled', {type: 'Boolean'}),
		attribute('displayName', {required: true}),
		attribute('employeeHireDate', {type: 'DateTime'}),
		attribute('employeeId'),
		attribute('employeeOrgData.costCenter'),
		attribute('employeeOrgData.division'),
		attribute('employeeType'),
		...numbered('extensionAttribute', 15).map((name) => attribute(name)),
		attribute('facsimileTelephoneNumber'),
		attribute('givenName'),
		attribute('immutableId'),
		attribute('jobTitle'),
		attribute('mail'),
		attribute('mailNickname'),
		attribute('manager', {references: ['User']}),
		attribute('mobile'),
		attribute('onPremisesSamAccountName'),
		attribute('onPremisesSecurityIdentifier'),
		attribute('originalUserPrincipalName'),
		attribute('otherMails', {multivalued: true}),
		attribute('passwordProfile.password', {required: true}),
		attribute('physicalDeliveryOfficeName'),
		attribute('postalCode'),
		attribute('preferredLanguage', {required: true}),
		attribute('proxyAddresses', {multivalued: true}),
		attribute('state'),
		attribute('streetAddress'),
		attribute('surname', {required: true}),
		attribute('telephoneNumber'),
		attribute('usageLocation'),
		attribute('userPrincipalName', {required: true}),
		attribute('userType'),
	];
	return objectDefinition('User', attributes, {
		metadata: [
			keyValue('IsSoftDeletionSupported', 'true'),
			keyValue('ConnectorDataStorageRequired', 'true'),
			keyValue('IsSynchronizeAllSupported', 'true'),
			keyValue('PropertyNameAccountEnabled', 'accountEnabled'),
			keyValue('PropertyNameSoftDeleted', 'IsSoftDeleted'),
		],
	});
}

export function entraGroupObject(): ObjectDefinition {
	return objectDefinition(
		'Group',
		[
			attribute('objectId', {anchor: true}),
			attribute('IsSoftDeleted', {type: 'Boolean', required: true}),
			attribute('description'),
			attribute('displayName', {required: true}),
			attribute('mail'),
			attribute('mailEnabled', {type: 'Boolean'}),
			attribute('mailNickname'),
			attribute('members', {multivalued: true, references: ['User', 'Group']}),
			attribute('securityEnabled', {type: 'Boolean'}),
		],
		{
			metadata: [
				keyValue('IsSoftDeletionSupported', 'true'),
				keyValue('ConnectorDataStorageRequired', 'true'),
				keyValue('IsSynchronizeAllSupported', 'true'),
				keyValue('PropertyNameSoftDeleted', 'IsSoftDeleted'),
			],
		},
	);
}

/** The AD `user` object as an HR-inbound target (lower-case object name, like the real AD connector). */
export function activeDirectoryUserObject(): ObjectDefinition {
	const attributes: AttributeDefinition[] = [
		attribute('objectGUID', {type: 'Binary', anchor: true}),
		attribute('accountDisabled', {type: 'Boolean'}),
		attribute('accountExpires', {type: 'Integer'}),
		attribute('c'),
		attribute('cn'),
		attribute('co'),
		attribute('company'),
		attribute('countryCode', {type: 'Integer'}),
		attribute('department'),
		attribute('description'),
		attribute('displayName'),
		attribute('distinguishedName'),
		attribute('division'),
		attribute('employeeID'),
		attribute('employeeNumber'),
		attribute('employeeType'),
		...numbered('extensionAttribute', 15).map((name) => attribute(name)),
		attribute('facsimileTelephoneNumber'),
		attribute('givenName'),
		attribute('homePhone'),
		attribute('info'),
		attribute('initials'),
		attribute('ipPhone'),
		attribute('l'),
		attribute('mail'),
		attribute('mailNickname'),
		attribute('manager', {references: ['user']}),
		attribute('middleName'),
		attribute('mobile'),
		attribute('mS-DS-ConsistencyGuid', {type: 'Binary'}),
		attribute('otherMobile', {multivalued: true}),
		attribute('pager'),
		attribute('parentDistinguishedName'),
		attribute('physicalDeliveryOfficeName'),
		attribute('postalCode'),
		attribute('preferredLanguage'),
		attribute('proxyAddresses', {multivalued: true}),
		attribute('pwdLastSet', {type: 'Integer'}),
		attribute('sAMAccountName'),
		attribute('sn'),
		attribute('st'),
		attribute('streetAddress'),
		attribute('supplementalCredentials', {type: 'Binary'}),
		attribute('telephoneNumber'),
		attribute('title'),
		attribute('userAccountControl', {type: 'Integer'}),
		attribute('userPrincipalName'),
		attribute('wWWHomePage'),
	];
	return objectDefinition('user', attributes);
}
