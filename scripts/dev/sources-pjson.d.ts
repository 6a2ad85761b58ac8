import type {Interfaces} from '@oclif/core'

/** package.json with its "oclif" section pointing at the TypeScript sources. */
export declare function sourcesPjson(): Interfaces.PJSON
