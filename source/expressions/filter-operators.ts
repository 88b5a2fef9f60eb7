/**
 * Scoping-filter operators (research graph-sync-api.md §1.10), as `GET …/schema/filterOperators` lists them.
 * Only EQUALS's entry is documented verbatim; the attribute types of the others follow the Entra docs'
 * descriptions (bitwise operators on integers, regex on strings, IS TRUE/FALSE on booleans).
 */

export type FilterOperatorSchema = {
	name: string;
	arity: 'Binary' | 'Unary';
	multivaluedComparisonType: 'All' | 'Any';
	supportedAttributeTypes: string[];
};

const allTypes = ['String', 'Integer', 'Reference', 'Binary', 'Boolean', 'DateTime'];

export const filterOperators: readonly FilterOperatorSchema[] = [
	{name: '&', arity: 'Binary', multivaluedComparisonType: 'All', supportedAttributeTypes: ['Integer']},
	{name: '!&', arity: 'Binary', multivaluedComparisonType: 'All', supportedAttributeTypes: ['Integer']},
	{name: 'ENDS_WITH', arity: 'Binary', multivaluedComparisonType: 'All', supportedAttributeTypes: ['String']},
	{name: 'EQUALS', arity: 'Binary', multivaluedComparisonType: 'All', supportedAttributeTypes: ['String', 'Integer']},
	{name: 'Greater_Than', arity: 'Binary', multivaluedComparisonType: 'All', supportedAttributeTypes: ['Integer']},
	{name: 'Greater_Than_OR_EQUALS', arity: 'Binary', multivaluedComparisonType: 'All', supportedAttributeTypes: ['Integer']},
	{name: 'Includes', arity: 'Binary', multivaluedComparisonType: 'Any', supportedAttributeTypes: ['String', 'Integer']},
	{name: 'IS FALSE', arity: 'Unary', multivaluedComparisonType: 'All', supportedAttributeTypes: ['Boolean']},
	{name: 'IS NOT NULL', arity: 'Unary', multivaluedComparisonType: 'All', supportedAttributeTypes: allTypes},
	{name: 'IS NULL', arity: 'Unary', multivaluedComparisonType: 'All', supportedAttributeTypes: allTypes},
	{name: 'IS TRUE', arity: 'Unary', multivaluedComparisonType: 'All', supportedAttributeTypes: ['Boolean']},
	{name: 'NOT EQUALS', arity: 'Binary', multivaluedComparisonType: 'All', supportedAttributeTypes: ['String', 'Integer']},
	{name: 'NOT REGEX MATCH', arity: 'Binary', multivaluedComparisonType: 'All', supportedAttributeTypes: ['String']},
	{name: 'REGEX MATCH', arity: 'Binary', multivaluedComparisonType: 'All', supportedAttributeTypes: ['String']},
];
