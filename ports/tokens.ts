import type { ServiceIdentifier } from 'inversify'

/** A port's Inversify token: a registered symbol typed with the port it stands for. */
export const token = <T>(name: string): ServiceIdentifier<T> =>
  Symbol.for(`innkeeper.${name}`) as ServiceIdentifier<T>
