import { Inject } from '@nestjs/common';

export const METADATA_DIALECT = Symbol('METADATA_DIALECT');

/** Injects the `MetadataDialect` of the connected metadata database. */
export const InjectMetadataDialect = (): PropertyDecorator & ParameterDecorator =>
  Inject(METADATA_DIALECT);
