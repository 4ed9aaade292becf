import { Inject } from '@nestjs/common';

export const SETTINGS = Symbol('SETTINGS');

/** Injects the validated, typed `Settings` object. */
export const InjectSettings = (): PropertyDecorator & ParameterDecorator => Inject(SETTINGS);
