import { buildSchema, isEnumType, isInputObjectType, isInterfaceType, isObjectType, isScalarType } from 'graphql';
import { describe, expect, it } from 'vitest';
import { typeDefs } from '../../../src/http/graphql/server.ts';

const schema = buildSchema(typeDefs);
const ownTypes = Object.values(schema.getTypeMap()).filter(
  (type) => !type.name.startsWith('__') && !['String', 'Int', 'Float', 'Boolean', 'ID'].includes(type.name),
);

describe('the GraphQL schema', () => {
  it('describes every type, field, argument, input field and enum value', () => {
    const undocumented: string[] = [];
    const check = (where: string, description: string | null | undefined) => {
      if (!description?.trim()) undocumented.push(where);
    };
    for (const type of ownTypes) {
      check(type.name, type.description);
      if (isObjectType(type) || isInterfaceType(type)) {
        for (const field of Object.values(type.getFields())) {
          check(`${type.name}.${field.name}`, field.description);
          for (const arg of field.args) check(`${type.name}.${field.name}(${arg.name})`, arg.description);
        }
      }
      if (isInputObjectType(type))
        for (const field of Object.values(type.getFields())) check(`${type.name}.${field.name}`, field.description);
      if (isEnumType(type))
        for (const value of type.getValues()) check(`${type.name}.${value.name}`, value.description);
    }
    expect(undocumented).toEqual([]);
  });

  it('names every enum value in UPPER_CASE', () => {
    const values = ownTypes
      .filter(isEnumType)
      .flatMap((type) => type.getValues().map((value) => `${type.name}.${value.name}`));
    expect(values.filter((value) => !/^[A-Za-z]+\.[A-Z][A-Z0-9_]*$/.test(value))).toEqual([]);
  });

  it('has the enums of the contract', () => {
    const valuesOf = (name: string) => {
      const type = schema.getType(name);
      return isEnumType(type) ? type.getValues().map((v) => v.name) : [];
    };
    expect(valuesOf('ProductionOrderState')).toEqual([
      'DRAFT',
      'SUBMITTED',
      'APPROVED',
      'IN_PRODUCTION',
      'FULFILLED',
      'CANCELED',
    ]);
    expect(valuesOf('ProductionStatus')).toEqual(['SPEC_REVIEW', 'QUEUED', 'PRINTING', 'FINISHING', 'READY']);
    expect(valuesOf('Priority')).toEqual(['RUSH', 'STANDARD', 'HOLD']);
    expect(valuesOf('Technique')).toEqual(['DTG', 'SCREEN', 'EMBROIDERY']);
    expect(
      ownTypes
        .filter(isScalarType)
        .map((t) => t.name)
        .sort(),
    ).toEqual(['DateTime', 'JSON']);
  });
});
