import type { ServiceIdentifier } from 'inversify'
import type { CoreDeps, CoreSettings } from '../../core/application/support/deps.js'
import { token } from '../../ports/tokens.js'

/** The settings of the core, bound by each composition root. */
export const CoreSettingsToken: ServiceIdentifier<CoreSettings> = token<CoreSettings>('CoreSettings')
/** Every port, resolved and gathered: what use cases are built from. */
export const CoreDepsToken: ServiceIdentifier<CoreDeps> = token<CoreDeps>('CoreDeps')
