import type { DiscoveryService, MetadataScanner } from '@nestjs/core';

/** A method of an instantiated provider, as the registries see it at start-up. */
export interface ProviderMethod {
  readonly instance: object;
  readonly methodName: string;
  readonly method: (...args: unknown[]) => unknown;
}

/** Every method of every instantiated provider, for the registries that look for decorators. */
export function* providerMethods(
  discovery: DiscoveryService,
  scanner: MetadataScanner,
): Generator<ProviderMethod> {
  for (const wrapper of discovery.getProviders()) {
    const instance: unknown = wrapper.instance;
    if (!instance || typeof instance !== 'object') continue;
    const prototype = Object.getPrototypeOf(instance) as object;
    for (const methodName of scanner.getAllMethodNames(prototype)) {
      const method = (instance as Record<string, unknown>)[methodName];
      if (typeof method === 'function') {
        yield { instance, method: method as ProviderMethod['method'], methodName };
      }
    }
  }
}
