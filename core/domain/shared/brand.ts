/** A nominal type: a `T` that only the constructors of its module hand out. */
export type Brand<T, B extends string> = T & { readonly __brand: B }
